// Host unit tests for the predefined messages (libs/aster/src/message.c):
// the exact wire bytes of every type, the decoder's rules (every length,
// every handle count, every field rule), the encoders' argument checks, and
// msg_recv and the send helpers over a fake kernel channel defined here.
//
// Build and run from the repository root (one command, split here to fit):
//   cc -std=gnu17 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all
//      -Ilibs/aster/include tests/unit/test_message.c libs/aster/src/message.c -lcmocka
//      -o build/host/test_message
//   build/host/test_message
#include <aster/message.h>
#include <aster/syscall.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
// cmocka needs stdarg.h, stddef.h, stdint.h and setjmp.h first.
#include <cmocka.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

// ---- a fake kernel: one loopback channel and a handle table -----------------

#define FAKE_CHANNEL 1 // sends queue on it, receives dequeue from it
#define FAKE_HANDLES 64
#define FAKE_QUEUE_MAX 16

enum fake_handle_state { HANDLE_FREE, HANDLE_OPEN, HANDLE_IN_FLIGHT };

struct fake_message {
    msginfo_t info;
    uint8_t data[MESSAGE_DATA_MAX];
    handle_t handles[MESSAGE_HANDLES_MAX];
};

static struct {
    enum fake_handle_state handles[FAKE_HANDLES];
    struct fake_message queue[FAKE_QUEUE_MAX];
    int head, count;
    error_t send_error; // when nonzero, sys_channel_send fails with it
    int sends;          // successful sends
} fake;

static void fake_reset(void) {
    memset(&fake, 0, sizeof(fake));
    fake.handles[FAKE_CHANNEL] = HANDLE_OPEN;
}

// A new open handle, as if the app had created an object.
static handle_t fake_handle_new(void) {
    for (handle_t h = 1; h < FAKE_HANDLES; h++) {
        if (fake.handles[h] == HANDLE_FREE) {
            fake.handles[h] = HANDLE_OPEN;
            return h;
        }
    }
    fail_msg("fake handle table full");
    return HANDLE_INVALID;
}

static enum fake_handle_state fake_state(handle_t h) {
    assert_true(h > 0 && h < FAKE_HANDLES);
    return fake.handles[h];
}

// Queues a message as it stands, without the checks a real send makes:
// the way a buggy or hostile peer's message arrives.
static void fake_inject(msginfo_t info, const void *data, const handle_t *handles) {
    assert_true(fake.count < FAKE_QUEUE_MAX);
    struct fake_message *m = &fake.queue[(fake.head + fake.count++) % FAKE_QUEUE_MAX];
    m->info = info;
    if (MSGINFO_LEN(info))
        memcpy(m->data, data, MSGINFO_LEN(info));
    for (int i = 0; i < MSGINFO_HANDLES(info); i++) {
        m->handles[i] = handles[i];
        fake.handles[handles[i]] = HANDLE_IN_FLIGHT;
    }
}

// The kernel's checks (syscall_channel_send), then a loopback enqueue that
// moves the handles only on success.
error_t sys_channel_send(handle_t ch, msginfo_t info, const void *data, const handle_t *handles) {
    if (ch != FAKE_CHANNEL)
        return E_INVALID_HANDLE;
    if (fake.send_error)
        return fake.send_error;
    if (info & (1u << 13))
        return E_INVALID_ARG;
    if (MSGINFO_LEN(info) > MESSAGE_DATA_MAX)
        return E_TOO_LARGE;
    if (fake.count == FAKE_QUEUE_MAX)
        return E_FULL;
    for (int i = 0; i < MSGINFO_HANDLES(info); i++)
        if (handles[i] <= 0 || handles[i] >= FAKE_HANDLES || handles[i] == ch ||
            fake.handles[handles[i]] != HANDLE_OPEN)
            return E_INVALID_HANDLE;
    fake_inject(info, data, handles);
    fake.sends++;
    return OK;
}

long sys_channel_recv(handle_t ch, void *buf, size_t buf_len, handle_t *handles) {
    if (ch != FAKE_CHANNEL)
        return E_INVALID_HANDLE;
    if (fake.count == 0)
        return E_EMPTY;
    struct fake_message *m = &fake.queue[fake.head];
    if (MSGINFO_LEN(m->info) > buf_len)
        return E_TOO_LARGE;
    memcpy(buf, m->data, MSGINFO_LEN(m->info));
    for (int i = 0; i < MSGINFO_HANDLES(m->info); i++) {
        handles[i] = m->handles[i];
        if (handles[i] > 0 && handles[i] < FAKE_HANDLES)
            fake.handles[handles[i]] = HANDLE_OPEN;
    }
    fake.head = (fake.head + 1) % FAKE_QUEUE_MAX;
    fake.count--;
    return m->info;
}

// A channel pair: two new open handles (their messages are not modelled;
// msg_reply_open only passes one of them on).
error_t sys_channel_create(handle_t *first, handle_t *second) {
    *first = fake_handle_new();
    *second = fake_handle_new();
    return OK;
}

error_t sys_handle_close(handle_t h) {
    if (h <= 0 || h >= FAKE_HANDLES || fake.handles[h] != HANDLE_OPEN)
        return E_INVALID_HANDLE;
    fake.handles[h] = HANDLE_FREE;
    return OK;
}

static int setup(void **state) {
    (void) state;
    fake_reset();
    return 0;
}

// ---- helpers ------------------------------------------------------------------

// The exact-size copies the last decode_exact() read from; kept alive because
// the decoded pointers point into them.
static struct {
    uint8_t *data;
    size_t len;
    handle_t *handles;
} held;

static int teardown(void **state) {
    (void) state;
    free(held.data);
    free(held.handles);
    held.data = NULL;
    held.len = 0;
    held.handles = NULL;
    return 0;
}

