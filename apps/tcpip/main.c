// tcpip: the TCP/IP stack, lwIP's raw API run by this app's event loop (no
// OS threads: lwIP is called only from here). Frames come and go as DATA on
// the ethernet service (apps/virtio_net); lwIP's timers run from a timer
// object every TICK_MS. The address comes by DHCP, or from config when
// DHCP is off or has no answer within DHCP_WAIT_MS.
//
// It serves TCP to other apps as the tcpip service (service.c).
#include <lwip/dhcp.h>
#include <lwip/dns.h>
#include <lwip/etharp.h>
#include <lwip/init.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/timeouts.h>
#include <netif/ethernet.h>
#include "service.h"
#include <aster/aster.h>
#include <protocols/ethernet.h>
#include <stdio.h>
#include <string.h>

#define TICK_MS 50
#define DHCP_WAIT_MS 5000

static handle_t ethernet, timer;
static struct netif netif;
static struct loop loop;
static const struct env *env;
static int64_t started_ns;
static bool configured;

// A 64-bit mix (the finalizer of SplitMix64): every input bit moves
// every output bit.
static uint64_t mix(uint64_t x) {
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

// The key of the sequence numbers and the random numbers' state, both
// from the clock at start: the only entropy a guest has here. They keep
// sequence numbers apart between connections and boots, not secret from
// someone who can guess the boot time to the nanosecond.
static uint64_t secret, random_state;

unsigned tcpip_random(void) { return (unsigned) (mix(random_state += 0x9e3779b97f4a7c15ull) >> 32); }

unsigned tcpip_isn(const void *local_ip, unsigned short local_port, const void *remote_ip, unsigned short remote_port) {
    const ip4_addr_t *local = local_ip, *remote = remote_ip;
    uint64_t tuple = (uint64_t) ip4_addr_get_u32(local) << 32 | ip4_addr_get_u32(remote);
    uint64_t key = mix(secret ^ mix(tuple ^ ((uint64_t) local_port << 16 | remote_port)));
    return (unsigned) (sys_time_now() / 4000 + key); // RFC 6528: a 4 us clock plus the hash
}

u32_t sys_now(void) { return (u32_t) (sys_time_now() / 1000000); }

void tcpip_diag(const char *format, ...) {
    char text[200];
    va_list args;
    va_start(args, format);
    vsnprintf(text, sizeof(text), format, args);
    va_end(args);
    INFO("lwip: %s", text);
}

void tcpip_assert_failed(const char *message, const char *file, int line) {
    ERROR("lwip assertion failed: %s (%s:%d)", message, file, line);
    sys_app_exit(255);
}

// lwIP hands a frame (a pbuf chain) to the card.
static err_t link_output(struct netif *nif, struct pbuf *p) {
    (void) nif;
    if (ethernet == HANDLE_INVALID)
        return ERR_IF; // the link is down
    static uint8_t frame[ETHERNET_FRAME_MAX];
    if (p->tot_len > sizeof(frame))
        return ERR_BUF;
    pbuf_copy_partial(p, frame, p->tot_len, 0);
    error_t err = msg_send_data(ethernet, frame, p->tot_len);
    return err == OK ? ERR_OK : err == E_FULL ? ERR_MEM : ERR_IF; // TCP sends again later
}

static err_t init_netif(struct netif *nif) {
    static struct msg_buffer buf;
    struct msg request = {.type = MSG_INVOKE}, reply;
    request.invoke.method = ETHERNET_METHOD_MAC;
    if (msg_call(ethernet, &request, &buf, &reply, MSG_CALL_TIMEOUT_DEFAULT) != MSG_INVOKE_REPLY
        || reply.invoke_reply.len != 6)
        return ERR_IF;
    memcpy(nif->hwaddr, reply.invoke_reply.data, 6);
    nif->hwaddr_len = 6;
    nif->mtu = 1500;
    nif->name[0] = 'e', nif->name[1] = '0';
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    nif->output = etharp_output;
    nif->linkoutput = link_output;
    return ERR_OK;
}

static bool parse_address(const char *name, ip4_addr_t *out) {
    const char *text = env_str(env, name);
    if (text && ip4addr_aton(text, out))
        return true;
    ERROR("config %s: \"%s\" is no IPv4 address", name, text ? text : "");
    return false;
}

unsigned short tcpip_dns_port = 53;

// The DNS server: config's when it names one ("A.B.C.D" or "A.B.C.D:PORT"),
// over DHCP's; else the one DHCP named; else QEMU's (with the static
// address).
static void set_dns_server(bool by_dhcp) {
    const char *text = env_str(env, "dns");
    ip4_addr_t server;
    if (!text || !*text) {
        if (!by_dhcp) {
            IP4_ADDR(&server, 10, 0, 2, 3);
            dns_setserver(0, &server);
        }
        return;
    }
    char address[16];
    const char *colon = strchr(text, ':');
    size_t len = colon ? (size_t) (colon - text) : strlen(text);
    uint16_t port = 53;
    if (len < sizeof(address)) {
        memcpy(address, text, len);
        address[len] = '\0';
    }
    if (len >= sizeof(address) || (colon && !parse_port(colon + 1, strlen(colon + 1), &port))
        || !ip4addr_aton(address, &server)) {
        ERROR("config dns: \"%s\" is no IPv4 address with an optional :PORT", text);
        return;
    }
    tcpip_dns_port = port;
    dns_setserver(0, &server);
}

static void on_status(struct netif *nif) {
    if (ip4_addr_isany_val(*netif_ip4_addr(nif)) || configured)
        return;
    configured = true;
    set_dns_server(dhcp_supplied_address(nif));
    char address[16], gateway[16];
    snprintf(address, sizeof(address), "%s", ip4addr_ntoa(netif_ip4_addr(nif)));
    snprintf(gateway, sizeof(gateway), "%s", ip4addr_ntoa(netif_ip4_gw(nif)));
    INFO("%s by %s, gateway %s", address, dhcp_supplied_address(nif) ? "DHCP" : "config", gateway);
    etharp_request(nif, netif_ip4_gw(nif)); // learn its hardware address before the first connection needs it
}

static void use_static_address(void) {
    ip4_addr_t address, netmask, gateway;
    if (!parse_address("address", &address) || !parse_address("netmask", &netmask)
        || !parse_address("gateway", &gateway))
        return;
    dhcp_stop(&netif);
    netif_set_addr(&netif, &address, &netmask, &gateway);
}

static void reconnect_ethernet(void);

static void on_tick(struct loop *l, handle_t handle) {
    (void) l;
    if (ethernet == HANDLE_INVALID)
        reconnect_ethernet();
    sys_check_timeouts();
    if (!configured && netif_dhcp_data(&netif) && sys_time_now() - started_ns > DHCP_WAIT_MS * 1000000ll) {
        WARN("no DHCP answer in %d ms: using the static address", DHCP_WAIT_MS);
        use_static_address();
    }
    sys_timer_set(handle, TICK_MS * 1000000ll);
}

// A frame from the card, into lwIP.
static void on_data(struct loop *l, handle_t ch, const void *data, size_t len) {
    if (ch != ethernet) {
        service_data(l, ch, data, len);
        return;
    }
    if (len > ETHERNET_FRAME_MAX)
        return;
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t) len, PBUF_POOL);
    if (!p)
        return; // out of buffers: as a full card queue, the frame is lost (TCP sends again)
    pbuf_take(p, data, (u16_t) len);
    if (netif.input(p, &netif) != ERR_OK)
        pbuf_free(p);
}

