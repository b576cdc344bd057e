#include <aster/log.h>
#include <aster/loop.h>
#include <aster/syscall.h>
#include <stdlib.h>
#include <string.h>

#define WARNINGS_PER_SECOND 20

// Whether the loop may log one more warning now; past WARNINGS_PER_SECOND
// in a second, warnings are counted and their number logged later.
static bool may_warn(struct loop *loop) {
    int64_t now = sys_time_now();
    if (now - loop->warn_window >= 1000000000) {
        if (loop->suppressed)
            WARN("loop: %u more warnings left out", loop->suppressed);
        loop->warn_window = now;
        loop->warnings = loop->suppressed = 0;
    }
    if (loop->warnings < WARNINGS_PER_SECOND) {
        loop->warnings++;
        return true;
    }
    loop->suppressed++;
    return false;
}

static struct loop_channel *find(struct loop *loop, handle_t ch) {
    for (uint32_t i = 0; i < loop->num_channels; i++)
        if (loop->channels[i].channel == ch)
            return &loop->channels[i];
    return NULL;
}

static error_t watch(struct loop *loop, handle_t ch, bool listen, void *data) {
    if (loop->num_channels == loop->room)
        return E_FULL;
    uint32_t events = EVENT_READABLE | EVENT_PEER_CLOSED;
    error_t err = sys_poll_add(loop->poll, ch, events);
    if (err)
        return err;
    loop->channels[loop->num_channels++] = (struct loop_channel){.channel = ch, .listen = listen, .events = events,
                                                                  .data = data};
    return OK;
}

error_t loop_watch(struct loop *loop, handle_t handle, loop_ready_fn *ready) {
    if (loop->num_channels == loop->room)
        return E_FULL;
    error_t err = sys_poll_add(loop->poll, handle, EVENT_READABLE);
    if (err)
        return err;
    loop->channels[loop->num_channels++] = (struct loop_channel){.channel = handle, .events = EVENT_READABLE,
                                                                  .ready = ready};
    return OK;
}

error_t loop_init(struct loop *loop, const struct loop_handlers *handlers, const struct env *env) {
    memset(loop, 0, sizeof(*loop));
    loop->handlers = handlers;
    loop->channels = loop->inline_channels;
    loop->room = LOOP_MAX_CHANNELS;
    int64_t poll = sys_poll_create();
    if (IS_ERROR(poll))
        return poll;
    loop->poll = poll;
    const struct env_item *item;
    for (uint32_t i = 0; (item = env_item_at(env, i)); i++) {
        error_t err = item->type == ENV_LISTEN ? watch(loop, (handle_t) item->value, true, NULL) : OK;
        if (err)
            return err;
    }
    return OK;
}

// Listen channels wait for READABLE again (a handle may have been freed).
static void resume_listening(struct loop *loop) {
    for (uint32_t i = 0; i < loop->num_channels; i++) {
        struct loop_channel *entry = &loop->channels[i];
        if (entry->listen && !(entry->events & EVENT_READABLE)) {
            entry->events |= EVENT_READABLE;
            sys_poll_update(loop->poll, entry->channel, entry->events);
        }
    }
}

error_t loop_add(struct loop *loop, handle_t ch, void *data) { return watch(loop, ch, false, data); }

error_t loop_set_room(struct loop *loop, struct loop_channel *channels, uint32_t count) {
    if (count < loop->num_channels || !channels)
        return E_INVALID_ARG;
    memcpy(channels, loop->channels, loop->num_channels * sizeof(*channels));
    loop->channels = channels;
    loop->room = count;
    return OK;
}

error_t loop_listen(struct loop *loop, handle_t ch) { return watch(loop, ch, true, NULL); }

// What the loop waits for on a channel: its messages and its peer's
// closing unless the app paused it or the loop holds bytes for it (the
// closing waits with the messages); room, if the app asked or bytes wait.
static error_t update_events(struct loop *loop, struct loop_channel *entry) {
    uint32_t events = entry->paused || entry->outbox ? 0 : EVENT_READABLE | EVENT_PEER_CLOSED;
    if (entry->app_writable || entry->outbox)
        events |= EVENT_WRITABLE;
    if (entry->outbox)
        events |= EVENT_PEER_CLOSED; // (no room will come from a gone peer: see service)
    if (events == entry->events)
        return OK;
    entry->events = events;
    return sys_poll_update(loop->poll, entry->channel, events);
}

error_t loop_want_readable(struct loop *loop, handle_t ch, bool want) {
    struct loop_channel *entry = find(loop, ch);
    if (!entry)
        return E_NOT_FOUND;
    entry->paused = !want;
    return update_events(loop, entry);
}

int64_t loop_reply_open(struct loop *loop, handle_t ch, uint32_t call_id, void *data) {
    if (loop->num_channels == loop->room) { // before the client is told it has a channel
        msg_send_abort(ch, call_id, E_FULL);
        return E_FULL;
    }
    int64_t mine = msg_reply_open(ch, call_id);
    if (!IS_ERROR(mine) && watch(loop, (handle_t) mine, false, data) != OK) {
        sys_handle_close((handle_t) mine); // the client sees its channel close at once
        return E_FULL;
    }
    return mine;
}

