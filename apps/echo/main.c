// The echo server: sends every message it receives back on the same channel.
#include <aster/aster.h>

void main(struct env *env) {
    handle_t client = env_channel(env, "client");
    handle_t poll = sys_poll_create();
    if (IS_ERROR(client) || IS_ERROR(poll) || IS_ERROR(sys_poll_add(poll, client, EVENT_READABLE | EVENT_PEER_CLOSED)))
        return;
    INFO("ready");
    static char buf[MESSAGE_DATA_MAX];
    for (;;) {
        long ready = sys_poll_wait(poll, -1);
        if (IS_ERROR(ready))
            break;
        long info = sys_channel_recv(client, buf, sizeof(buf), NULL);
        if (info == E_EMPTY)
            continue;
        if (IS_ERROR(info)) { // E_NO_PEER: the client is gone
            INFO("client closed: %s", error_name(info));
            break;
        }
        error_t err = sys_channel_send(client, (msginfo_t) info, buf, NULL);
        if (err)
            WARN("reply failed: %s", error_name(err));
    }
}
