// UDP endpoints of the tcpip service (<protocols/tcpip.h>): a channel per
// endpoint, connected to one peer ("udp:") or bound to a local port for
// any peer ("udp-listen:", each DATA led by a struct udp_peer).
#include "service.h"
#include <lwip/pbuf.h>
#include <lwip/udp.h>
#include <protocols/tcpip.h>
#include <string.h>

#define ENDPOINTS_MAX 32

struct endpoint {
    handle_t ch; // HANDLE_INVALID: the slot is free
    struct udp_pcb *pcb;
    bool bound;       // udp-listen: each DATA carries the peer
    uint64_t dropped; // datagrams the app's queue had no room for, or too large
};

static struct endpoint endpoints[ENDPOINTS_MAX] = {[0 ... ENDPOINTS_MAX - 1] = {.ch = HANDLE_INVALID}};

static struct endpoint *endpoint_of(handle_t ch) {
    for (int i = 0; i < ENDPOINTS_MAX; i++)
        if (endpoints[i].ch != HANDLE_INVALID && endpoints[i].ch == ch)
            return &endpoints[i];
    return NULL;
}

static void drop(struct endpoint *e, const char *why) {
    if (e->dropped++ % 1000 == 0)
        WARN("udp: a datagram dropped (%s): %llu so far on this endpoint", why,
             (unsigned long long) e->dropped);
}

// A datagram from the network, to the app.
static void on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *from, u16_t port) {
    (void) pcb;
    struct endpoint *e = arg;
    static uint8_t message[MESSAGE_DATA_MAX];
    size_t head = e->bound ? sizeof(struct udp_peer) : 0;
    if (p->tot_len > sizeof(message) - head) {
        drop(e, "larger than a message");
    } else {
        if (e->bound) {
            struct udp_peer peer = {.port = port};
            uint32_t address = ip4_addr_get_u32(from); // network order in memory
            memcpy(peer.address, &address, 4);
            memcpy(message, &peer, sizeof(peer));
        }
        pbuf_copy_partial(p, message + head, p->tot_len, 0);
        error_t err = msg_send_data(e->ch, message, head + p->tot_len);
        if (err == E_FULL)
            drop(e, "the app's queue is full");
    }
    pbuf_free(p);
}

void udp_open(struct loop *loop, handle_t ch, uint32_t call_id, bool bound, const ip_addr_t *address,
              uint16_t port) {
    struct endpoint *e = NULL;
    for (int i = 0; i < ENDPOINTS_MAX && !e; i++)
        if (endpoints[i].ch == HANDLE_INVALID)
            e = &endpoints[i];
    struct udp_pcb *pcb = e ? udp_new() : NULL;
    if (!pcb) {
        msg_send_abort(ch, call_id, E_NO_MEMORY);
        return;
    }
    err_t err = bound ? udp_bind(pcb, address, port) : udp_connect(pcb, address, port);
    if (err != ERR_OK) {
        udp_remove(pcb);
        msg_send_abort(ch, call_id, bound ? E_ALREADY_EXISTS : E_INVALID_ARG);
        return;
    }
    int64_t mine = loop_reply_open(loop, ch, call_id, NULL);
    if (IS_ERROR(mine)) {
        udp_remove(pcb);
        return;
    }
    *e = (struct endpoint){.ch = (handle_t) mine, .pcb = pcb, .bound = bound};
    udp_recv(pcb, on_recv, e);
}

// A datagram from the app, to the network.
bool udp_data(handle_t ch, const void *data, size_t len) {
    struct endpoint *e = endpoint_of(ch);
    if (!e)
        return false;
    struct udp_peer peer;
    size_t head = e->bound ? sizeof(peer) : 0;
    if (len < head) {
        drop(e, "shorter than its struct udp_peer");
        return true;
    }
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t) (len - head), PBUF_RAM);
    if (!p) {
        drop(e, "out of memory");
        return true;
    }
    pbuf_take(p, (const uint8_t *) data + head, (u16_t) (len - head));
    err_t err;
    if (e->bound) {
        memcpy(&peer, data, sizeof(peer));
        uint32_t address;
        memcpy(&address, peer.address, 4);
        ip_addr_t to;
        ip4_addr_set_u32(&to, address);
        err = udp_sendto(e->pcb, p, &to, peer.port);
    } else {
        err = udp_send(e->pcb, p);
    }
    pbuf_free(p);
    if (err != ERR_OK)
        drop(e, "not sent: no route, or the link is busy");
    return true;
}

bool udp_closed(handle_t ch) {
    struct endpoint *e = endpoint_of(ch);
    if (!e)
        return false;
    udp_remove(e->pcb); // the loop closes the channel
    e->ch = HANDLE_INVALID;
    return true;
}