// msg_decode on exact-size heap copies of the data and handles (NULL when
// there are none), so ASan reports any read past MSGINFO_LEN(info) bytes or
// MSGINFO_HANDLES(info) handles. Checks that a failed decode leaves *out alone.
static error_t decode_exact(msginfo_t info, const void *data, const handle_t *handles, struct msg *out) {
    teardown(NULL);
    size_t len = MSGINFO_LEN(info);
    size_t num_handles = (size_t) MSGINFO_HANDLES(info);
    if (len) {
        held.data = malloc(len);
        held.len = len;
        memcpy(held.data, data, len);
    }
    if (num_handles) {
        held.handles = malloc(num_handles * sizeof(handle_t));
        memcpy(held.handles, handles, num_handles * sizeof(handle_t));
    }
    struct msg before;
    memset(&before, 0xa5, sizeof(before));
    *out = before;
    error_t err = msg_decode(info, held.data, held.handles, out);
    if (err) {
        assert_int_equal(err, E_BAD_MESSAGE);
        assert_memory_equal(out, &before, sizeof(before));
    }
    return err;
}

// Checks an encoder's result against the expected wire message, decodes it,
// and checks that re-encoding the decoded message gives the same bytes.
static void check_wire(long info, const struct msg_buffer *buf, msginfo_t expected_info, const void *bytes,
                       const handle_t *handles, struct msg *decoded) {
    assert_int_equal(info, expected_info);
    size_t len = MSGINFO_LEN(expected_info);
    int num_handles = MSGINFO_HANDLES(expected_info);
    if (len)
        assert_memory_equal(buf->data, bytes, len);
    if (num_handles)
        assert_memory_equal(buf->handles, handles, num_handles * sizeof(handle_t));
    assert_int_equal(decode_exact(expected_info, buf->data, buf->handles, decoded), OK);
    assert_int_equal(decoded->type, MSGINFO_TYPE(expected_info));
    assert_int_equal(decoded->num_handles, num_handles);
    if (num_handles)
        assert_memory_equal(decoded->handles, handles, num_handles * sizeof(handle_t));
    struct msg_buffer again;
    assert_int_equal(msg_encode(&again, decoded), expected_info);
    if (len)
        assert_memory_equal(again.data, bytes, len);
    if (num_handles)
        assert_memory_equal(again.handles, handles, num_handles * sizeof(handle_t));
}

// Asserts that a decoded span holds `expected` and lies inside the data the
// last decode_exact() read.
static void check_span(const void *ptr, size_t len, const void *expected, size_t expected_len) {
    assert_int_equal(len, expected_len);
    if (len == 0)
        return;
    assert_memory_equal(ptr, expected, len);
    const uint8_t *start = ptr;
    assert_true(start >= held.data && start + len <= held.data + held.len);
}

// ---- round trips: the exact bytes of each type ---------------------------------

static void test_connect_round_trip(void **state) {
    (void) state;
    struct msg_buffer buf;
    struct msg m;
    handle_t h[] = {7};
    check_wire(msg_encode_connect(&buf, 7), &buf, MSGINFO(MSG_CONNECT, 1, 0), NULL, h, &m);
    assert_int_equal(m.connect.channel, 7);
    assert_int_equal(m.call_id, 0);
}

static void test_open_round_trip(void **state) {
    (void) state;
    struct msg_buffer buf;
    struct msg m;
    static const uint8_t bytes[] = {0x44, 0x33, 0x22, 0x11, 'f', 'i', 'l', 'e', ':', '/',
                                    'h',  'e',  'l',  'l',  'o', '.', 't', 'x', 't'};
    check_wire(msg_encode_open(&buf, 0x11223344, "file:/hello.txt", 15), &buf, MSGINFO(MSG_OPEN, 0, 19),
               bytes, NULL, &m);
    assert_int_equal(m.call_id, 0x11223344);
    check_span(m.open.uri, m.open.uri_len, "file:/hello.txt", 15);
}

static void test_open_reply_round_trip(void **state) {
    (void) state;
    struct msg_buffer buf;
    struct msg m;
    static const uint8_t bytes[] = {0xef, 0xbe, 0xad, 0xde};
    handle_t h[] = {9};
    check_wire(msg_encode_open_reply(&buf, 0xdeadbeef, 9), &buf, MSGINFO(MSG_OPEN_REPLY, 1, 4), bytes, h, &m);
    assert_int_equal(m.call_id, 0xdeadbeef);
    assert_int_equal(m.open_reply.channel, 9);
}

static void test_abort_round_trip(void **state) {
    (void) state;
    struct msg_buffer buf;
    struct msg m;
    static const uint8_t bytes[] = {5, 0, 0, 0, 0xf4, 0xff, 0xff, 0xff}; // E_NOT_FOUND = -12
    check_wire(msg_encode_abort(&buf, 5, E_NOT_FOUND), &buf, MSGINFO(MSG_ABORT, 0, 8), bytes, NULL, &m);
    assert_int_equal(m.call_id, 5);
    assert_int_equal(m.abort.error, E_NOT_FOUND);
}

static void test_data_round_trip(void **state) {
    (void) state;
    struct msg_buffer buf;
    struct msg m;
    check_wire(msg_encode_data(&buf, "hello", 5), &buf, MSGINFO(MSG_DATA, 0, 5), "hello", NULL, &m);
    check_span(m.data.data, m.data.len, "hello", 5);
    // Empty is a valid chunk, from a NULL pointer too.
    check_wire(msg_encode_data(&buf, NULL, 0), &buf, MSGINFO(MSG_DATA, 0, 0), NULL, NULL, &m);
    assert_int_equal(m.data.len, 0);
    // The largest.
    static uint8_t big[MSG_DATA_MAX];
    memset(big, 0, sizeof(big)); // NUL bytes are data like any other
    big[MSG_DATA_MAX - 1] = 0x5a;
    check_wire(msg_encode_data(&buf, big, MSG_DATA_MAX), &buf, MSGINFO(MSG_DATA, 0, MSG_DATA_MAX), big, NULL,
               &m);
    check_span(m.data.data, m.data.len, big, MSG_DATA_MAX);
}

static void test_error_round_trip(void **state) {
    (void) state;
    struct msg_buffer buf;
    struct msg m;
    static const uint8_t bytes[] = {0xf8, 0xff, 0xff, 0xff}; // E_NO_PEER = -8
    check_wire(msg_encode_error(&buf, E_NO_PEER), &buf, MSGINFO(MSG_ERROR, 0, 4), bytes, NULL, &m);
    assert_int_equal(m.error.error, E_NO_PEER);
    static const uint8_t min_bytes[] = {0, 0, 0, 0x80};
    check_wire(msg_encode_error(&buf, INT32_MIN), &buf, MSGINFO(MSG_ERROR, 0, 4), min_bytes, NULL, &m);
    assert_int_equal(m.error.error, INT32_MIN);
}

