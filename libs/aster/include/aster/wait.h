// Waiting for one message, for clients that send a request and wait for its
// reply (servers use the event loop, <aster/loop.h>, instead).
#pragma once
#include <aster/message.h>

// Like msg_recv, but blocks until a message arrives: returns its type, or
// E_NO_PEER once the peer has closed and everything it sent was received.
int64_t msg_wait(handle_t ch, struct msg_buffer *buf, struct msg *out);
