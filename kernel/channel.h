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
    uint32_t queued_channels; // channel endpoints carried by the messages queued here
    struct account *account; // pays for the endpoint itself
};

// Creates a connected pair, one reference each.
error_t channel_create(struct account *account, struct channel **first, struct channel **second);
// A message with room for `len` data bytes, charged to `account`.
struct message *message_alloc(size_t len, struct account *account);
// Drops the message's handle references and frees it.
void message_free(struct message *message);
// OK if a message can be queued at the peer now, else why not: E_NO_PEER
// (the peer is gone) or E_FULL (its queue holds CHANNEL_QUEUE_MAX).
error_t channel_can_send(struct channel *channel);
// Whether `channel` may be carried by a message: only while no message
// queued at it carries a channel. This rule keeps references acyclic (see
// docs/messages.md): a cycle of endpoints that each hold the next in their
// queue would keep one another alive after every handle to them closed.
static inline bool channel_may_travel(const struct channel *channel) {
    return channel->queued_channels == 0;
}
// Keeps the count behind channel_may_travel, outside the fast paths: the
// code that puts handles into a message queued at `endpoint` calls it with
// +1, the code that takes them out of one received there with -1.
void channel_count_carried(struct channel *endpoint, const struct message *message, int direction);
// Queues `message` at the peer, which takes ownership. The caller has just
// checked channel_can_send (validation comes before any change).
void channel_enqueue(struct channel *channel, struct message *message);
// The first queued message, still queued; NULL with *err set when there is
// none (E_EMPTY, or E_NO_PEER once the peer is gone and the queue drained).
struct message *channel_peek(struct channel *channel, error_t *err);
// Dequeues the message returned by channel_peek.
void channel_pop(struct channel *channel, struct message *message);
static inline uint32_t channel_events(struct channel *channel) {
    uint32_t events = list_is_empty(&channel->queue) ? 0 : EVENT_READABLE;
    if (!channel->peer)
        events |= EVENT_PEER_CLOSED;
    else if (channel->peer->queue_len < CHANNEL_QUEUE_MAX)
        events |= EVENT_WRITABLE;
    return events;
}
void channel_destroy(struct channel *channel);