static void test_read_round_trip(void **state) {
    (void) state;
    struct msg_buffer buf;
    struct msg m;
    static const uint8_t bytes[] = {7, 0, 0, 0, 0,    0,    0, 0, 8, 7, 6, 5,
                                    4, 3, 2, 1, 0xfc, 0x0f, 0, 0, 0, 0, 0, 0};
    check_wire(msg_encode_read(&buf, 7, 0x0102030405060708ull, MSG_READ_MAX), &buf, MSGINFO(MSG_READ, 0, 24),
               bytes, NULL, &m);
    assert_int_equal(m.call_id, 7);
    assert_int_equal(m.read.offset, 0x0102030405060708ull);
    assert_int_equal(m.read.len, MSG_READ_MAX);
    assert_true(msg_encode_read(&buf, 1, UINT64_MAX, 1) > 0);
    assert_int_equal(decode_exact(MSGINFO(MSG_READ, 0, 24), buf.data, NULL, &m), OK);
    assert_int_equal(m.read.offset, UINT64_MAX);
    assert_int_equal(m.read.len, 1);
}

static void test_read_reply_round_trip(void **state) {
    (void) state;
    struct msg_buffer buf;
    struct msg m;
    static const uint8_t bytes[] = {8, 0, 0, 0, 'a', 'b', 'c'};
    check_wire(msg_encode_read_reply(&buf, 8, "abc", 3), &buf, MSGINFO(MSG_READ_REPLY, 0, 7), bytes, NULL,
               &m);
    assert_int_equal(m.call_id, 8);
    check_span(m.read_reply.data, m.read_reply.len, "abc", 3);
    static const uint8_t empty[] = {0xff, 0xff, 0xff, 0xff}; // end of file
    check_wire(msg_encode_read_reply(&buf, UINT32_MAX, NULL, 0), &buf, MSGINFO(MSG_READ_REPLY, 0, 4), empty,
               NULL, &m);
    assert_int_equal(m.read_reply.len, 0);
}

static void test_write_round_trip(void **state) {
    (void) state;
    struct msg_buffer buf;
    struct msg m;
    static const uint8_t bytes[] = {9, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 'x', 'y', 'z'};
    check_wire(msg_encode_write(&buf, 9, 0x1000, "xyz", 3), &buf, MSGINFO(MSG_WRITE, 0, 19), bytes, NULL, &m);
    assert_int_equal(m.call_id, 9);
    assert_int_equal(m.write.offset, 0x1000);
    check_span(m.write.data, m.write.len, "xyz", 3);
    static uint8_t big[MSG_WRITE_MAX];
    memset(big, 'w', sizeof(big));
    assert_int_equal(msg_encode_write(&buf, 1, 0, big, MSG_WRITE_MAX),
                     MSGINFO(MSG_WRITE, 0, MESSAGE_DATA_MAX));
    assert_int_equal(decode_exact(MSGINFO(MSG_WRITE, 0, MESSAGE_DATA_MAX), buf.data, NULL, &m), OK);
    check_span(m.write.data, m.write.len, big, MSG_WRITE_MAX);
}

static void test_write_reply_round_trip(void **state) {
    (void) state;
    struct msg_buffer buf;
    struct msg m;
    static const uint8_t bytes[] = {10, 0, 0, 0, 3, 0, 0, 0};
    check_wire(msg_encode_write_reply(&buf, 10, 3), &buf, MSGINFO(MSG_WRITE_REPLY, 0, 8), bytes, NULL, &m);
    assert_int_equal(m.call_id, 10);
    assert_int_equal(m.write_reply.written, 3);
    static const uint8_t max_bytes[] = {10, 0, 0, 0, 0xf0, 0x0f, 0, 0};
    check_wire(msg_encode_write_reply(&buf, 10, MSG_WRITE_MAX), &buf, MSGINFO(MSG_WRITE_REPLY, 0, 8),
               max_bytes, NULL, &m);
}

