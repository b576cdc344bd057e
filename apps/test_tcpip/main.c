// System test: the tcpip service (<protocols/tcpip.h>) refuses what it
// cannot do, each with its error, and keeps serving: other schemes, bad
// endpoints, names DNS does not know, a port already taken, a datagram
// without its header. Then TCP and UDP to itself through 127.0.0.1 (the
// loopback interface), the second by the name localhost.
#include <aster/aster.h>
#include <aster/test.h>
#include <protocols/tcpip.h>
#include <string.h>

static int64_t try_open(handle_t tcpip, const char *uri) { return msg_call_open(tcpip, uri, MSG_CALL_TIMEOUT_DEFAULT); }

#define WAIT_NS (5ll * 1000 * 1000 * 1000)

// The next DATA on `ch`, as a string: "" if something else came.
static const char *next_data(handle_t ch, struct msg_buffer *buf, size_t *len) {
    struct msg msg;
    int64_t type = msg_wait_timeout(ch, buf, &msg, WAIT_NS);
    if (type != MSG_DATA) {
        ERROR("expected DATA, got %lld", (long long) type);
        *len = 0;
        return "";
    }
    *len = msg.data.len;
    return msg.data.data;
}

// An app that listens and one that connects, here the same app: the
// connection goes through lwIP's loop interface, bytes both ways, and the
// end of one side reaches the other.
static void tcp_to_itself(handle_t tcpip) {
    static struct msg_buffer buf;
    int64_t listen = try_open(tcpip, "tcp-listen:0.0.0.0:5001");
    EXPECT_TRUE(!IS_ERROR(listen));
    int64_t client = try_open(tcpip, "tcp:127.0.0.1:5001");
    EXPECT_TRUE(!IS_ERROR(client));
    if (IS_ERROR(listen) || IS_ERROR(client))
        return;
    struct msg msg;
    EXPECT_EQ(msg_wait_timeout((handle_t) listen, &buf, &msg, WAIT_NS), MSG_CONNECT);
    handle_t server = msg.connect.channel;
    size_t len;
    EXPECT_EQ(msg_send_data((handle_t) client, "ping", 4), OK);
    const char *got = next_data(server, &buf, &len);
    EXPECT_TRUE(len == 4 && memcmp(got, "ping", 4) == 0);
    EXPECT_EQ(msg_send_data(server, "pong!", 5), OK);
    got = next_data((handle_t) client, &buf, &len);
    EXPECT_TRUE(len == 5 && memcmp(got, "pong!", 5) == 0);
    sys_handle_close((handle_t) client); // the server's side sees the end
    EXPECT_EQ(msg_wait_timeout(server, &buf, &msg, WAIT_NS), E_NO_PEER);
    sys_handle_close(server);
    sys_handle_close((handle_t) listen);
}

static void udp_to_itself(handle_t tcpip) {
    static struct msg_buffer buf;
    int64_t bound = try_open(tcpip, "udp-listen:0.0.0.0:5002");
    int64_t peer = try_open(tcpip, "udp:localhost:5002"); // a name: 127.0.0.1, without asking DNS
    EXPECT_TRUE(!IS_ERROR(bound) && !IS_ERROR(peer));
    if (IS_ERROR(bound) || IS_ERROR(peer))
        return;
    EXPECT_EQ(msg_send_data((handle_t) peer, "hello", 5), OK);
    size_t len;
    const char *got = next_data((handle_t) bound, &buf, &len);
    struct udp_peer from;
    EXPECT_EQ(len, sizeof(from) + 5);
    if (len == sizeof(from) + 5) {
        memcpy(&from, got, sizeof(from));
        EXPECT_TRUE(memcmp(from.address, (uint8_t[]){127, 0, 0, 1}, 4) == 0);
        EXPECT_TRUE(memcmp(got + sizeof(from), "hello", 5) == 0);
        // the answer goes back to where it came from
        char answer[sizeof(from) + 3];
        memcpy(answer, &from, sizeof(from));
        memcpy(answer + sizeof(from), "ack", 3);
        EXPECT_EQ(msg_send_data((handle_t) bound, answer, sizeof(answer)), OK);
        got = next_data((handle_t) peer, &buf, &len);
        EXPECT_TRUE(len == 3 && memcmp(got, "ack", 3) == 0);
    }
    sys_handle_close((handle_t) peer);
    sys_handle_close((handle_t) bound);
}

void main(struct env *env) {
    handle_t tcpip = env_channel(env, "tcpip");
    EXPECT_EQ(try_open(tcpip, "http://10.0.2.2/"), E_NOT_SUPPORTED);
    EXPECT_EQ(try_open(tcpip, "tcp"), E_NOT_SUPPORTED);
    const char *bad[] = {"tcp:10.0.2.2", "tcp:10.0.2.2:", "tcp::80", "tcp:10.0.2.2:0", "tcp:10.0.2.2:65536",
                         "tcp:10.0.2.2:80x", "tcp:10.0.2.256:80", "tcp:ho_st:80", "tcp:a b:80", "udp:10.0.2.2:-1",
                         "tcp-listen:localhost:5000", "udp-listen:some.name:5000",
                         "udp-listen:0.0.0.0", "tcp-listen:0.0.0.0:99999999999999999999",
                         "tcp:10.0.2.2:8000000000000000000000000000000000000"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        EXPECT_EQ(try_open(tcpip, bad[i]), E_INVALID_ARG);
    // a name DNS does not know (answered by the DNS server DHCP named, or
    // at once when none is known yet)
    EXPECT_EQ(msg_call_open(tcpip, "tcp:no-such-host.invalid:80", 30ll * 1000 * 1000 * 1000), E_NOT_FOUND);
    EXPECT_EQ(msg_call_open(tcpip, "udp:no-such-host.invalid:53", 30ll * 1000 * 1000 * 1000), E_NOT_FOUND);
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
    tcp_to_itself(tcpip);
    udp_to_itself(tcpip);
    test_finish();
}
