// Benchmark peer: answers every message on "client" with the same bytes.
#include <aster/aster.h>

void main(struct env *env) {
    handle_t client = env_channel(env, "client");
    handle_t poll = sys_poll_create();
    sys_poll_add(poll, client, EVENT_READABLE);
    char buf[64];
    for (;;) {
        sys_poll_wait(poll, -1);
        long info = sys_channel_recv(client, buf, sizeof(buf), NULL);
        if (info == E_NO_PEER)
            return;
        if (!IS_ERROR(info))
            sys_channel_send(client, (msginfo_t) info, buf, NULL);
    }
}
