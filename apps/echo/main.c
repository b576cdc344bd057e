// The echo server: sends every DATA message back to the client that sent it.
#include <aster/aster.h>
#include <aster/loop.h>

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

static void on_closed(struct loop *loop, handle_t client) {
    (void) loop;
    INFO("client %d left", client);
}

static const struct loop_handlers handlers = {
    .connect = on_connect,
    .data = on_data,
    .closed = on_closed,
};

void main(struct env *env) {
    static struct loop loop;
    if (loop_init(&loop, &handlers, env) != OK)
        return;
    INFO("ready");
    loop_run(&loop);
}
