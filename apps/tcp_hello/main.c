// tcp_hello: connects out through the tcpip service (OPEN "tcp:HOST:PORT"),
// sends its line, logs what comes back until the other side closes, and
// ends. It tries again while the stack has no address yet (DHCP).
#include <aster/aster.h>
#include <stdio.h>
#include <string.h>

void main(struct env *env) {
    char uri[64];
    snprintf(uri, sizeof(uri), "tcp:%s", env_str(env, "to"));
    handle_t tcpip = env_channel(env, "tcpip");
    int64_t conn = E_NO_PEER;
    for (int tries = 0; tries < 100 && IS_ERROR(conn); tries++) {
        conn = msg_call_open(tcpip, uri, MSG_CALL_TIMEOUT_DEFAULT);
        if (IS_ERROR(conn) && conn != E_INVALID_ARG) // not reachable yet: wait a little
            sleep_ns(100 * 1000 * 1000);
        else if (IS_ERROR(conn))
            break;
    }
    if (IS_ERROR(conn)) {
        ERROR("cannot connect to %s: %s", uri + 4, error_text(conn));
        sys_app_exit(1);
    }
    static struct stream s;
    stream_open(&s, (handle_t) conn);
    const char *line = env_str(env, "line");
    stream_write(&s, line, strlen(line));
    stream_write(&s, "\n", 1);
    static char buf[MESSAGE_DATA_MAX];
    int64_t n;
    while ((n = stream_read(&s, buf, sizeof(buf))) > 0)
        INFO("got: %.*s", (int) (n && buf[n - 1] == '\n' ? n - 1 : n), buf);
    stream_close(&s);
    INFO("closed");
}
