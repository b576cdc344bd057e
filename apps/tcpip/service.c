// The tcpip service's TCP (<protocols/tcpip.h> has the requests; UDP is
// in udp.c):
//
//   OPEN "tcp-listen:A.B.C.D:PORT" -> OPEN_REPLY with a listen channel; each
//        accepted connection arrives on it as CONNECT with the connection's
//        channel. Closing the listen channel stops listening.
//   OPEN "tcp:A.B.C.D:PORT"        -> once connected, OPEN_REPLY with the
//        connection's channel (ABORT E_NO_PEER if refused or unreachable).
//        The host may be a DNS name: looked up first (E_NOT_FOUND if DNS
//        does not know it); so for "udp:".
//   On a connection's channel the bytes move as DATA both ways. The app
//   closing its end closes the connection (after what it sent); the peer
//   closing it closes the channel (after what it sent arrived). A reset
//   sends ERROR E_NO_PEER, then closes.
//
// Backpressure both ways, nothing dropped: bytes lwIP received are passed
// on as the app's queue takes them and only then acknowledged to TCP
// (tcp_recved opens the window); DATA from the app is read only while TCP
// has room to send it (the channel is not read meanwhile).
#include "service.h"
#include <ctype.h>
#include <lwip/dns.h>
#include <lwip/ip4_addr.h>
#include <lwip/tcp.h>
#include <stdlib.h>
#include <string.h>

#define CONNS_MAX 200

struct conn {
    enum channel_kind kind;  // KIND_TCP
    handle_t ch;             // our end of the app's channel (HANDLE_INVALID once closed)
    struct tcp_pcb *pcb;     // NULL once lwIP let it go
    bool listener;           // a listen channel: CONNECTs go out on it
    struct pbuf *incoming;   // received, not yet passed on
    uint16_t incoming_off;   // bytes of it already passed on
    bool peer_closed;        // TCP's FIN came: close the channel after `incoming`
    bool opening;            // an outgoing connection not yet established
    uint32_t call_id;        // its OPEN, answered when it is
    handle_t opener;         // the channel that asked for it
    uint8_t pending[MESSAGE_DATA_MAX]; // DATA taken from the app, waiting for send room
    size_t pending_len;
};

// Connections and listeners are allocated as they come (no memory for
// connections that do not exist), at most CONNS_MAX at once; each is the
// loop's data for its channel.
static int live_conns;
static struct loop *service_loop;

static struct conn *conn_new(void) {
    struct conn *c = live_conns < CONNS_MAX ? calloc(1, sizeof(*c)) : NULL;
    if (!c)
        return NULL;
    live_conns++;
    c->kind = KIND_TCP;
    c->ch = HANDLE_INVALID;
    return c;
}

// Lets go of the memory (the channel and the pcb are the caller's to have
// closed).
static void conn_drop(struct conn *c) {
    live_conns--;
    free(c);
}

static void conn_free(struct conn *c) {
    if (c->incoming)
        pbuf_free(c->incoming);
    if (c->ch != HANDLE_INVALID)
        loop_remove(service_loop, c->ch); // closes it: the app sees the end
    conn_drop(c);
}

// A connection whose close lwIP could not start yet (out of memory for
// the FIN): tried again from its poll callback, never given up for a reset.
static err_t on_closing_poll(void *arg, struct tcp_pcb *pcb) {
    (void) arg;
    tcp_close(pcb); // failing again: the next poll tries again
    return ERR_OK;
}

// The app's end is gone, or TCP's: let go of the pcb, closing gracefully
// (what was sent still goes out, then FIN).
static void pcb_release(struct conn *c) {
    if (!c->pcb)
        return;
    struct tcp_pcb *pcb = c->pcb;
    c->pcb = NULL;
    tcp_arg(pcb, NULL);
    if (c->listener) {
        tcp_close(pcb);
        return;
    }
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    if (tcp_close(pcb) != ERR_OK)
        tcp_poll(pcb, on_closing_poll, 2); // about a second
}