static void test_invoke_round_trip(void **state) {
    (void) state;
    struct msg_buffer buf;
    struct msg m;
    static const uint8_t bytes[] = {11, 0, 0, 0, 0x42, 0, 0, 0, 1, 2};
    handle_t h[] = {3, 4};
    check_wire(msg_encode_invoke(&buf, 11, 0x42, "\x01\x02", 2, h, 2), &buf, MSGINFO(MSG_INVOKE, 2, 10),
               bytes, h, &m);
    assert_int_equal(m.call_id, 11);
    assert_int_equal(m.invoke.method, 0x42);
    check_span(m.invoke.args, m.invoke.args_len, "\x01\x02", 2);
    // No args, no handles; and the most of both.
    static const uint8_t bare[] = {1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
    check_wire(msg_encode_invoke(&buf, 1, UINT32_MAX, NULL, 0, NULL, 0), &buf, MSGINFO(MSG_INVOKE, 0, 8),
               bare, NULL, &m);
    static uint8_t args[MSG_INVOKE_MAX];
    memset(args, 0xaa, sizeof(args));
    handle_t three[] = {1, 2, 3};
    assert_int_equal(msg_encode_invoke(&buf, 2, 3, args, MSG_INVOKE_MAX, three, 3),
                     MSGINFO(MSG_INVOKE, 3, MESSAGE_DATA_MAX));
    assert_int_equal(decode_exact(MSGINFO(MSG_INVOKE, 3, MESSAGE_DATA_MAX), buf.data, buf.handles, &m), OK);
    check_span(m.invoke.args, m.invoke.args_len, args, MSG_INVOKE_MAX);
    assert_memory_equal(m.handles, three, sizeof(three));
}

static void test_invoke_reply_round_trip(void **state) {
    (void) state;
    struct msg_buffer buf;
    struct msg m;
    static const uint8_t bytes[] = {12, 0, 0, 0, 0xfb, 0xff, 0xff, 0xff, 'o', 'k'};
    handle_t h[] = {6};
    check_wire(msg_encode_invoke_reply(&buf, 12, -5, "ok", 2, h, 1), &buf, MSGINFO(MSG_INVOKE_REPLY, 1, 10),
               bytes, h, &m);
    assert_int_equal(m.call_id, 12);
    assert_int_equal(m.invoke_reply.result, -5);
    check_span(m.invoke_reply.data, m.invoke_reply.len, "ok", 2);
    // Any result is valid, positive ones included.
    static const uint8_t max_bytes[] = {0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f};
    check_wire(msg_encode_invoke_reply(&buf, 0, INT32_MAX, NULL, 0, NULL, 0), &buf,
               MSGINFO(MSG_INVOKE_REPLY, 0, 8), max_bytes, NULL, &m);
}

// ---- the decoder's rules ---------------------------------------------------------

// The rules of the wire contract, written out again here (not taken from
// message.c): allowed data lengths and handle counts per type.
static const struct rule {
    int type;
    size_t len_min, len_max;
    int handles_min, handles_max;
} rules[] = {
    {MSG_CONNECT, 0, 0, 1, 1},     {MSG_OPEN, 5, 4096, 0, 0},       {MSG_OPEN_REPLY, 4, 4, 1, 1},
    {MSG_ABORT, 8, 8, 0, 0},       {MSG_DATA, 0, 4096, 0, 0},       {MSG_ERROR, 4, 4, 0, 0},
    {MSG_READ, 24, 24, 0, 0},      {MSG_READ_REPLY, 4, 4096, 0, 0}, {MSG_WRITE, 16, 4096, 0, 0},
    {MSG_WRITE_REPLY, 8, 8, 0, 0}, {MSG_INVOKE, 8, 4096, 0, 3},     {MSG_INVOKE_REPLY, 8, 4096, 0, 3},
};

#define SWEEP_LEN 8192 // every length msginfo can express (13 bits)

// A message of rule->type whose fixed fields are valid, followed by 'x'
// bytes up to SWEEP_LEN, and valid handles.
static void valid_sample(const struct rule *rule, uint8_t *data, handle_t *handles) {
    struct msg_buffer buf;
    handle_t h[] = {5, 6, 7};
    long info = E_INVALID_ARG;
    switch (rule->type) {
    case MSG_CONNECT:
        info = msg_encode_connect(&buf, 5);
        break;
    case MSG_OPEN:
        info = msg_encode_open(&buf, 1, "x", 1);
        break;
    case MSG_OPEN_REPLY:
        info = msg_encode_open_reply(&buf, 1, 5);
        break;
    case MSG_ABORT:
        info = msg_encode_abort(&buf, 1, E_BUSY);
        break;
    case MSG_DATA:
        info = msg_encode_data(&buf, NULL, 0);
        break;
    case MSG_ERROR:
        info = msg_encode_error(&buf, E_BUSY);
        break;
    case MSG_READ:
        info = msg_encode_read(&buf, 1, 2, 3);
        break;
    case MSG_READ_REPLY:
        info = msg_encode_read_reply(&buf, 1, NULL, 0);
        break;
    case MSG_WRITE:
        info = msg_encode_write(&buf, 1, 2, NULL, 0);
        break;
    case MSG_WRITE_REPLY:
        info = msg_encode_write_reply(&buf, 1, 2);
        break;
    case MSG_INVOKE:
        info = msg_encode_invoke(&buf, 1, 2, NULL, 0, h, 3);
        break;
    case MSG_INVOKE_REPLY:
        info = msg_encode_invoke_reply(&buf, 1, 2, NULL, 0, h, 3);
        break;
    }
    assert_true(info > 0);
    memset(data, 'x', SWEEP_LEN);
    memcpy(data, buf.data, MSGINFO_LEN(info));
    memcpy(handles, h, sizeof(h));
}

// Every length from 0 to 8191, for every type: too short and too long fail.
static void test_every_length(void **state) {
    (void) state;
    static uint8_t data[SWEEP_LEN];
    handle_t handles[MESSAGE_HANDLES_MAX];
    for (size_t r = 0; r < ARRAY_SIZE(rules); r++) {
        valid_sample(&rules[r], data, handles);
        for (size_t len = 0; len < SWEEP_LEN; len++) {
            struct msg m;
            error_t err = decode_exact(MSGINFO(rules[r].type, rules[r].handles_min, len), data, handles, &m);
            bool valid = len >= rules[r].len_min && len <= rules[r].len_max;
            if (err != (valid ? OK : E_BAD_MESSAGE))
                fail_msg("%s with %zu bytes: got %d", msg_type_name(rules[r].type), len, err);
        }
    }
}

// Every handle count for every type, and invalid handle values.
static void test_handle_counts_and_values(void **state) {
    (void) state;
    static uint8_t data[SWEEP_LEN];
    handle_t handles[MESSAGE_HANDLES_MAX];
    for (size_t r = 0; r < ARRAY_SIZE(rules); r++) {
        const struct rule *rule = &rules[r];
        valid_sample(rule, data, handles);
        struct msg m;
        for (int count = 0; count <= MESSAGE_HANDLES_MAX; count++) {
            error_t err = decode_exact(MSGINFO(rule->type, count, rule->len_min), data, handles, &m);
            bool valid = count >= rule->handles_min && count <= rule->handles_max;
            if (err != (valid ? OK : E_BAD_MESSAGE))
                fail_msg("%s with %d handles: got %d", msg_type_name(rule->type), count, err);
        }
        // A zero or negative handle in any slot.
        static const handle_t bad_values[] = {0, -1, INT32_MIN};
        for (int slot = 0; slot < rule->handles_max; slot++) {
            for (size_t v = 0; v < ARRAY_SIZE(bad_values); v++) {
                handle_t bad[MESSAGE_HANDLES_MAX];
                memcpy(bad, handles, sizeof(bad));
                bad[slot] = bad_values[v];
                msginfo_t info = MSGINFO(rule->type, rule->handles_max, rule->len_min);
                assert_int_equal(decode_exact(info, data, bad, &m), E_BAD_MESSAGE);
            }
        }
        // Bit 13 of msginfo, unused by the length, must be clear.
        msginfo_t info = MSGINFO(rule->type, rule->handles_min, rule->len_min);
        assert_int_equal(decode_exact(info, data, handles, &m), OK);
        assert_int_equal(decode_exact(info | (1u << 13), data, handles, &m), E_BAD_MESSAGE);
    }
}

static void test_unknown_types(void **state) {
    (void) state;
    static const uint8_t data[32];
    static const handle_t handles[] = {1, 2, 3};
    static const int types[] = {0, 13, 14, 0x100, 0x8000, 0xffff};
    struct msg m;
    for (size_t t = 0; t < ARRAY_SIZE(types); t++)
        for (int count = 0; count <= MESSAGE_HANDLES_MAX; count++)
            for (size_t len = 0; len <= sizeof(data); len += 4)
                assert_int_equal(decode_exact(MSGINFO(types[t], count, len), data, handles, &m),
                                 E_BAD_MESSAGE);
    for (int type = 13; type <= 0xffff; type++)
        assert_int_equal(msg_decode(MSGINFO(type, 0, 0), NULL, NULL, &m), E_BAD_MESSAGE);
    struct msg_buffer buf;
    struct msg unknown = {.type = 13};
    assert_int_equal(msg_encode(&buf, &unknown), E_INVALID_ARG);
    unknown.type = 0;
    assert_int_equal(msg_encode(&buf, &unknown), E_INVALID_ARG);
}

// Writes a little-endian u32 into a message under test.
static void poke_u32(uint8_t *p, uint32_t value) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t) (value >> (8 * i));
}

