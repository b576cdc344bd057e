// System test: asks the network card's MAC (INVOKE), sends an ARP request
// for 10.0.2.2 (QEMU's user network: the host's gateway) through the
// ethernet service, and waits for the answer; then a burst of requests,
// every answer arriving.
#include <aster/aster.h>
#include <aster/test.h>
#include <protocols/ethernet.h>
#include <string.h>

static uint8_t mac[6];
static struct msg_buffer buf;

static void arp_request(handle_t eth, uint8_t last) {
    uint8_t f[42] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}; // broadcast
    memcpy(f + 6, mac, 6);
    f[12] = 0x08, f[13] = 0x06;                                   // ARP
    f[14] = 0, f[15] = 1, f[16] = 8, f[17] = 0, f[18] = 6, f[19] = 4; // Ethernet, IPv4
    f[20] = 0, f[21] = 1;                                          // request
    memcpy(f + 22, mac, 6);
    const uint8_t me[4] = {10, 0, 2, 15}, them[4] = {10, 0, 2, last};
    memcpy(f + 28, me, 4);
    memcpy(f + 38, them, 4);
    EXPECT_EQ(msg_send_data(eth, f, sizeof(f)), OK);
}

// The next ARP reply from 10.0.2.X (other frames are skipped); X, or 0 at
// the timeout.
static int arp_reply(handle_t eth, int64_t timeout_ns, bool say) {
    int64_t deadline = sys_time_now() + timeout_ns;
    int found = 0;
    for (int64_t left; !found && (left = deadline - sys_time_now()) > 0;) {
        struct msg m;
        if (msg_wait_timeout(eth, &buf, &m, left) != MSG_DATA)
            continue;
        const uint8_t *f = m.data.data;
        if (m.data.len >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2
            && f[28] == 10 && f[29] == 0 && f[30] == 2 && memcmp(f, mac, 6) == 0) {
            found = f[31];
            if (say)
                INFO("ARP reply: 10.0.2.%d is %02x:%02x:%02x:%02x:%02x:%02x", f[31], f[22], f[23], f[24], f[25],
                 f[26], f[27]);
        }
    }
    return found;
}

void main(struct env *env) {
    handle_t eth = env_channel(env, "ethernet");
    struct msg request = {.type = MSG_INVOKE}, reply;
    request.invoke.method = ETHERNET_METHOD_MAC;
    EXPECT_EQ(msg_call(eth, &request, &buf, &reply, MSG_CALL_TIMEOUT_DEFAULT), MSG_INVOKE_REPLY);
    EXPECT_EQ(reply.invoke_reply.len, 6);
    memcpy(mac, reply.invoke_reply.data, 6);
    INFO("the card is %02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    arp_request(eth, 2);
    EXPECT_EQ(arp_reply(eth, 3000000000ll, true), 2);
    // a burst: 100 questions for the gateway and the DNS server (10.0.2.3), each answered
    int answers = 0;
    for (int i = 0; i < 100; i++)
        arp_request(eth, i % 2 ? 3 : 2);
    while (arp_reply(eth, 2000000000ll, false))
        answers++;
    INFO("%d answers to 100 questions", answers);
    EXPECT_EQ(answers, 100);
    test_finish();
}
