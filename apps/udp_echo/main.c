// udp_echo: binds UDP port `port` through the tcpip service ("udp-listen:")
// and sends every datagram back to whoever sent it: each DATA leads with
// the sender (struct udp_peer), and a DATA led by the same goes back to it.
#include <aster/aster.h>
#include <protocols/tcpip.h>
#include <stdio.h>

void main(struct env *env) {
    char uri[40];
    snprintf(uri, sizeof(uri), "udp-listen:0.0.0.0:%d", (int) env_int(env, "port"));
    int64_t port = msg_call_open(env_channel(env, "tcpip"), uri, MSG_CALL_TIMEOUT_DEFAULT);
    if (IS_ERROR(port)) {
        ERROR("cannot bind %s: %s", uri + 11, error_text(port));
        sys_app_exit(1);
    }
    INFO("echoing on %s", uri + 11);
    static struct msg_buffer buf;
    struct msg m;
    int64_t type;
    while ((type = msg_wait((handle_t) port, &buf, &m)) >= 0) {
        if (type != MSG_DATA || m.data.len < sizeof(struct udp_peer))
            continue;
        if (msg_send_data((handle_t) port, m.data.data, m.data.len) == E_FULL)
            WARN("tcpip is not reading: a datagram not echoed"); // as UDP may
    }
    ERROR("the tcpip service closed the port: %s", error_text(type));
}