static void test_errors_must_be_negative(void **state) {
    (void) state;
    static const struct {
        int32_t value;
        bool valid;
    } cases[] = {{-1, true}, {INT32_MIN, true}, {E_BAD_MESSAGE, true}, {0, false},
                 {1, false}, {12, false},       {INT32_MAX, false}};
    struct msg m;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        error_t expected = cases[i].valid ? OK : E_BAD_MESSAGE;
        uint8_t abort_data[8] = {1, 0, 0, 0};
        poke_u32(abort_data + 4, (uint32_t) cases[i].value);
        assert_int_equal(decode_exact(MSGINFO(MSG_ABORT, 0, 8), abort_data, NULL, &m), expected);
        if (cases[i].valid)
            assert_int_equal(m.abort.error, cases[i].value);
        uint8_t error_data[4];
        poke_u32(error_data, (uint32_t) cases[i].value);
        assert_int_equal(decode_exact(MSGINFO(MSG_ERROR, 0, 4), error_data, NULL, &m), expected);
        if (cases[i].valid)
            assert_int_equal(m.error.error, cases[i].value);
    }
}

static void test_read_rules(void **state) {
    (void) state;
    struct msg_buffer buf;
    struct msg m;
    const msginfo_t info = MSGINFO(MSG_READ, 0, 24);
    assert_int_equal(msg_encode_read(&buf, 1, 2, 3), info);
    // Any nonzero byte in either reserved word.
    static const int reserved[] = {4, 5, 6, 7, 20, 21, 22, 23};
    for (size_t i = 0; i < ARRAY_SIZE(reserved); i++) {
        uint8_t data[24];
        memcpy(data, buf.data, sizeof(data));
        data[reserved[i]] = 0x01;
        assert_int_equal(decode_exact(info, data, NULL, &m), E_BAD_MESSAGE);
        data[reserved[i]] = 0x80;
        assert_int_equal(decode_exact(info, data, NULL, &m), E_BAD_MESSAGE);
    }
    static const struct {
        uint32_t len;
        bool valid;
    } lens[] = {{0, false},    {1, true},     {4091, true},         {4092, true},
                {4093, false}, {4096, false}, {0x80000000u, false}, {UINT32_MAX, false}};
    for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
        uint8_t data[24];
        memcpy(data, buf.data, sizeof(data));
        poke_u32(data + 16, lens[i].len);
        assert_int_equal(decode_exact(info, data, NULL, &m), lens[i].valid ? OK : E_BAD_MESSAGE);
    }
}

static void test_write_rules(void **state) {
    (void) state;
    struct msg_buffer buf;
    struct msg m;
    const msginfo_t info = MSGINFO(MSG_WRITE, 0, 20);
    assert_int_equal(msg_encode_write(&buf, 1, 2, "abcd", 4), info);
    for (int i = 4; i < 8; i++) {
        uint8_t data[20];
        memcpy(data, buf.data, sizeof(data));
        data[i] = 0xff;
        assert_int_equal(decode_exact(info, data, NULL, &m), E_BAD_MESSAGE);
    }
    // WRITE_REPLY's written is at most what one WRITE carries.
    static const struct {
        uint32_t written;
        bool valid;
    } cases[] = {{0, true}, {4080, true}, {4081, false}, {4096, false}, {UINT32_MAX, false}};
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint8_t data[8] = {1, 0, 0, 0};
        poke_u32(data + 4, cases[i].written);
        assert_int_equal(decode_exact(MSGINFO(MSG_WRITE_REPLY, 0, 8), data, NULL, &m),
                         cases[i].valid ? OK : E_BAD_MESSAGE);
    }
}

static void test_open_uri_rules(void **state) {
    (void) state;
    struct msg m;
    static uint8_t data[4 + MSG_URI_MAX];
    memset(data, 0, 4);
    memset(data + 4, 'u', MSG_URI_MAX);
    // The longest URI; bytes above 0x7f are not checked.
    data[5] = 0xff;
    assert_int_equal(decode_exact(MSGINFO(MSG_OPEN, 0, sizeof(data)), data, NULL, &m), OK);
    assert_int_equal(m.open.uri_len, MSG_URI_MAX);
    // A NUL anywhere: first, middle, last.
    static const size_t positions[] = {0, 1, 2000, MSG_URI_MAX - 1};
    for (size_t i = 0; i < ARRAY_SIZE(positions); i++) {
        data[4 + positions[i]] = '\0';
        assert_int_equal(decode_exact(MSGINFO(MSG_OPEN, 0, sizeof(data)), data, NULL, &m), E_BAD_MESSAGE);
        assert_int_equal(decode_exact(MSGINFO(MSG_OPEN, 0, 5 + positions[i]), data, NULL, &m), E_BAD_MESSAGE);
        data[4 + positions[i]] = 'u';
    }
    // Empty.
    assert_int_equal(decode_exact(MSGINFO(MSG_OPEN, 0, 4), data, NULL, &m), E_BAD_MESSAGE);
}

