// The event loop: a server is a set of handlers, not a hand-written poll
// loop. The loop watches the app's listen channels and every channel added
// to it, decodes each message and calls the matching handler. A request
// that is malformed, or that no handler takes, is answered for the server
// (ABORT with its call id: E_BAD_MESSAGE or E_NOT_SUPPORTED; a malformed
// message of another type gets ERROR E_BAD_MESSAGE), logged with the
// channel and why, and serving goes on: a client never waits forever on a
// request the server could not read.
//
//   static void on_data(struct loop *loop, handle_t ch, const void *data, size_t len) {
//       msg_send_data(ch, data, len); // echo
//   }
//   static const struct loop_handlers handlers = {.data = on_data};
//   void main(struct env *env) {
//       static struct loop loop;
//       loop_init(&loop, &handlers, env);
//       loop_run(&loop);
//   }
#pragma once
#include <aster/env.h>
#include <aster/message.h>

#define LOOP_MAX_CHANNELS 64 // what a loop watches, unless the app gives more room (loop_set_room)

struct loop;

// Every handler is optional. `ch` is the channel the message came on.
struct loop_handlers {
    // A client connected (CONNECT on a listen channel); the loop already
    // watches `client`. Return false to refuse it (the loop closes it).
    bool (*connect)(struct loop *loop, handle_t client);
    void (*open)(struct loop *loop, handle_t ch, uint32_t call_id, const char *uri, size_t uri_len);
    void (*data)(struct loop *loop, handle_t ch, const void *data, size_t len);
    void (*read)(struct loop *loop, handle_t ch, uint32_t call_id, uint64_t offset, uint32_t len);
    void (*write)(struct loop *loop, handle_t ch, uint32_t call_id, uint64_t offset, const void *data,
                  size_t len);
    // INVOKE. The loop closes the `handles` it carried (num_handles, 0..3)
    // after the handler returns, but those the handler keeps: it sets their
    // slots to HANDLE_INVALID. Answer with msg_send_invoke_result(ch,
    // call_id, result, data, len), or msg_send_abort.
    void (*invoke)(struct loop *loop, handle_t ch, uint32_t call_id, uint32_t method, const void *args,
                   size_t args_len, handle_t *handles, int num_handles);
    // Any message without a handler above (replies, INVOKE, ...). Handles it
    // carries belong to the handler; without this handler they are closed.
    void (*message)(struct loop *loop, handle_t ch, const struct msg *msg);
    // `ch` can take messages again (after loop_want_writable), or all that
    // loop_send held for it has gone out.
    void (*writable)(struct loop *loop, handle_t ch);
    // The peer of `ch` closed and everything it sent was handled; the loop
    // closes `ch` after this returns.
    void (*closed)(struct loop *loop, handle_t ch);
    // After each event's handlers, before the loop waits again: work they
    // left queued inside the app (tcpip passes its loopback packets in).
    void (*after)(struct loop *loop);
};

// A handle that is not a channel (an interrupt, a timer, a spawned app):
// called when it is READABLE.
typedef void loop_ready_fn(struct loop *loop, handle_t handle);

struct loop_outbox;

struct loop_channel {
    handle_t channel;
    bool listen;      // a listen channel: carries CONNECTs
    bool paused;      // the app stopped reading it (loop_want_readable)
    bool app_writable; // the app asked for its writable handler (loop_want_writable)
    uint32_t events;  // what the loop waits for on it
    void *data;       // the app's, for this channel
    loop_ready_fn *ready; // set for a handle added with loop_watch
    struct loop_outbox *outbox; // bytes loop_send holds for it, on the heap (NULL: none)
};

struct loop {
    handle_t poll;
    const struct loop_handlers *handlers;
    void *data;       // the app's, for the whole loop
    bool stopped;
    uint32_t num_channels;
    uint32_t room;                  // entries in `channels`
    struct loop_channel *channels;  // `inline_channels`, or the app's array (loop_set_room)
    struct loop_channel inline_channels[LOOP_MAX_CHANNELS];
    struct msg_buffer buffer;
    int64_t warn_window;   // start of the current second of warnings (ns)
    uint32_t warnings;     // warnings logged in it
    uint32_t suppressed;   // and left out (a client sending junk cannot flood the log)
};

// Sets up the loop and watches every listen channel in `env` (NULL: none).
error_t loop_init(struct loop *loop, const struct loop_handlers *handlers, const struct env *env);
// Lets the loop watch up to `count` channels, in the app's `channels` array
// (static, for the life of the loop), instead of LOOP_MAX_CHANNELS: for a
// server of many connections. Call it after loop_init, before loop_run;
// what is watched already moves over. E_INVALID_ARG if `count` is smaller.
error_t loop_set_room(struct loop *loop, struct loop_channel *channels, uint32_t count);
// Watches `ch` for messages and its peer's closing. E_FULL past the loop's room.
error_t loop_add(struct loop *loop, handle_t ch, void *data);
// Calls `ready` whenever `handle` (not a channel) is READABLE; the handler
// must make it not so (acknowledge the interrupt, re-arm or remove it), or
// it is called again. loop_remove stops it. E_FULL as for loop_add.
error_t loop_watch(struct loop *loop, handle_t handle, loop_ready_fn *ready);
// Watches `ch` as a listen channel (like the app's exported services): the
// CONNECTs on it call the connect handler. For a listen channel a server
// got by OPEN (tcp-listen:...).
error_t loop_listen(struct loop *loop, handle_t ch);
// Stops (or starts again) reading `ch`: while stopped, its messages and its
// peer's closing wait, so a server can take no more than it can pass on.
error_t loop_want_readable(struct loop *loop, handle_t ch, bool want);
// Answers OPEN `call_id` on `ch` with a new channel (msg_reply_open) and
// watches our end with `data`: our end, or an error (the client got ABORT).
int64_t loop_reply_open(struct loop *loop, handle_t ch, uint32_t call_id, void *data);
// Stops watching `ch` and closes it.
void loop_remove(struct loop *loop, handle_t ch);
void *loop_channel_data(struct loop *loop, handle_t ch);
void loop_set_channel_data(struct loop *loop, handle_t ch, void *data);
// Also (or no longer) calls `writable` when `ch` has room for a message.
error_t loop_want_writable(struct loop *loop, handle_t ch, bool want);
// Sends `len` bytes (any length: as DATA messages of at most
// MESSAGE_DATA_MAX) on `ch`, a watched channel. What its queue cannot take
// now, the loop holds (on the heap) and sends as the peer makes room; until
// all has gone, it does not read `ch`, so a server that answers what it
// reads takes no more than it can pass on, and then it calls the writable
// handler. OK (sent or held); E_NO_MEMORY (the heap is spent: bytes were
// lost, close the channel); E_NO_PEER (the peer is gone); E_NOT_FOUND.
// Bytes still held when the peer goes, or when the app removes the
// channel, are dropped.
error_t loop_send(struct loop *loop, handle_t ch, const void *data, size_t len);
// Whether loop_send holds bytes for `ch`: a server streaming from
// elsewhere stops reading its source meanwhile.
bool loop_sending(struct loop *loop, handle_t ch);
// Runs until loop_stop or until no channel is left.
void loop_run(struct loop *loop);
void loop_stop(struct loop *loop);
