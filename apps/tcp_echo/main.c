// tcp_echo: listens on TCP port `port` through the tcpip service and sends
// every connection's bytes back. loop_send holds what the connection's
// queue cannot take yet, and the loop reads no more of that connection
// until it has gone out: no byte is dropped, whatever the client sends.
#include <aster/aster.h>
#include <stdio.h>

static bool on_connect(struct loop *loop, handle_t ch) {
    (void) loop;
    INFO("connection %d", ch);
    return true;
}

static void on_data(struct loop *loop, handle_t ch, const void *data, size_t len) {
    if (loop_send(loop, ch, data, len) == E_NO_MEMORY)
        loop_remove(loop, ch); // bytes were lost: end the connection rather than corrupt it
}

static const struct loop_handlers handlers = {.connect = on_connect, .data = on_data};

void main(struct env *env) {
    char uri[40];
    snprintf(uri, sizeof(uri), "tcp-listen:0.0.0.0:%d", (int) env_int(env, "port"));
    int64_t listener = msg_call_open(env_channel(env, "tcpip"), uri, MSG_CALL_TIMEOUT_DEFAULT);
    static struct loop loop;
    if (IS_ERROR(listener) || loop_init(&loop, &handlers, NULL) != OK || loop_listen(&loop, (handle_t) listener)) {
        ERROR("cannot listen on %s: %s", uri, error_text(listener));
        sys_app_exit(1);
    }
    INFO("listening on %s", uri + 11);
    loop_run(&loop);
}