// Fields are read at any alignment.
static void test_unaligned(void **state) {
    (void) state;
    struct msg_buffer buf;
    struct msg m;
    assert_int_equal(msg_encode_read(&buf, 0xa1b2c3d4, 0x1122334455667788ull, 99), MSGINFO(MSG_READ, 0, 24));
    static uint8_t shifted[64];
    for (int shift = 1; shift < 8; shift++) {
        memcpy(shifted + shift, buf.data, 24);
        assert_int_equal(msg_decode(MSGINFO(MSG_READ, 0, 24), shifted + shift, NULL, &m), OK);
        assert_int_equal(m.call_id, 0xa1b2c3d4);
        assert_int_equal(m.read.offset, 0x1122334455667788ull);
        assert_int_equal(m.read.len, 99);
    }
}

// ---- the encoders' argument checks -----------------------------------------------

static void test_encoder_arguments(void **state) {
    (void) state;
    struct msg_buffer buf;
    static char big[MESSAGE_DATA_MAX + 1];
    memset(big, 'b', sizeof(big));
    handle_t h[] = {1, 2, 3, 4};
    handle_t bad_handle[] = {1, 0, 3};
    assert_int_equal(msg_encode_connect(&buf, 0), E_INVALID_HANDLE);
    assert_int_equal(msg_encode_connect(&buf, -3), E_INVALID_HANDLE);
    assert_int_equal(msg_encode_open(&buf, 1, big, MSG_URI_MAX + 1), E_TOO_LARGE);
    assert_int_equal(msg_encode_open(&buf, 1, big, SIZE_MAX), E_TOO_LARGE);
    assert_int_equal(msg_encode_open(&buf, 1, big, MSG_URI_MAX), MSGINFO(MSG_OPEN, 0, MESSAGE_DATA_MAX));
    assert_int_equal(msg_encode_open(&buf, 1, "", 0), E_INVALID_ARG);
    assert_int_equal(msg_encode_open(&buf, 1, "a\0b", 3), E_INVALID_ARG);
    assert_int_equal(msg_encode_open(&buf, 1, "ab", 3), E_INVALID_ARG); // counts the terminator
    assert_int_equal(msg_encode_open_reply(&buf, 1, 0), E_INVALID_HANDLE);
    assert_int_equal(msg_encode_abort(&buf, 1, OK), E_INVALID_ARG);
    assert_int_equal(msg_encode_abort(&buf, 1, 5), E_INVALID_ARG);
    assert_int_equal(msg_encode_data(&buf, big, MSG_DATA_MAX + 1), E_TOO_LARGE);
    assert_int_equal(msg_encode_error(&buf, OK), E_INVALID_ARG);
    assert_int_equal(msg_encode_error(&buf, INT32_MAX), E_INVALID_ARG);
    assert_int_equal(msg_encode_read(&buf, 1, 0, 0), E_INVALID_ARG);
    assert_int_equal(msg_encode_read(&buf, 1, 0, MSG_READ_MAX + 1), E_TOO_LARGE);
    assert_int_equal(msg_encode_read(&buf, 1, 0, UINT32_MAX), E_TOO_LARGE);
    assert_int_equal(msg_encode_read_reply(&buf, 1, big, MSG_READ_MAX + 1), E_TOO_LARGE);
    assert_int_equal(msg_encode_write(&buf, 1, 0, big, MSG_WRITE_MAX + 1), E_TOO_LARGE);
    assert_int_equal(msg_encode_write_reply(&buf, 1, MSG_WRITE_MAX + 1), E_INVALID_ARG);
    assert_int_equal(msg_encode_invoke(&buf, 1, 2, big, MSG_INVOKE_MAX + 1, NULL, 0), E_TOO_LARGE);
    assert_int_equal(msg_encode_invoke(&buf, 1, 2, NULL, 0, h, 4), E_INVALID_ARG);
    assert_int_equal(msg_encode_invoke(&buf, 1, 2, NULL, 0, h, -1), E_INVALID_ARG);
    assert_int_equal(msg_encode_invoke(&buf, 1, 2, NULL, 0, bad_handle, 3), E_INVALID_HANDLE);
    assert_int_equal(msg_encode_invoke(&buf, 1, 2, NULL, 0, bad_handle, 1), MSGINFO(MSG_INVOKE, 1, 8));
    assert_int_equal(msg_encode_invoke_reply(&buf, 1, 2, big, MSG_INVOKE_MAX + 1, NULL, 0), E_TOO_LARGE);
    assert_int_equal(msg_encode_invoke_reply(&buf, 1, 2, NULL, 0, h, 4), E_INVALID_ARG);
    assert_int_equal(msg_encode_invoke_reply(&buf, 1, 2, NULL, 0, bad_handle, 2), E_INVALID_HANDLE);
}

// A payload already in the buffer, at its place or overlapping it.
static void test_payload_in_place(void **state) {
    (void) state;
    struct msg_buffer buf;
    struct msg m;
    memcpy(buf.data + 16, "in place", 8);
    assert_int_equal(msg_encode_write(&buf, 3, 4, buf.data + 16, 8), MSGINFO(MSG_WRITE, 0, 24));
    assert_int_equal(decode_exact(MSGINFO(MSG_WRITE, 0, 24), buf.data, NULL, &m), OK);
    check_span(m.write.data, m.write.len, "in place", 8);
    memcpy(buf.data, "shifted!", 8);
    assert_int_equal(msg_encode_read_reply(&buf, 5, buf.data, 8), MSGINFO(MSG_READ_REPLY, 0, 12));
    assert_int_equal(decode_exact(MSGINFO(MSG_READ_REPLY, 0, 12), buf.data, NULL, &m), OK);
    assert_int_equal(m.call_id, 5);
    check_span(m.read_reply.data, m.read_reply.len, "shifted!", 8);
}