// The driver went away (it ended; its restart policy may bring it back):
// the link is down, and every tick tries to reconnect. TCP connections
// live on: lwIP sends again what the gap lost.
static void on_closed(struct loop *l, handle_t ch) {
    if (ch == ethernet) {
        WARN("the ethernet service closed: the link is down until it is back");
        ethernet = HANDLE_INVALID; // the loop closes the old channel
        netif_set_link_down(&netif);
        return;
    }
    service_closed(l, ch);
}

static void reconnect_ethernet(void) {
    int64_t channel = env_reconnect(env, "ethernet");
    if (IS_ERROR(channel))
        return; // not back yet
    if (loop_add(&loop, (handle_t) channel, NULL) != OK) {
        sys_handle_close((handle_t) channel);
        return;
    }
    ethernet = (handle_t) channel;
    netif_set_link_up(&netif);
    INFO("the ethernet service is back: the link is up");
}

// Packets to 127.0.0.1 or to our own address wait in lwIP's loopback
// queues: in they go before the loop waits again.
static void after_each_event(struct loop *l) {
    (void) l;
    netif_poll_all();
}

static const struct loop_handlers handlers = {
    .open = service_open, .data = on_data, .writable = service_writable, .closed = on_closed,
    .after = after_each_event,
};

void main(struct env *e) {
    env = e;
    secret = mix((uint64_t) sys_time_now());
    random_state = mix(secret);
    ethernet = env_channel(env, "ethernet");
    int64_t t = sys_timer_create();
    static struct loop_channel room[256]; // the ethernet, the timer, clients, listeners, connections
    if (IS_ERROR(ethernet) || IS_ERROR(t) || loop_init(&loop, &handlers, env) != OK
        || loop_set_room(&loop, room, 256) != OK || loop_add(&loop, ethernet, NULL) != OK || loop_watch(&loop, (handle_t) t, on_tick) != OK) {
        ERROR("cannot start");
        sys_app_exit(1);
    }
    timer = (handle_t) t;
    lwip_init();
    if (!netif_add(&netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, NULL, init_netif, ethernet_input)) {
        ERROR("no network card behind the ethernet service");
        sys_app_exit(1);
    }
    netif_set_default(&netif);
    netif_set_status_callback(&netif, on_status);
    netif_set_up(&netif);
    netif_set_link_up(&netif);
    started_ns = sys_time_now();
    if (env_bool(env, "dhcp"))
        dhcp_start(&netif);
    else
        use_static_address();
    sys_timer_set(timer, TICK_MS * 1000000ll);
    loop_run(&loop);
}
