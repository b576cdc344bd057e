// The tcpip service (<protocols/tcpip.h>): TCP (service.c) and UDP (udp.c)
// for other apps over channels.
#pragma once
#include <aster/aster.h>
#include <lwip/ip_addr.h>

// A port number, 1 to 65535, in decimal (`len` bytes, no sign or spaces).
bool parse_port(const char *text, size_t len, uint16_t *port);

void service_open(struct loop *loop, handle_t ch, uint32_t call_id, const char *uri, size_t len);
// A message on a channel of a connection or a listener (not the ethernet's).
void service_data(struct loop *loop, handle_t ch, const void *data, size_t len);
void service_writable(struct loop *loop, handle_t ch);
void service_closed(struct loop *loop, handle_t ch);

// What a channel of the service leads to: the first field of a TCP
// connection (service.c) and of a UDP endpoint (udp.c), each the loop's
// data for its channel, so that a message finds its owner at once.
enum channel_kind { KIND_TCP = 1, KIND_UDP };

// UDP endpoints (udp.c): service.c hands them the OPENs of "udp:" and
// "udp-listen:", and the messages of their channels.
struct udp_endpoint;
void udp_open(struct loop *loop, handle_t ch, uint32_t call_id, bool bound, const ip_addr_t *address,
              uint16_t port);
void udp_data(struct udp_endpoint *e, const void *data, size_t len);
void udp_closed(struct udp_endpoint *e);
