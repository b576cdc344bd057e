// The echo server: sends every DATA message back to the client that sent
// it, and answers INVOKE method ECHO_METHOD_ECHO with its arguments (a
// request/reply example; msg_call on the client's side).
#include <aster/aster.h>
#include <aster/loop.h>
#include <protocols/echo.h>

static bool on_connect(struct loop *loop, handle_t client) {
    (void) loop;
    INFO("client %d connected", client);
    return true;
}

static void on_data(struct loop *loop, handle_t client, const void *data, size_t len) {
    (void) loop;
    error_t err = msg_send_data(client, data, len);
    if (err)
        WARN("reply to client %d failed: %s", client, error_name(err));
}

static void on_invoke(struct loop *loop, handle_t client, uint32_t call_id, uint32_t method, const void *args,
                      size_t len, handle_t *handles, int num_handles) {
    (void) loop;
    (void) handles; // this protocol passes none (the loop closes any sent)
    (void) num_handles;
    if (method == ECHO_METHOD_ECHO)
        msg_send_invoke_result(client, call_id, 0, args, len);
    else
        msg_send_abort(client, call_id, E_NOT_SUPPORTED);
}

static void on_closed(struct loop *loop, handle_t client) {
    (void) loop;
    INFO("client %d left", client);
}

static const struct loop_handlers handlers = {
    .connect = on_connect,
    .data = on_data,
    .invoke = on_invoke,
    .closed = on_closed,
};

void main(struct env *env) {
    static struct loop loop;
    if (loop_init(&loop, &handlers, env) != OK)
        return;
    INFO("ready");
    loop_run(&loop);
}
