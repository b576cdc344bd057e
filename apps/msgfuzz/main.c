// A hostile client of every server (echo and fs): seeded, it sends
// `messages` random and mutated messages of every type, with random
// handles, on its connections and on the channels the servers open for it;
// it reads what comes back, reconnects when a server drops it, and checks
// every `check_every` messages (and at the end) that each server still
// answers a well-formed request on a fresh connection, as it would another
// client. A server may drop it or be ended and restarted by its policy;
// the kernel must not go down (the system test watches for that).
#include <aster/aster.h>
#include <string.h>

#define OPENED_MAX 8
#define CALL_TIMEOUT_NS 3000000000ll

static uint64_t rng;
static uint8_t bytes[MESSAGE_DATA_MAX + 64];

static uint64_t rand64(void) {
    rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}
static uint32_t rand_below(uint32_t n) { return (uint32_t) ((rand64() >> 32) % n); }
static bool chance_big(void) { return rand_below(10) == 0; }

struct target {
    const char *service;
    handle_t channel;            // our connection (HANDLE_INVALID while reconnecting)
    handle_t opened[OPENED_MAX]; // channels it opened for us (fs)
    uint32_t num_opened;
};

static struct target targets[2] = {{.service = "echo"}, {.service = "fs"}};
static handle_t poll;
static uint64_t sent, refused, dropped, refusals[32];

static void sleep_ms(int64_t ms) { sys_poll_wait(poll, ms * 1000000); }

// A new connection to the target's service; waits while earlier ones are
// still pending (E_BUSY) or the server is being restarted.
static handle_t connect(const char *service) {
    for (int tries = 0; tries < 200; tries++) {
        int64_t channel = sys_service_reconnect(service, strlen(service));
        if (!IS_ERROR(channel))
            return (handle_t) channel;
        sleep_ms(10);
    }
    return HANDLE_INVALID;
}

// Handles to send along: fresh channel ends, timers, poll sets, or our own
// connection (the kernel refuses what may not travel).
static int pick_handles(struct target *target, handle_t *handles) {
    int count = (int) rand_below(MESSAGE_HANDLES_MAX + 1);
    for (int i = 0; i < count; i++) {
        handle_t a, b;
        switch (rand_below(4)) {
        case 0:
            if (sys_channel_create(&a, &b) == OK) {
                sys_handle_close(b);
                handles[i] = a;
                continue;
            }
            break;
        case 1: handles[i] = (handle_t) sys_timer_create(); continue;
        case 2: handles[i] = (handle_t) sys_poll_create(); continue;
        default: handles[i] = target->channel; continue;
        }
        handles[i] = HANDLE_INVALID;
    }
    return count;
}

// A well-formed message of a random type, before mutation.
static int64_t encode_valid(struct msg_buffer *buf, struct target *target) {
    static const char *uris[] = {"file:/hello.txt", "file:/hello.txt?pull", "file:/", "file:", "file:/nope",
                                 "tcp:1.2.3.4:5", "file:/hello.txt?pul", "?pull"};
    uint32_t call_id = (uint32_t) rand64();
    handle_t extra[MESSAGE_HANDLES_MAX];
    switch (rand_below(9)) {
    case 0: {
        const char *uri = uris[rand_below(sizeof(uris) / sizeof(uris[0]))];
        return msg_encode_open(buf, call_id, uri, strlen(uri));
    }
    case 1: return msg_encode_read(buf, call_id, rand64() >> rand_below(64), 1 + rand_below(MSG_READ_MAX));
    case 2: return msg_encode_write(buf, call_id, rand64(), bytes, rand_below(MSG_WRITE_MAX));
    case 3: {
        int count = pick_handles(target, extra);
        return msg_encode_invoke(buf, call_id, (uint32_t) rand64(), bytes, rand_below(64), extra, count);
    }
    case 4: return msg_encode_abort(buf, call_id, -1 - (int) rand_below(20));
    case 5: return msg_encode_error(buf, -1 - (int) rand_below(20));
    case 6: return msg_encode_read_reply(buf, call_id, bytes, rand_below(64));
    case 7: return msg_encode_write_reply(buf, call_id, rand_below(MSG_WRITE_MAX));
    default: return msg_encode_data(buf, bytes, rand_below(chance_big() ? MSG_DATA_MAX : 64));
    }
}

// Flips bits, changes the length, the type or the handle count.
static int64_t mutate(int64_t info) {
    uint32_t len = MSGINFO_LEN(info), type = MSGINFO_TYPE(info), handles = MSGINFO_HANDLES(info);
    switch (rand_below(5)) {
    case 0: bytes[rand_below(len + 1)] ^= (uint8_t) (1u << rand_below(8)); break;
    case 1: len = rand_below(MESSAGE_DATA_MAX + 1); break;
    case 2: type = rand_below(0x10000); break;
    case 3: handles = rand_below(MESSAGE_HANDLES_MAX + 1); break;
    default: break; // sent as it is
    }
    return MSGINFO(type, handles, len);
}

// Receives and drops what the server sent; keeps some channels it opened.
static void drain(struct target *target, handle_t channel) {
    static struct msg_buffer buf;
    for (;;) {
        int64_t info = sys_channel_recv(channel, buf.data, sizeof(buf.data), buf.handles);
        if (info == E_NO_PEER && channel == target->channel) {
            sys_handle_close(channel);
            target->channel = HANDLE_INVALID;
            dropped++;
        }
        if (IS_ERROR(info))
            return;
        for (int i = 0; i < MSGINFO_HANDLES(info); i++) {
            if (target->num_opened < OPENED_MAX && rand_below(2))
                target->opened[target->num_opened++] = buf.handles[i];
            else
                sys_handle_close(buf.handles[i]);
        }
    }
}

