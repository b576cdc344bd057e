// The echo client: sends greetings to the echo server and prints the replies.
#include <aster/aster.h>
#include <stdio.h>

void main(struct env *env) {
    handle_t echo = env_channel(env, "echo");
    int64_t greetings = env_int(env, "greetings");
    int64_t start = sys_time_now();
    if (IS_ERROR(echo))
        return;
    static struct msg_buffer buf;
    for (int i = 1; i <= greetings; i++) {
        char text[64];
        int len = snprintf(text, sizeof(text), "hello #%d from echo_client", i);
        error_t err = msg_send_data(echo, text, len);
        struct msg reply;
        int64_t type = err ? err : msg_wait(echo, &buf, &reply);
        if (type == E_NO_PEER && env_bool(env, "reconnect")) {
            // The server ended (and is being restarted): ask again.
            INFO("server gone; reconnecting");
            sys_handle_close(echo);
            echo = env_reconnect(env, "echo");
            if (IS_ERROR(echo))
                return;
            i--;
            continue;
        }
        if (err) {
            ERROR("send failed: %s", error_name(err));
            return;
        }
        if (type != MSG_DATA) {
            ERROR("no reply: %s", IS_ERROR(type) ? error_name(type) : msg_type_name(type));
            return;
        }
        INFO("reply: %.*s", (int) reply.data.len, (const char *) reply.data.data);
    }
    if (env_bool(env, "timed"))
        INFO("%lld greetings answered in %lld ms", (long long) greetings,
             (long long) ((sys_time_now() - start) / 1000000));
    INFO("done");
}