// Passes received bytes to the app while its queue takes them.
static void deliver(struct conn *c) {
    while (c->incoming && c->ch != HANDLE_INVALID) {
        static uint8_t chunk[MESSAGE_DATA_MAX];
        uint16_t left = (uint16_t) (c->incoming->tot_len - c->incoming_off);
        uint16_t n = left < sizeof(chunk) ? left : sizeof(chunk);
        pbuf_copy_partial(c->incoming, chunk, n, c->incoming_off);
        error_t err = msg_send_data(c->ch, chunk, n);
        if (err == E_FULL) {
            loop_want_writable(service_loop, c->ch, true);
            return;
        }
        if (err) { // the app has gone
            pbuf_free(c->incoming);
            c->incoming = NULL;
            break;
        }
        c->incoming_off = (uint16_t) (c->incoming_off + n);
        if (c->pcb)
            tcp_recved(c->pcb, n); // the window opens as the app takes the bytes
        if (c->incoming_off == c->incoming->tot_len) {
            pbuf_free(c->incoming);
            c->incoming = NULL;
            c->incoming_off = 0;
        }
    }
    if (!c->incoming && c->peer_closed && c->ch != HANDLE_INVALID) {
        pcb_release(c);
        conn_free(c); // the end of the stream
    }
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
    (void) pcb;
    struct conn *c = arg;
    if (!c) {
        if (p)
            pbuf_free(p);
        return ERR_OK;
    }
    if (!p || err != ERR_OK) {
        c->peer_closed = true;
    } else if (c->incoming) {
        pbuf_cat(c->incoming, p); // still passing on the earlier bytes: these follow
    } else {
        c->incoming = p;
        c->incoming_off = 0;
    }
    deliver(c);
    return ERR_OK;
}

// Sends what the app gave while TCP has room; reads the app again once
// nothing waits.
static void send_pending(struct conn *c) {
    if (!c->pending_len || !c->pcb)
        return;
    if (tcp_sndbuf(c->pcb) < c->pending_len)
        return; // on_sent calls again
    if (tcp_write(c->pcb, c->pending, (u16_t) c->pending_len, TCP_WRITE_FLAG_COPY) != ERR_OK)
        return;
    tcp_output(c->pcb);
    c->pending_len = 0;
    loop_want_readable(service_loop, c->ch, true);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len) {
    (void) pcb, (void) len;
    if (arg)
        send_pending(arg);
    return ERR_OK;
}

static void on_error(void *arg, err_t err) {
    (void) err;
    struct conn *c = arg;
    if (!c)
        return;
    c->pcb = NULL; // lwIP has freed it
    if (c->opening) {
        msg_send_abort(c->opener, c->call_id, E_NO_PEER);
        conn_drop(c);
        return;
    }
    if (c->ch != HANDLE_INVALID)
        msg_send_error(c->ch, E_NO_PEER);
    conn_free(c);
}