static void test_type_names(void **state) {
    (void) state;
    static const char *const names[] = {
        "MSG_UNKNOWN",     "MSG_CONNECT", "MSG_OPEN",         "MSG_OPEN_REPLY", "MSG_ABORT",
        "MSG_DATA",        "MSG_ERROR",   "MSG_READ",         "MSG_READ_REPLY", "MSG_WRITE",
        "MSG_WRITE_REPLY", "MSG_INVOKE",  "MSG_INVOKE_REPLY", "MSG_UNKNOWN",
    };
    for (int type = 0; type < (int) ARRAY_SIZE(names); type++)
        assert_string_equal(msg_type_name(type), names[type]);
    assert_string_equal(msg_type_name(-1), "MSG_UNKNOWN");
    assert_string_equal(msg_type_name(0xffff), "MSG_UNKNOWN");
}

// ---- msg_recv and the send helpers over the fake channel -------------------------

static long receive(struct msg_buffer *buf, struct msg *m) { return msg_recv(FAKE_CHANNEL, buf, m); }

static void test_send_and_recv_every_type(void **state) {
    (void) state;
    handle_t client = fake_handle_new(), file = fake_handle_new();
    handle_t extra[] = {fake_handle_new(), fake_handle_new()};
    assert_int_equal(msg_send_connect(FAKE_CHANNEL, client), OK);
    assert_int_equal(fake_state(client), HANDLE_IN_FLIGHT);
    assert_int_equal(msg_send_open(FAKE_CHANNEL, 1, "file:/hello.txt"), OK);
    assert_int_equal(msg_send_open_reply(FAKE_CHANNEL, 1, file), OK);
    assert_int_equal(msg_send_abort(FAKE_CHANNEL, 2, E_NOT_FOUND), OK);
    assert_int_equal(msg_send_data(FAKE_CHANNEL, "chunk", 5), OK);
    assert_int_equal(msg_send_error(FAKE_CHANNEL, E_NO_PEER), OK);
    assert_int_equal(msg_send_read(FAKE_CHANNEL, 3, 4096, 512), OK);
    assert_int_equal(msg_send_read_reply(FAKE_CHANNEL, 3, "bytes", 5), OK);
    assert_int_equal(msg_send_write(FAKE_CHANNEL, 4, 8, "new", 3), OK);
    assert_int_equal(msg_send_write_reply(FAKE_CHANNEL, 4, 3), OK);
    assert_int_equal(msg_send_invoke(FAKE_CHANNEL, 5, 77, "arg", 3, extra, 2), OK);
    assert_int_equal(msg_send_invoke_reply(FAKE_CHANNEL, 5, 0, "res", 3, NULL, 0), OK);
    assert_int_equal(fake.sends, 12);

    struct msg_buffer buf;
    struct msg m;
    assert_int_equal(receive(&buf, &m), MSG_CONNECT);
    assert_int_equal(m.connect.channel, client);
    assert_int_equal(fake_state(client), HANDLE_OPEN);
    assert_int_equal(receive(&buf, &m), MSG_OPEN);
    assert_int_equal(m.call_id, 1);
    assert_int_equal(m.open.uri_len, 15);
    assert_memory_equal(m.open.uri, "file:/hello.txt", 15);
    assert_ptr_equal(m.open.uri, buf.data + 4);
    assert_int_equal(receive(&buf, &m), MSG_OPEN_REPLY);
    assert_int_equal(m.open_reply.channel, file);
    assert_int_equal(receive(&buf, &m), MSG_ABORT);
    assert_int_equal(m.abort.error, E_NOT_FOUND);
    assert_int_equal(receive(&buf, &m), MSG_DATA);
    assert_int_equal(m.data.len, 5);
    assert_memory_equal(m.data.data, "chunk", 5);
    assert_int_equal(receive(&buf, &m), MSG_ERROR);
    assert_int_equal(m.error.error, E_NO_PEER);
    assert_int_equal(receive(&buf, &m), MSG_READ);
    assert_int_equal(m.read.offset, 4096);
    assert_int_equal(m.read.len, 512);
    assert_int_equal(receive(&buf, &m), MSG_READ_REPLY);
    assert_memory_equal(m.read_reply.data, "bytes", 5);
    assert_int_equal(receive(&buf, &m), MSG_WRITE);
    assert_int_equal(m.write.offset, 8);
    assert_memory_equal(m.write.data, "new", 3);
    assert_int_equal(receive(&buf, &m), MSG_WRITE_REPLY);
    assert_int_equal(m.write_reply.written, 3);
    assert_int_equal(receive(&buf, &m), MSG_INVOKE);
    assert_int_equal(m.invoke.method, 77);
    assert_int_equal(m.num_handles, 2);
    assert_memory_equal(m.handles, extra, sizeof(extra));
    assert_memory_equal(m.invoke.args, "arg", 3);
    msg_close_handles(&m);
    assert_int_equal(fake_state(extra[0]), HANDLE_FREE);
    assert_int_equal(fake_state(extra[1]), HANDLE_FREE);
    assert_int_equal(receive(&buf, &m), MSG_INVOKE_REPLY);
    assert_int_equal(m.invoke_reply.result, 0);
    assert_memory_equal(m.invoke_reply.data, "res", 3);
    assert_int_equal(receive(&buf, &m), E_EMPTY);
}

// A malformed message is consumed, its handles closed, and the next one
// still arrives.
static void test_recv_closes_handles_of_bad_messages(void **state) {
    (void) state;
    handle_t a = fake_handle_new(), b = fake_handle_new(), c = fake_handle_new();
    handle_t both[] = {a, b};
    fake_inject(MSGINFO(MSG_CONNECT, 2, 0), "", both); // one handle too many
    fake_inject(MSGINFO(MSG_DATA, 1, 3), "abc", &c);   // DATA carries none
    fake_inject(MSGINFO(0x1234, 0, 4), "????", NULL);  // unknown type
    assert_int_equal(msg_send_data(FAKE_CHANNEL, "ok", 2), OK);
    struct msg_buffer buf;
    struct msg m;
    assert_int_equal(receive(&buf, &m), E_BAD_MESSAGE);
    assert_int_equal(fake_state(a), HANDLE_FREE);
    assert_int_equal(fake_state(b), HANDLE_FREE);
    assert_int_equal(receive(&buf, &m), E_BAD_MESSAGE);
    assert_int_equal(fake_state(c), HANDLE_FREE);
    assert_int_equal(receive(&buf, &m), E_BAD_MESSAGE);
    assert_int_equal(receive(&buf, &m), MSG_DATA);
    assert_memory_equal(m.data.data, "ok", 2);
    assert_int_equal(receive(&buf, &m), E_EMPTY);
    // Only the channel is left open.
    for (handle_t h = 2; h < FAKE_HANDLES; h++)
        assert_int_equal(fake.handles[h], HANDLE_FREE);
}

