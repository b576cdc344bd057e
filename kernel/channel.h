// Channels: a connected pair of endpoints. Each endpoint owns the queue of
// messages sent to it by its peer. Objects here never touch app memory: the
// system-call layer copies data in and out.
#pragma once
#include "account.h"
#include "object.h"

struct message {
    struct list link;      // in the receiving endpoint's queue
    msginfo_t info;
    uint32_t num_handles;
    struct {
        struct object *object; // a reference owned by the message
        uint32_t rights;
    } handles[MESSAGE_HANDLES_MAX];
    uint8_t data[];        // MSGINFO_LEN(info) bytes
};

struct channel {
    struct object object;
    struct channel *peer;  // NULL once the peer endpoint is destroyed
    struct list queue;     // messages waiting to be received here
    uint32_t queue_len;
    struct account *account; // pays for the endpoint itself
};

// Creates a connected pair, one reference each.
error_t channel_create(struct account *account, struct channel **first, struct channel **second);
// A message with room for `len` data bytes, charged to `account`.
struct message *message_alloc(size_t len, struct account *account);
// Drops the message's handle references and frees it.
void message_free(struct message *message);
// Queues `message` at the peer (ownership passes on success).
// E_NO_PEER: the peer is gone; E_FULL: its queue is at CHANNEL_QUEUE_MAX.
error_t channel_send(struct channel *channel, struct message *message);
// True if a send would be refused with this error right now (for validating
// before any state changes); OK if it would be accepted.
error_t channel_can_send(struct channel *channel);
// The first queued message, still queued; NULL with *err set when there is
// none (E_EMPTY, or E_NO_PEER once the peer is gone and the queue drained).
struct message *channel_peek(struct channel *channel, error_t *err);
// Dequeues the message returned by channel_peek.
void channel_pop(struct channel *channel, struct message *message);
uint32_t channel_events(struct channel *channel);
void channel_destroy(struct channel *channel);
