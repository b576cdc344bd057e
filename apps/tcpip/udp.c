// UDP endpoints of the tcpip service (<protocols/tcpip.h>): a channel per
// endpoint, connected to one peer ("udp:") or bound to a local port for
// any peer ("udp-listen:", each DATA led by a struct udp_peer).
#include "service.h"
#include <lwip/pbuf.h>
#include <lwip/udp.h>
#include <protocols/tcpip.h>
#include <stdlib.h>
#include <string.h>

#define ENDPOINTS_MAX 256

// Allocated as each is opened; the loop's data for its channel.
struct udp_endpoint {
    enum channel_kind kind; // KIND_UDP
    struct udp_pcb *pcb;
    bool bound;       // udp-listen: each DATA carries the peer
    uint64_t dropped; // datagrams the app's queue had no room for, or too large
    handle_t ch;
};

static int live_endpoints;

static void drop(struct udp_endpoint *e, const char *why) {
    if (e->dropped++ % 1000 == 0)
        WARN("udp: a datagram dropped (%s): %llu so far on this endpoint", why,
             (unsigned long long) e->dropped);
}

// A datagram from the network, to the app.
static void on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *from, u16_t port) {
    (void) pcb;
    struct udp_endpoint *e = arg;
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
    struct udp_endpoint *e = live_endpoints < ENDPOINTS_MAX ? calloc(1, sizeof(*e)) : NULL;
    struct udp_pcb *pcb = e ? udp_new() : NULL;
    if (!pcb) {
        free(e);
        msg_send_abort(ch, call_id, E_NO_MEMORY);
        return;
    }
    err_t err = bound ? udp_bind(pcb, address, port) : udp_connect(pcb, address, port);
    if (err != ERR_OK) {
        udp_remove(pcb);
        free(e);
        msg_send_abort(ch, call_id, bound ? E_ALREADY_EXISTS : E_INVALID_ARG);
        return;
    }
    int64_t mine = loop_reply_open(loop, ch, call_id, e);
    if (IS_ERROR(mine)) {
        udp_remove(pcb);
        free(e);
        return;
    }
    *e = (struct udp_endpoint){.kind = KIND_UDP, .ch = (handle_t) mine, .pcb = pcb, .bound = bound};
    live_endpoints++;
    udp_recv(pcb, on_recv, e);
}

// A datagram from the app, to the network.
void udp_data(struct udp_endpoint *e, const void *data, size_t len) {
    struct udp_peer peer;
    size_t head = e->bound ? sizeof(peer) : 0;
    if (len < head) {
        drop(e, "shorter than its struct udp_peer");
        return;
    }
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t) (len - head), PBUF_RAM);
    if (!p) {
        drop(e, "out of memory");
        return;
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
}

void udp_closed(struct udp_endpoint *e) {
    udp_remove(e->pcb); // the loop closes the channel
    live_endpoints--;
    free(e);
}
