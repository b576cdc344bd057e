// The tcpip service (service.c): TCP for other apps over channels.
#pragma once
#include <aster/aster.h>

void service_open(struct loop *loop, handle_t ch, uint32_t call_id, const char *uri, size_t len);
// A message on a channel of a connection or a listener (not the ethernet's).
void service_data(struct loop *loop, handle_t ch, const void *data, size_t len);
void service_writable(struct loop *loop, handle_t ch);
void service_closed(struct loop *loop, handle_t ch);