void loop_remove(struct loop *loop, handle_t ch) {
    struct loop_channel *entry = find(loop, ch);
    if (entry) {
        free(entry->outbox);
        *entry = loop->channels[--loop->num_channels];
    }
    sys_handle_close(ch); // also leaves the poll set
    resume_listening(loop);
}

void *loop_channel_data(struct loop *loop, handle_t ch) {
    struct loop_channel *entry = find(loop, ch);
    return entry ? entry->data : NULL;
}

void loop_set_channel_data(struct loop *loop, handle_t ch, void *data) {
    struct loop_channel *entry = find(loop, ch);
    if (entry)
        entry->data = data;
}

error_t loop_want_writable(struct loop *loop, handle_t ch, bool want) {
    struct loop_channel *entry = find(loop, ch);
    if (!entry)
        return E_NOT_FOUND;
    entry->app_writable = want;
    return update_events(loop, entry);
}

struct loop_outbox {
    size_t start, end, size; // the bytes waiting are bytes[start..end)
    uint8_t bytes[];
};

// Sends `*len` bytes from `*bytes` as DATA messages while the queue takes
// them, advancing both past what went: OK when all went, else the error
// (E_FULL: no room for the rest yet).
static error_t send_while_room(handle_t ch, const uint8_t **bytes, size_t *len) {
    while (*len > 0) {
        size_t n = *len < MESSAGE_DATA_MAX ? *len : MESSAGE_DATA_MAX;
        error_t err = msg_send_data(ch, *bytes, n);
        if (err)
            return err;
        *bytes += n, *len -= n;
    }
    return OK;
}

// Sends what the outbox holds while the queue takes it; OK once empty
// (then freed), E_FULL while some waits, or what sending failed with.
static error_t send_held(struct loop_channel *entry) {
    struct loop_outbox *box = entry->outbox;
    const uint8_t *bytes = box->bytes + box->start;
    size_t left = box->end - box->start;
    error_t err = send_while_room(entry->channel, &bytes, &left);
    box->start = box->end - left;
    if (err)
        return err;
    free(box);
    entry->outbox = NULL;
    return OK;
}

error_t loop_send(struct loop *loop, handle_t ch, const void *data, size_t len) {
    struct loop_channel *entry = find(loop, ch);
    if (!entry)
        return E_NOT_FOUND;
    const uint8_t *bytes = data;
    if (!entry->outbox) { // nothing waits: straight to the queue
        error_t err = send_while_room(ch, &bytes, &len);
        if (err && err != E_FULL)
            return err;
    }
    if (len == 0)
        return OK;
    struct loop_outbox *box = entry->outbox;
    size_t waiting = box ? box->end - box->start : 0;
    if (!box || box->size - box->end < len) { // a larger box, the waiting bytes moved to its start
        size_t size = box ? box->size : 0;
        while (size < waiting + len)
            size = size ? 2 * size : 2 * MESSAGE_DATA_MAX;
        struct loop_outbox *bigger = malloc(sizeof(*bigger) + size);
        if (!bigger)
            return E_NO_MEMORY;
        *bigger = (struct loop_outbox){.end = waiting, .size = size};
        if (box)
            memcpy(bigger->bytes, box->bytes + box->start, waiting);
        free(box);
        entry->outbox = box = bigger;
    }
    memcpy(box->bytes + box->end, bytes, len);
    box->end += len;
    return update_events(loop, entry);
}

bool loop_sending(struct loop *loop, handle_t ch) {
    struct loop_channel *entry = find(loop, ch);
    return entry && entry->outbox;
}

void loop_stop(struct loop *loop) { loop->stopped = true; }

static void on_connect(struct loop *loop, const struct msg *msg) {
    handle_t client = msg->connect.channel;
    if (watch(loop, client, false, NULL) != OK) {
        if (may_warn(loop))
            WARN("loop: cannot watch a new client (%u channels)", loop->num_channels);
        sys_handle_close(client);
        return;
    }
    if (loop->handlers->connect && !loop->handlers->connect(loop, client))
        loop_remove(loop, client);
}

