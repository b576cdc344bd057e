// The tcpip service (<protocols/tcpip.h>): TCP (service.c) and UDP (udp.c)
// for other apps over channels.
#pragma once
#include <aster/aster.h>
#include <lwip/ip_addr.h>

void service_open(struct loop *loop, handle_t ch, uint32_t call_id, const char *uri, size_t len);
// A message on a channel of a connection or a listener (not the ethernet's).
void service_data(struct loop *loop, handle_t ch, const void *data, size_t len);
void service_writable(struct loop *loop, handle_t ch);
void service_closed(struct loop *loop, handle_t ch);

// UDP endpoints (udp.c): service.c hands them the OPENs of "udp:" and
// "udp-listen:", and the messages of channels it does not know (false:
// not a UDP endpoint's either).
void udp_open(struct loop *loop, handle_t ch, uint32_t call_id, bool bound, const ip_addr_t *address,
              uint16_t port);
bool udp_data(handle_t ch, const void *data, size_t len);
bool udp_closed(handle_t ch);
