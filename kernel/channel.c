#include "channel.h"
#include "kmalloc.h"

static struct channel *endpoint_alloc(struct account *account) {
    struct channel *channel = kmalloc(sizeof(*channel), account);
    if (!channel)
        return NULL;
    object_init(&channel->object, OBJECT_CHANNEL);
    channel->peer = NULL;
    list_init(&channel->queue);
    channel->queue_len = 0;
    channel->queued_channels = 0;
    channel->account = account;
    return channel;
}

error_t channel_create(struct account *account, struct channel **first, struct channel **second) {
    struct channel *a = endpoint_alloc(account);
    struct channel *b = endpoint_alloc(account);
    if (!a || !b) {
        kfree(a);
        kfree(b);
        return E_NO_MEMORY;
    }
    a->peer = b;
    b->peer = a;
    *first = a;
    *second = b;
    return OK;
}

struct message *message_alloc(size_t len, struct account *account) {
    struct message *message = kmalloc(sizeof(*message) + len, account);
    if (message)
        message->num_handles = 0;
    return message;
}

void message_free(struct message *message) {
    for (uint32_t i = 0; i < message->num_handles; i++)
        object_unref(message->handles[i].object);
    kfree(message);
}

error_t channel_can_send(struct channel *channel) {
    struct channel *peer = channel->peer;
    if (!peer)
        return E_NO_PEER;
    if (peer->queue_len >= CHANNEL_QUEUE_MAX)
        return E_FULL;
    return OK;
}

void channel_count_carried(struct channel *endpoint, const struct message *message, int direction) {
    for (uint32_t i = 0; i < message->num_handles; i++)
        if (message->handles[i].object->type == OBJECT_CHANNEL)
            endpoint->queued_channels += direction;
}

void channel_enqueue(struct channel *channel, struct message *message) {
    struct channel *peer = channel->peer;
    list_push_back(&peer->queue, &message->link);
    peer->queue_len++;
    object_notify(&peer->object);
}

struct message *channel_peek(struct channel *channel, error_t *err) {
    if (list_is_empty(&channel->queue)) {
        *err = channel->peer ? E_EMPTY : E_NO_PEER;
        return NULL;
    }
    return container_of(channel->queue.next, struct message, link);
}

void channel_pop(struct channel *channel, struct message *message) {
    list_remove(&message->link);
    // The sender may be waiting for room.
    if (channel->queue_len-- == CHANNEL_QUEUE_MAX && channel->peer)
        object_notify(&channel->peer->object);
}

// The endpoint's last reference is gone: the peer sees PEER_CLOSED (and can
// still drain what it was sent); messages queued here are dropped.
void channel_destroy(struct channel *channel) {
    struct channel *peer = channel->peer;
    if (peer) {
        peer->peer = NULL;
        object_notify(&peer->object);
    }
    struct list *link;
    while ((link = list_pop_front(&channel->queue)))
        message_free(container_of(link, struct message, link));
    kfree(channel);
}