static void send_one(struct target *target) {
    if (target->channel == HANDLE_INVALID && (target->channel = connect(target->service)) == HANDLE_INVALID)
        return;
    handle_t channel = target->channel;
    if (target->num_opened && rand_below(3) == 0) // one of the channels it opened for us
        channel = target->opened[rand_below(target->num_opened)];
    static struct msg_buffer buf;
    int64_t info;
    handle_t handles[MESSAGE_HANDLES_MAX] = {0};
    if (rand_below(3) == 0) { // junk: any type, length and handles
        for (uint32_t i = 0; i < 64; i++)
            bytes[rand_below(MESSAGE_DATA_MAX)] = (uint8_t) rand64();
        int count = pick_handles(target, handles);
        info = MSGINFO(rand_below(0x10000), count, rand_below(MESSAGE_DATA_MAX + 1));
    } else {
        info = encode_valid(&buf, target);
        if (IS_ERROR(info))
            return;
        memcpy(bytes, buf.data, MSGINFO_LEN(info));
        memcpy(handles, buf.handles, sizeof(handles));
        info = mutate(info);
    }
    error_t err = sys_channel_send(channel, (msginfo_t) info, bytes, handles);
    if (err == E_FULL) { // give the server a moment to catch up
        handle_t wait = (handle_t) sys_poll_create();
        sys_poll_add(wait, channel, EVENT_WRITABLE | EVENT_PEER_CLOSED);
        sys_poll_wait(wait, 20000000);
        sys_handle_close(wait);
        err = sys_channel_send(channel, (msginfo_t) info, bytes, handles);
    }
    refusals[-err < 32 ? -err : 0]++;
    if (err == OK)
        sent++;
    else
        refused++;
    if (err == OK) // our connection itself may have gone along
        for (int i = 0; i < MSGINFO_HANDLES(info); i++)
            if (handles[i] == target->channel)
                target->channel = HANDLE_INVALID;
    if (err) // ours again: close them (not our connection)
        for (int i = 0; i < MSGINFO_HANDLES(info); i++)
            if (handles[i] > 0 && handles[i] != target->channel)
                sys_handle_close(handles[i]);
    drain(target, target->channel);
    for (uint32_t i = 0; i < target->num_opened; i++)
        drain(target, target->opened[i]);
    if (target->num_opened && rand_below(8) == 0) // let one go
        sys_handle_close(target->opened[--target->num_opened]);
}

// Waits up to CALL_TIMEOUT_NS for a message on `channel`.
static int64_t wait_reply(handle_t channel, struct msg_buffer *buf, struct msg *reply) {
    handle_t wait = (handle_t) sys_poll_create();
    sys_poll_add(wait, channel, EVENT_READABLE | EVENT_PEER_CLOSED);
    int64_t type = msg_recv(channel, buf, reply);
    if (type == E_EMPTY && sys_poll_wait(wait, CALL_TIMEOUT_NS) > 0)
        type = msg_recv(channel, buf, reply);
    sys_handle_close(wait);
    return type;
}

// A well-formed request on a fresh connection gets its answer.
static bool serves(const char *service) {
    static struct msg_buffer buf;
    struct msg reply;
    handle_t channel = connect(service);
    bool ok = false;
    if (channel == HANDLE_INVALID)
        return false;
    if (strcmp(service, "echo") == 0) {
        ok = msg_send_data(channel, "ping", 4) == OK && wait_reply(channel, &buf, &reply) == MSG_DATA
          && reply.data.len == 4 && memcmp(reply.data.data, "ping", 4) == 0;
    } else if (msg_send_open(channel, 7, "file:/hello.txt?pull") == OK
               && wait_reply(channel, &buf, &reply) == MSG_OPEN_REPLY && reply.call_id == 7) {
        handle_t file = reply.open_reply.channel;
        ok = msg_send_read(file, 8, 0, 5) == OK && wait_reply(file, &buf, &reply) == MSG_READ_REPLY
          && reply.call_id == 8 && reply.read_reply.len == 5 && memcmp(reply.read_reply.data, "Hello", 5) == 0;
        sys_handle_close(file);
    }
    sys_handle_close(channel);
    return ok;
}

static bool all_serve(uint64_t at) {
    bool ok = true;
    for (int t = 0; t < 2; t++) {
        if (!serves(targets[t].service)) {
            ERROR("FAIL: after %llu messages, %s no longer answers a well-formed request",
                  (unsigned long long) at, targets[t].service);
            ok = false;
        }
    }
    return ok;
}

void main(struct env *env) {
    uint64_t seed = (uint64_t) env_int(env, "seed"), messages = (uint64_t) env_int(env, "messages");
    uint64_t check_every = (uint64_t) env_int(env, "check_every");
    rng = seed * 0x9e3779b97f4a7c15ull | 1;
    poll = (handle_t) sys_poll_create();
    targets[0].channel = env_channel(env, "echo");
    targets[1].channel = env_channel(env, "fs");
    INFO("seed %llu, %llu messages", (unsigned long long) seed, (unsigned long long) messages);
    bool ok = true;
    for (uint64_t i = 1; i <= messages && ok; i++) {
        send_one(&targets[rand_below(2)]);
        if (check_every && i % check_every == 0)
            ok = all_serve(i);
    }
    ok = ok && all_serve(messages);
    for (int e = 1; e < 32; e++)
        if (refusals[e])
            INFO("%llu refused with %s", (unsigned long long) refusals[e], error_name(-e));
    INFO("done: %llu messages sent, %llu refused by the kernel, dropped %llu times; servers %s",
         (unsigned long long) sent, (unsigned long long) refused, (unsigned long long) dropped,
         ok ? "still serving" : "NOT serving");
}
