// The echo client: sends a few greetings to the echo server and prints the
// replies.
#include <aster/aster.h>
#include <stdio.h>
#include <string.h>

#define GREETINGS 3

void main(struct env *env) {
    handle_t echo = env_channel(env, "echo");
    handle_t poll = sys_poll_create();
    if (IS_ERROR(echo) || IS_ERROR(poll) || IS_ERROR(sys_poll_add(poll, echo, EVENT_READABLE)))
        return;
    for (int i = 1; i <= GREETINGS; i++) {
        char msg[64], reply[64];
        int len = snprintf(msg, sizeof(msg), "hello #%d from echo_client", i);
        error_t err = sys_channel_send(echo, MSGINFO(1, 0, len), msg, NULL);
        if (err) {
            ERROR("send failed: %s", error_name(err));
            return;
        }
        sys_poll_wait(poll, -1);
        long info = sys_channel_recv(echo, reply, sizeof(reply) - 1, NULL);
        if (IS_ERROR(info)) {
            ERROR("receive failed: %s", error_name(info));
            return;
        }
        reply[MSGINFO_LEN(info)] = '\0';
        INFO("reply: %s", reply);
    }
    INFO("done");
}
