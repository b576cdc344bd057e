// Waiting for messages, for clients: one message (msg_wait), or the reply
// to a request (msg_call). Servers use the event loop, <aster/loop.h>.
#pragma once
#include <aster/message.h>

// Like msg_recv, but blocks until a message arrives: returns its type, or
// E_NO_PEER once the peer has closed and everything it sent was received.
int64_t msg_wait(handle_t ch, struct msg_buffer *buf, struct msg *out);
// Like msg_wait, but waits at most `timeout_ns` (-1: no limit): E_TIMED_OUT
// when nothing came by then.
int64_t msg_wait_timeout(handle_t ch, struct msg_buffer *buf, struct msg *out, int64_t timeout_ns);

// Sleeps `ns` nanoseconds (messages wait in their queues meanwhile).
void sleep_ns(int64_t ns);

// A call: sends `request` (OPEN, READ, WRITE or INVOKE; its call_id is set
// here, unique within the app) on `ch` and waits at most `timeout_ns`
// (-1: no limit) for the reply with the same call id. Returns the reply's
// type (OPEN_REPLY, READ_REPLY, WRITE_REPLY or INVOKE_REPLY), decoded into
// *reply (pointing into *buf; the handles it carries are the caller's), or
// a negative error: the server's ABORT (E_NOT_FOUND, E_NOT_SUPPORTED,
// E_BAD_MESSAGE, ...), E_TIMED_OUT, E_NO_PEER when the server has gone, or
// what sending failed with (E_FULL: the server is not reading). Anything
// else that arrives meanwhile (a late reply to an earlier call, DATA) is
// dropped, its handles closed: use the channel for calls only.
int64_t msg_call(handle_t ch, struct msg *request, struct msg_buffer *buf, struct msg *reply, int64_t timeout_ns);
// OPEN `uri` (a NUL-terminated string): the opened channel, or an error as
// msg_call's.
int64_t msg_call_open(handle_t ch, const char *uri, int64_t timeout_ns);

#define MSG_CALL_TIMEOUT_DEFAULT 5000000000ll // 5 s: a server that does not answer by then is stuck