// On a failed send the caller keeps its handles; nothing is queued for
// arguments the encoder rejects.
static void test_send_errors(void **state) {
    (void) state;
    handle_t client = fake_handle_new();
    fake.send_error = E_FULL;
    assert_int_equal(msg_send_connect(FAKE_CHANNEL, client), E_FULL);
    assert_int_equal(msg_send_data(FAKE_CHANNEL, "x", 1), E_FULL);
    assert_int_equal(fake_state(client), HANDLE_OPEN);
    fake.send_error = OK;
    assert_int_equal(msg_send_connect(99, client), E_INVALID_HANDLE);
    assert_int_equal(fake_state(client), HANDLE_OPEN);

    static char uri[MSG_URI_MAX + 2];
    memset(uri, 'u', MSG_URI_MAX + 1);
    assert_int_equal(msg_send_open(FAKE_CHANNEL, 1, uri), E_TOO_LARGE);
    assert_int_equal(msg_send_open(FAKE_CHANNEL, 1, ""), E_INVALID_ARG);
    assert_int_equal(msg_send_abort(FAKE_CHANNEL, 1, 0), E_INVALID_ARG);
    assert_int_equal(msg_send_error(FAKE_CHANNEL, 1), E_INVALID_ARG);
    assert_int_equal(msg_send_read(FAKE_CHANNEL, 1, 0, 0), E_INVALID_ARG);
    static uint8_t big[MESSAGE_DATA_MAX + 1];
    assert_int_equal(msg_send_data(FAKE_CHANNEL, big, sizeof(big)), E_TOO_LARGE);
    assert_int_equal(msg_send_read_reply(FAKE_CHANNEL, 1, big, MSG_READ_MAX + 1), E_TOO_LARGE);
    assert_int_equal(msg_send_write(FAKE_CHANNEL, 1, 0, big, MSG_WRITE_MAX + 1), E_TOO_LARGE);
    assert_int_equal(msg_send_write_reply(FAKE_CHANNEL, 1, MSG_WRITE_MAX + 1), E_INVALID_ARG);
    assert_int_equal(msg_send_invoke(FAKE_CHANNEL, 1, 1, NULL, 0, &client, 4), E_INVALID_ARG);
    assert_int_equal(msg_send_invoke_reply(FAKE_CHANNEL, 1, 1, big, MSG_INVOKE_MAX + 1, NULL, 0),
                     E_TOO_LARGE);
    assert_int_equal(fake.sends, 0);

    // The limits themselves go through.
    uri[MSG_URI_MAX] = '\0';
    assert_int_equal(msg_send_open(FAKE_CHANNEL, 1, uri), OK);
    assert_int_equal(msg_send_data(FAKE_CHANNEL, big, MSG_DATA_MAX), OK);
    assert_int_equal(msg_send_data(FAKE_CHANNEL, NULL, 0), OK);
    struct msg_buffer buf;
    struct msg m;
    assert_int_equal(receive(&buf, &m), MSG_OPEN);
    assert_int_equal(m.open.uri_len, MSG_URI_MAX);
    assert_int_equal(receive(&buf, &m), MSG_DATA);
    assert_int_equal(m.data.len, MSG_DATA_MAX);
    assert_int_equal(receive(&buf, &m), MSG_DATA);
    assert_int_equal(m.data.len, 0);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

// msg_reply_open: the client gets OPEN_REPLY with one end of a new channel,
// the caller the other; when the reply cannot be sent, both ends are closed
// and the error returned.
static void test_reply_open(void **state) {
    (void) state;
    int64_t mine = msg_reply_open(FAKE_CHANNEL, 9);
    assert_true(mine > 0);
    assert_int_equal(fake_state((handle_t) mine), HANDLE_OPEN);
    struct msg_buffer buf;
    struct msg reply;
    assert_int_equal(msg_recv(FAKE_CHANNEL, &buf, &reply), MSG_OPEN_REPLY);
    assert_int_equal(reply.call_id, 9);
    assert_true(reply.open_reply.channel > 0 && reply.open_reply.channel != mine);
    fake_reset();
    fake.send_error = E_FULL;
    assert_int_equal(msg_reply_open(FAKE_CHANNEL, 10), E_FULL);
    for (handle_t h = 1; h < FAKE_HANDLES; h++)
        if (h != FAKE_CHANNEL)
            assert_int_equal(fake.handles[h], HANDLE_FREE); // nothing left open
}

int main(void) {
    const struct CMUnitTest tests[] = {
        TEST(test_connect_round_trip),
        TEST(test_open_round_trip),
        TEST(test_open_reply_round_trip),
        TEST(test_abort_round_trip),
        TEST(test_data_round_trip),
        TEST(test_error_round_trip),
        TEST(test_read_round_trip),
        TEST(test_read_reply_round_trip),
        TEST(test_write_round_trip),
        TEST(test_write_reply_round_trip),
        TEST(test_invoke_round_trip),
        TEST(test_invoke_reply_round_trip),
        TEST(test_every_length),
        TEST(test_handle_counts_and_values),
        TEST(test_unknown_types),
        TEST(test_errors_must_be_negative),
        TEST(test_read_rules),
        TEST(test_write_rules),
        TEST(test_open_uri_rules),
        TEST(test_unaligned),
        TEST(test_encoder_arguments),
        TEST(test_payload_in_place),
        TEST(test_type_names),
        TEST(test_send_and_recv_every_type),
        TEST(test_recv_closes_handles_of_bad_messages),
        TEST(test_send_errors),
        TEST(test_reply_open),
    };
    return cmocka_run_group_tests(tests, NULL, NULL) != 0;
}
