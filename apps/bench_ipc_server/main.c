// Benchmark peer: answers every message from its client with the same bytes.
#include <aster/aster.h>

void main(struct env *env) {
    handle_t listen = (handle_t) env_item_at(env, 0)->value;
    static struct msg_buffer buf;
    struct msg connect;
    if (msg_wait(listen, &buf, &connect) != MSG_CONNECT)
        return;
    handle_t client = connect.connect.channel;
    handle_t poll = sys_poll_create();
    sys_poll_add(poll, client, EVENT_READABLE);
    char data[64];
    for (;;) {
        sys_poll_wait(poll, -1);
        int64_t info = sys_channel_recv(client, data, sizeof(data), NULL);
        if (info == E_NO_PEER)
            return;
        if (!IS_ERROR(info))
            sys_channel_send(client, (msginfo_t) info, data, NULL);
    }
}