static void watch_pcb(struct conn *c, struct tcp_pcb *pcb) {
    c->pcb = pcb;
    tcp_arg(pcb, c);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_error);
    // No Nagle: a DATA message is a unit the app finished (an answer's
    // head, then its body), so it goes out now rather than after the ACK
    // of the one before (with the peer's delayed ACK, milliseconds a
    // request; make bench: http.rps 2,759 -> 4,801).
    tcp_nagle_disable(pcb);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err) {
    struct conn *listener = arg, *c = listener && err == ERR_OK ? conn_new() : NULL;
    handle_t mine, theirs;
    error_t why = !c ? E_QUOTA : sys_channel_create(&mine, &theirs);
    if (why) {
        WARN("refusing a connection (reset): %s", c ? error_name(why) : "no connection slot free");
        if (c)
            conn_drop(c);
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    if ((why = msg_send_connect(listener->ch, theirs)) != OK || (why = loop_add(service_loop, mine, c)) != OK) {
        WARN("refusing a connection (reset): %s", error_name(why));
        sys_handle_close(theirs);
        sys_handle_close(mine);
        conn_drop(c);
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    c->ch = mine;
    watch_pcb(c, pcb);
    return ERR_OK;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err) {
    (void) pcb;
    struct conn *c = arg;
    c->opening = false;
    int64_t mine = err == ERR_OK ? loop_reply_open(service_loop, c->opener, c->call_id, c) : E_NO_PEER;
    if (IS_ERROR(mine)) {
        if (err != ERR_OK)
            msg_send_abort(c->opener, c->call_id, E_NO_PEER);
        pcb_release(c);
        conn_drop(c);
        return ERR_ABRT;
    }
    c->ch = (handle_t) mine;
    return ERR_OK;
}

bool parse_port(const char *text, size_t len, uint16_t *port) {
    char number[8];
    if (len == 0 || len >= sizeof(number) || text[0] < '0' || text[0] > '9')
        return false;
    memcpy(number, text, len);
    number[len] = '\0';
    char *end;
    long value = strtol(number, &end, 10);
    if (*end || value <= 0 || value > 65535)
        return false;
    *port = (uint16_t) value;
    return true;
}

// "HOST:PORT" (`len` bytes): the host (NUL-terminated, into `host`) and the
// port, or false. The host is an IPv4 address or a DNS name.
static bool parse_endpoint(const char *text, size_t len, char host[DNS_MAX_NAME_LENGTH], uint16_t *port) {
    const char *colon = len ? memchr(text, ':', len) : NULL;
    if (!colon || colon == text || (size_t) (colon - text) >= DNS_MAX_NAME_LENGTH)
        return false;
    size_t host_len = (size_t) (colon - text);
    if (!parse_port(colon + 1, len - host_len - 1, port))
        return false;
    memcpy(host, text, host_len);
    host[host_len] = '\0';
    // a name: letters, digits, '-' and '.', as DNS has them
    for (size_t i = 0; i < host_len; i++)
        if (!(isalnum((unsigned char) host[i]) || host[i] == '-' || host[i] == '.'))
            return false;
    return true;
}

// Whether `uri` starts with `prefix`; if so, its length goes to `skip`.
static bool starts(const char *uri, size_t len, const char *prefix, size_t *skip) {
    size_t n = strlen(prefix);
    if (len <= n || memcmp(uri, prefix, n) != 0)
        return false;
    *skip = n;
    return true;
}

enum open_kind { OPEN_UNKNOWN, OPEN_TCP, OPEN_TCP_LISTEN, OPEN_UDP, OPEN_UDP_LISTEN };

// An OPEN whose host is a name, while DNS looks it up.
struct lookup {
    handle_t opener;
    uint32_t call_id;
    enum open_kind kind;
    uint16_t port;
};

// Opens what an OPEN asked for, its address known.
static void open_endpoint(struct loop *loop, handle_t ch, uint32_t call_id, enum open_kind kind,
                          const ip_addr_t *address, uint16_t port) {
    if (kind == OPEN_UDP || kind == OPEN_UDP_LISTEN) {
        udp_open(loop, ch, call_id, kind == OPEN_UDP_LISTEN, address, port);
        return;
    }
    struct conn *c = conn_new();
    struct tcp_pcb *pcb = c ? tcp_new() : NULL;
    if (!pcb) {
        if (c)
            conn_drop(c);
        msg_send_abort(ch, call_id, E_NO_MEMORY);
        return;
    }
    if (kind == OPEN_TCP) {
        c->opening = true;
        c->call_id = call_id;
        c->opener = ch;
        watch_pcb(c, pcb);
        if (tcp_connect(pcb, address, port, on_connected) != ERR_OK) {
            pcb_release(c);
            conn_drop(c);
            msg_send_abort(ch, call_id, E_NO_MEMORY);
        }
        return;
    }
    struct tcp_pcb *listening = tcp_bind(pcb, address, port) == ERR_OK ? tcp_listen(pcb) : NULL;
    if (!listening) {
        tcp_abort(pcb);
        conn_drop(c);
        msg_send_abort(ch, call_id, E_ALREADY_EXISTS); // the port is taken
        return;
    }
    int64_t mine = msg_reply_open(ch, call_id);
    if (IS_ERROR(mine) || loop_add(loop, (handle_t) mine, c) != OK) {
        if (!IS_ERROR(mine))
            sys_handle_close((handle_t) mine);
        tcp_close(listening);
        conn_drop(c);
        return;
    }
    c->ch = (handle_t) mine;
    c->listener = true;
    c->pcb = listening;
    tcp_arg(listening, c);
    tcp_accept(listening, on_accept);
}

// DNS answered (`address` NULL: no such name, or no answer).
static void on_looked_up(const char *name, const ip_addr_t *address, void *arg) {
    (void) name;
    struct lookup *lookup = arg;
    if (address)
        open_endpoint(service_loop, lookup->opener, lookup->call_id, lookup->kind, address, lookup->port);
    else
        msg_send_abort(lookup->opener, lookup->call_id, E_NOT_FOUND);
    free(lookup);
}

void service_open(struct loop *loop, handle_t ch, uint32_t call_id, const char *uri, size_t len) {
    service_loop = loop;
    size_t skip = 0;
    enum open_kind kind = starts(uri, len, "tcp-listen:", &skip)   ? OPEN_TCP_LISTEN
                        : starts(uri, len, "udp-listen:", &skip) ? OPEN_UDP_LISTEN
                        : starts(uri, len, "udp:", &skip)        ? OPEN_UDP
                        : starts(uri, len, "tcp:", &skip)        ? OPEN_TCP
                                                                 : OPEN_UNKNOWN;
    static char host[DNS_MAX_NAME_LENGTH];
    uint16_t port;
    if (kind == OPEN_UNKNOWN) {
        msg_send_abort(ch, call_id, E_NOT_SUPPORTED);
        return;
    }
    if (!parse_endpoint(uri + skip, len - skip, host, &port)) {
        msg_send_abort(ch, call_id, E_INVALID_ARG);
        return;
    }
    ip_addr_t address;
    if (ipaddr_aton(host, &address)) {
        open_endpoint(loop, ch, call_id, kind, &address, port);
        return;
    }
    bool numeric = true; // a dotted number that is no address (10.0.2.256) is a mistake, not a name
    for (const char *p = host; *p && numeric; p++)
        numeric = (*p >= '0' && *p <= '9') || *p == '.';
    if (numeric || kind == OPEN_TCP_LISTEN || kind == OPEN_UDP_LISTEN) { // listening is on our own addresses
        msg_send_abort(ch, call_id, E_INVALID_ARG);
        return;
    }
    struct lookup *lookup = malloc(sizeof(*lookup));
    if (!lookup) {
        msg_send_abort(ch, call_id, E_NO_MEMORY);
        return;
    }
    *lookup = (struct lookup){.opener = ch, .call_id = call_id, .kind = kind, .port = port};
    err_t err = dns_gethostbyname(host, &address, on_looked_up, lookup);
    if (err == ERR_INPROGRESS)
        return; // on_looked_up follows
    free(lookup);
    if (err == ERR_OK) // known already (localhost, or answered before)
        open_endpoint(loop, ch, call_id, kind, &address, port);
    else // no DNS server, or too many lookups at once
        msg_send_abort(ch, call_id, err == ERR_MEM ? E_BUSY : E_NOT_FOUND);
}

// The connection behind a channel, or NULL (a UDP endpoint's goes to
// udp.c; a client's channel to the service carries only OPENs).
static struct conn *conn_of(struct loop *loop, handle_t ch, void **udp) {
    enum channel_kind *kind = loop_channel_data(loop, ch);
    *udp = kind && *kind == KIND_UDP ? kind : NULL;
    return kind && *kind == KIND_TCP ? (struct conn *) kind : NULL;
}

void service_data(struct loop *loop, handle_t ch, const void *data, size_t len) {
    void *udp;
    struct conn *c = conn_of(loop, ch, &udp);
    if (udp)
        udp_data(udp, data, len);
    if (!c || c->listener || !c->pcb || len == 0)
        return;
    memcpy(c->pending, data, len); // (len <= MESSAGE_DATA_MAX)
    c->pending_len = len;
    loop_want_readable(service_loop, ch, false); // no more until this is sent
    send_pending(c);
}

void service_writable(struct loop *loop, handle_t ch) {
    loop_want_writable(loop, ch, false);
    void *udp;
    struct conn *c = conn_of(loop, ch, &udp);
    if (c)
        deliver(c);
}

void service_closed(struct loop *loop, handle_t ch) {
    void *udp;
    struct conn *c = conn_of(loop, ch, &udp);
    if (udp)
        udp_closed(udp);
    if (!c)
        return;
    c->ch = HANDLE_INVALID; // the loop closes it
    pcb_release(c);
    if (c->incoming)
        pbuf_free(c->incoming);
    c->incoming = NULL;
    conn_drop(c);
}
