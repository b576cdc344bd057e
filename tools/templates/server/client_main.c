// NAME_client: asks the NAME server to shout its words, and logs the
// answer (or why there is none). Made by `make new-app SERVER=1`.
#include <aster/aster.h>
#include <protocols/NAME.h>
#include <string.h>

void main(struct env *env) {
    const char *words = env_str(env, "words");
    static struct msg_buffer buf;
    struct msg request = {.type = MSG_INVOKE}, reply;
    request.invoke.method = NAME_UPPER_METHOD_SHOUT;
    request.invoke.args = words;
    request.invoke.args_len = strlen(words);
    int64_t type = msg_call(env_channel(env, "NAME"), &request, &buf, &reply, MSG_CALL_TIMEOUT_DEFAULT);
    if (type != MSG_INVOKE_REPLY) {
        ERROR("no answer: %s", error_text(type));
        sys_app_exit(1);
    }
    INFO("the server says: %.*s", (int) reply.invoke_reply.len, (const char *) reply.invoke_reply.data);
}
