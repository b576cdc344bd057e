// udp_hello: opens a UDP channel to one peer through the tcpip service
// ("udp:HOST:PORT"), sends its line as a datagram and logs the answer. UDP
// may lose datagrams (and the first wait for the peer's hardware address),
// so it sends again every 200 ms, 50 times at most.
#include <aster/aster.h>
#include <stdio.h>
#include <string.h>

void main(struct env *env) {
    char uri[64];
    snprintf(uri, sizeof(uri), "udp:%s", env_str(env, "to"));
    int64_t peer = msg_call_open(env_channel(env, "tcpip"), uri, MSG_CALL_TIMEOUT_DEFAULT);
    if (IS_ERROR(peer)) {
        ERROR("cannot open %s: %s", uri, error_text(peer));
        sys_app_exit(1);
    }
    const char *line = env_str(env, "line");
    static struct msg_buffer buf;
    struct msg m;
    for (int tries = 0; tries < 50; tries++) {
        msg_send_data((handle_t) peer, line, strlen(line));
        int64_t type = msg_wait_timeout((handle_t) peer, &buf, &m, 200 * 1000 * 1000);
        if (type == MSG_DATA) {
            INFO("got: %.*s", (int) m.data.len, (const char *) m.data.data);
            return;
        }
        if (type != E_TIMED_OUT) {
            ERROR("the tcpip service closed the channel: %s", error_text(type));
            sys_app_exit(1);
        }
    }
    ERROR("no answer from %s", uri + 4);
    sys_app_exit(1);
}