// Calls the handler for one decoded message.
static void dispatch(struct loop *loop, handle_t ch, const struct msg *msg) {
    const struct loop_handlers *h = loop->handlers;
    switch (msg->type) {
    case MSG_CONNECT:
        if (find(loop, ch)->listen) {
            on_connect(loop, msg);
            return;
        }
        break;
    case MSG_OPEN:
        if (h->open) {
            h->open(loop, ch, msg->call_id, msg->open.uri, msg->open.uri_len);
            return;
        }
        break;
    case MSG_DATA:
        if (h->data) {
            h->data(loop, ch, msg->data.data, msg->data.len);
            return;
        }
        break;
    case MSG_READ:
        if (h->read) {
            h->read(loop, ch, msg->call_id, msg->read.offset, msg->read.len);
            return;
        }
        break;
    case MSG_WRITE:
        if (h->write) {
            h->write(loop, ch, msg->call_id, msg->write.offset, msg->write.data, msg->write.len);
            return;
        }
        break;
    case MSG_INVOKE:
        if (h->invoke) {
            handle_t handles[MESSAGE_HANDLES_MAX];
            for (int i = 0; i < msg->num_handles; i++)
                handles[i] = msg->handles[i];
            h->invoke(loop, ch, msg->call_id, msg->invoke.method, msg->invoke.args, msg->invoke.args_len,
                      handles, msg->num_handles);
            for (int i = 0; i < msg->num_handles; i++) // those it did not keep
                if (handles[i] != HANDLE_INVALID)
                    sys_handle_close(handles[i]);
            return;
        }
        break;
    }
    if (h->message) {
        h->message(loop, ch, msg);
        return;
    }
    if (msg->type == MSG_OPEN || msg->type == MSG_READ || msg->type == MSG_WRITE || msg->type == MSG_INVOKE) {
        msg_send_abort(ch, msg->call_id, E_NOT_SUPPORTED);
        if (may_warn(loop))
            WARN("loop: channel %d sent %s, which this server does not serve: answered E_NOT_SUPPORTED", ch,
                 msg_type_name(msg->type));
    }
    msg_close_handles(msg);
}

// The next message on `ch` carries more handles than the app has room for
// (it stays queued, so it would be reported again and again): a client is
// dropped; a listen channel is not read until some channel closes.
static void no_room_for_handles(struct loop *loop, handle_t ch) {
    struct loop_channel *entry = find(loop, ch);
    if (!entry->listen) {
        if (may_warn(loop))
            WARN("loop: dropping client %d: its message carries handles there is no room for", ch);
        loop_remove(loop, ch);
        return;
    }
    if (may_warn(loop))
        WARN("loop: no room for another client's handle; accepting again when a channel closes");
    entry->events &= ~EVENT_READABLE;
    sys_poll_update(loop->poll, ch, entry->events);
}

// Handles what is ready on one channel.
static void service(struct loop *loop, handle_t ch, struct loop_channel *entry, uint32_t events) {
    if (entry->outbox) {
        error_t err = events & (EVENT_WRITABLE | EVENT_PEER_CLOSED) ? send_held(entry) : E_FULL;
        if (err == E_FULL)
            return; // more waits for room
        if (err) { // the peer is gone: what waits cannot go; its messages and closing come next
            free(entry->outbox);
            entry->outbox = NULL;
        }
        update_events(loop, entry);
        if (!err && loop->handlers->writable)
            loop->handlers->writable(loop, ch);
        return; // (what else is ready comes on the next round)
    }
    if (events & EVENT_WRITABLE && entry->app_writable && loop->handlers->writable)
        loop->handlers->writable(loop, ch);
    if (events & EVENT_READABLE) {
        struct msg msg;
        int64_t type = msg_recv(ch, &loop->buffer, &msg); // a malformed message's handles are closed
        if (type == E_BAD_MESSAGE) {
            uint32_t call_id;
            bool request = msg_malformed_call_id(&loop->buffer, &call_id);
            if (request)
                msg_send_abort(ch, call_id, E_BAD_MESSAGE);
            else
                msg_send_error(ch, E_BAD_MESSAGE);
            if (may_warn(loop))
                WARN("loop: channel %d sent a malformed %s (%zu bytes, %d handles): answered %s", ch,
                     msg_type_name(MSGINFO_TYPE(loop->buffer.info)), MSGINFO_LEN(loop->buffer.info),
                     MSGINFO_HANDLES(loop->buffer.info), request ? "ABORT E_BAD_MESSAGE" : "ERROR E_BAD_MESSAGE");
        } else if (type == E_TOO_MANY_HANDLES)
            no_room_for_handles(loop, ch);
        else if (!IS_ERROR(type))
            dispatch(loop, ch, &msg);
        return; // level-triggered: the rest comes on the next round
    }
    if (events & EVENT_PEER_CLOSED) {
        if (loop->handlers->closed)
            loop->handlers->closed(loop, ch);
        loop_remove(loop, ch);
    }
}

void loop_run(struct loop *loop) {
    while (!loop->stopped && loop->num_channels > 0) {
        int64_t ready = sys_poll_wait(loop->poll, -1);
        if (IS_ERROR(ready)) {
            ERROR("loop: poll_wait failed: %s", error_name(ready));
            return;
        }
        handle_t ch = POLL_RESULT_HANDLE(ready);
        struct loop_channel *entry = find(loop, ch);
        if (entry && entry->ready) // a handle of loop_watch
            entry->ready(loop, ch);
        else if (entry)
            service(loop, ch, entry, POLL_RESULT_EVENTS(ready));
        if (loop->handlers->after)
            loop->handlers->after(loop);
    }
}
