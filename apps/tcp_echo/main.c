// tcp_echo: listens on TCP port `port` through the tcpip service and sends
// every connection's bytes back. A reply the connection's queue cannot take
// yet is held, and that connection is not read until it has gone out: no
// byte is dropped, whatever the client sends.
#include <aster/aster.h>
#include <stdio.h>
#include <string.h>

#define CONNS_MAX 16

static struct held {
    handle_t ch;
    size_t len;
    char data[MESSAGE_DATA_MAX];
} held[CONNS_MAX];

static struct held *slot(handle_t ch, bool make) {
    for (int i = 0; i < CONNS_MAX; i++)
        if (held[i].ch == ch || (make && held[i].ch == HANDLE_INVALID)) {
            held[i].ch = ch;
            return &held[i];
        }
    return NULL;
}

static bool on_connect(struct loop *loop, handle_t ch) {
    (void) loop;
    INFO("connection %d", ch);
    return slot(ch, true) != NULL; // refused past CONNS_MAX
}

static void on_data(struct loop *loop, handle_t ch, const void *data, size_t len) {
    error_t err = msg_send_data(ch, data, len);
    struct held *h = slot(ch, false);
    if (err == E_FULL && h) { // hold it; read no more of this one until it is out
        memcpy(h->data, data, len);
        h->len = len;
        loop_want_readable(loop, ch, false);
        loop_want_writable(loop, ch, true);
    }
}

static void on_writable(struct loop *loop, handle_t ch) {
    struct held *h = slot(ch, false);
    if (!h || msg_send_data(ch, h->data, h->len) == E_FULL)
        return; // still full: called again
    h->len = 0;
    loop_want_writable(loop, ch, false);
    loop_want_readable(loop, ch, true);
}

static void on_closed(struct loop *loop, handle_t ch) {
    (void) loop;
    struct held *h = slot(ch, false);
    if (h)
        h->ch = HANDLE_INVALID;
}

static const struct loop_handlers handlers = {
    .connect = on_connect, .data = on_data, .writable = on_writable, .closed = on_closed,
};

void main(struct env *env) {
    for (int i = 0; i < CONNS_MAX; i++)
        held[i].ch = HANDLE_INVALID;
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
