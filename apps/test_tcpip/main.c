// System test: the tcpip service (<protocols/tcpip.h>) refuses what it
// cannot do, each with its error, and keeps serving: other schemes, bad
// endpoints, a port already taken, a datagram without its header.
#include <aster/aster.h>
#include <aster/test.h>
#include <protocols/tcpip.h>

static int64_t try_open(handle_t tcpip, const char *uri) { return msg_call_open(tcpip, uri, MSG_CALL_TIMEOUT_DEFAULT); }

void main(struct env *env) {
    handle_t tcpip = env_channel(env, "tcpip");
    EXPECT_EQ(try_open(tcpip, "http://10.0.2.2/"), E_NOT_SUPPORTED);
    EXPECT_EQ(try_open(tcpip, "tcp"), E_NOT_SUPPORTED);
    const char *bad[] = {"tcp:10.0.2.2", "tcp:10.0.2.2:", "tcp::80", "tcp:10.0.2.2:0", "tcp:10.0.2.2:65536",
                         "tcp:10.0.2.2:80x", "tcp:10.0.2.256:80", "tcp:host:80", "udp:10.0.2.2:-1",
                         "udp-listen:0.0.0.0", "tcp-listen:0.0.0.0:99999999999999999999",
                         "tcp:10.0.2.2:8000000000000000000000000000000000000"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        EXPECT_EQ(try_open(tcpip, bad[i]), E_INVALID_ARG);
    // a port is bound once, per protocol
    int64_t tcp = try_open(tcpip, "tcp-listen:0.0.0.0:5000"), udp = try_open(tcpip, "udp-listen:0.0.0.0:5000");
    EXPECT_TRUE(!IS_ERROR(tcp) && !IS_ERROR(udp));
    EXPECT_EQ(try_open(tcpip, "tcp-listen:0.0.0.0:5000"), E_ALREADY_EXISTS);
    EXPECT_EQ(try_open(tcpip, "udp-listen:0.0.0.0:5000"), E_ALREADY_EXISTS);
    // a datagram shorter than its struct udp_peer is dropped (and logged)
    EXPECT_EQ(msg_send_data((handle_t) udp, "abc", 3), OK);
    // closing frees the ports again
    sys_handle_close((handle_t) tcp);
    sys_handle_close((handle_t) udp);
    int64_t again = E_ALREADY_EXISTS;
    for (int tries = 0; tries < 20 && again == E_ALREADY_EXISTS; tries++) { // (tcpip sees the close soon)
        again = try_open(tcpip, "udp-listen:0.0.0.0:5000");
        if (again == E_ALREADY_EXISTS)
            sleep_ns(10 * 1000 * 1000);
    }
    EXPECT_TRUE(!IS_ERROR(again));
    int64_t listen = try_open(tcpip, "tcp-listen:0.0.0.0:5000");
    for (int tries = 0; tries < 20 && listen == E_ALREADY_EXISTS; tries++) {
        sleep_ns(10 * 1000 * 1000);
        listen = try_open(tcpip, "tcp-listen:0.0.0.0:5000");
    }
    EXPECT_TRUE(!IS_ERROR(listen));
    test_finish();
}
