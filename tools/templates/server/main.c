// NAME: a request/reply server. Each client connects to the service NAME;
// INVOKE NAME_UPPER_METHOD_SHOUT answers its arguments upper-cased
// (<protocols/NAME.h>). The event loop answers the requests it has no
// handler for. Made by `make new-app SERVER=1`.
#include <aster/aster.h>
#include <aster/loop.h>
#include <ctype.h>
#include <protocols/NAME.h>

static void on_invoke(struct loop *loop, handle_t client, uint32_t call_id, uint32_t method, const void *args,
                      size_t len, handle_t *handles, int num_handles) {
    (void) loop;
    (void) handles; // this protocol passes none (the loop closes any sent)
    (void) num_handles;
    if (method != NAME_UPPER_METHOD_SHOUT) {
        msg_send_abort(client, call_id, E_NOT_SUPPORTED);
        return;
    }
    static char upper[MSG_INVOKE_MAX];
    for (size_t i = 0; i < len; i++)
        upper[i] = (char) toupper(((const unsigned char *) args)[i]);
    msg_send_invoke_result(client, call_id, 0, upper, len);
}

static const struct loop_handlers handlers = {.invoke = on_invoke};

void main(struct env *env) {
    static struct loop loop;
    if (loop_init(&loop, &handlers, env) != OK)
        return;
    INFO("ready");
    loop_run(&loop);
}
