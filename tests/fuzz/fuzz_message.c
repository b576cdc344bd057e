// libFuzzer target for the predefined messages (libs/aster/src/message.c).
//
// Input: bytes 0-3 a msginfo (little-endian), bytes 4-6 three handles (one
// signed byte each, so 0 and negative handles occur), then the data: exactly
// MSGINFO_LEN(info) bytes, copied to a buffer of that size so ASan sees any
// read past it (inputs with fewer bytes are rejected).
//
// Contract under test, checked with __builtin_trap:
// - msg_decode either fails with E_BAD_MESSAGE, leaving *out untouched, or
//   returns a message of the msginfo's type and handles whose spans lie
//   inside the data, and which msg_encode turns back into the same msginfo,
//   bytes and handles.
// - msg_encode on a struct msg built from the same input bytes either fails
//   with an argument error, or produces a message that decodes to equal fields:
//   the encoders accept exactly what the decoder accepts.
//
// Build and run from the repository root:
//   clang-19 -g -O1 -fsanitize=fuzzer,address,undefined -Ilibs/aster/include tests/fuzz/fuzz_message.c
//       libs/aster/src/message.c -o build/host/fuzz_message
//   build/host/fuzz_message -max_total_time=60 CORPUS_DIR
#include <aster/message.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) ((cond) ? (void) 0 : __builtin_trap())
#define PREFIX_LEN 7 // msginfo and three handle bytes

// msg_decode and msg_encode never touch the kernel.
error_t sys_channel_send(handle_t ch, msginfo_t info, const void *data, const handle_t *handles) {
    (void) ch, (void) info, (void) data, (void) handles;
    __builtin_trap();
}
long sys_channel_recv(handle_t ch, void *buf, size_t buf_len, handle_t *handles) {
    (void) ch, (void) buf, (void) buf_len, (void) handles;
    __builtin_trap();
}
error_t sys_channel_create(handle_t *first, handle_t *second) {
    (void) first;
    (void) second;
    return E_NO_MEMORY;
}

error_t sys_handle_close(handle_t handle) {
    (void) handle;
    __builtin_trap();
}

static volatile uint8_t sink; // keeps reads of decoded spans from being optimised away

// Checks that a decoded span lies inside [start, start + len) and reads it all.
static void check_span(const void *span, size_t span_len, const uint8_t *start, size_t len) {
    if (span_len == 0)
        return;
    const uint8_t *bytes = span;
    CHECK(bytes >= start && span_len <= len && bytes - start <= (ptrdiff_t) (len - span_len));
    for (size_t i = 0; i < span_len; i++)
        sink ^= bytes[i];
}

static bool same_span(const void *a, size_t a_len, const void *b, size_t b_len) {
    return a_len == b_len && (a_len == 0 || memcmp(a, b, a_len) == 0);
}

// Whether two messages carry the same fields (spans compared by content).
static bool same_fields(const struct msg *a, const struct msg *b) {
    if (a->type != b->type || a->call_id != b->call_id || a->num_handles != b->num_handles ||
        memcmp(a->handles, b->handles, a->num_handles * sizeof(handle_t)) != 0)
        return false;
    switch (a->type) {
    case MSG_CONNECT:
        return a->connect.channel == b->connect.channel;
    case MSG_OPEN:
        return same_span(a->open.uri, a->open.uri_len, b->open.uri, b->open.uri_len);
    case MSG_OPEN_REPLY:
        return a->open_reply.channel == b->open_reply.channel;
    case MSG_ABORT:
        return a->abort.error == b->abort.error;
    case MSG_DATA:
        return same_span(a->data.data, a->data.len, b->data.data, b->data.len);
    case MSG_ERROR:
        return a->error.error == b->error.error;
    case MSG_READ:
        return a->read.offset == b->read.offset && a->read.len == b->read.len;
    case MSG_READ_REPLY:
        return same_span(a->read_reply.data, a->read_reply.len, b->read_reply.data, b->read_reply.len);
    case MSG_WRITE:
        return a->write.offset == b->write.offset &&
               same_span(a->write.data, a->write.len, b->write.data, b->write.len);
    case MSG_WRITE_REPLY:
        return a->write_reply.written == b->write_reply.written;
    case MSG_INVOKE:
        return a->invoke.method == b->invoke.method &&
               same_span(a->invoke.args, a->invoke.args_len, b->invoke.args, b->invoke.args_len);
    case MSG_INVOKE_REPLY:
        return a->invoke_reply.result == b->invoke_reply.result &&
               same_span(a->invoke_reply.data, a->invoke_reply.len, b->invoke_reply.data,
                         b->invoke_reply.len);
    }
    return false;
}

// Decode, check the spans, re-encode, compare.
static void check_decode(msginfo_t info, const uint8_t *data, const handle_t *handles) {
    size_t len = MSGINFO_LEN(info);
    struct msg msg, untouched;
    memset(&msg, 0x5a, sizeof(msg));
    untouched = msg;
    error_t err = msg_decode(info, data, handles, &msg);
    if (err) {
        CHECK(err == E_BAD_MESSAGE);
        CHECK(memcmp(&msg, &untouched, sizeof(msg)) == 0);
        return;
    }
    CHECK(msg.type == MSGINFO_TYPE(info) && strcmp(msg_type_name(msg.type), "MSG_UNKNOWN") != 0);
    CHECK(msg.num_handles == MSGINFO_HANDLES(info));
    CHECK(msg.num_handles == 0 || memcmp(msg.handles, handles, msg.num_handles * sizeof(handle_t)) == 0);
    check_span(msg.open.uri, msg.type == MSG_OPEN ? msg.open.uri_len : 0, data, len);
    check_span(msg.data.data, msg.type == MSG_DATA ? msg.data.len : 0, data, len);
    check_span(msg.read_reply.data, msg.type == MSG_READ_REPLY ? msg.read_reply.len : 0, data, len);
    check_span(msg.write.data, msg.type == MSG_WRITE ? msg.write.len : 0, data, len);
    check_span(msg.invoke.args, msg.type == MSG_INVOKE ? msg.invoke.args_len : 0, data, len);
    check_span(msg.invoke_reply.data, msg.type == MSG_INVOKE_REPLY ? msg.invoke_reply.len : 0, data, len);

    static struct msg_buffer buf;
    CHECK(msg_encode(&buf, &msg) == info);
    CHECK(len == 0 || memcmp(buf.data, data, len) == 0);
    CHECK(msg.num_handles == 0 || memcmp(buf.handles, handles, msg.num_handles * sizeof(handle_t)) == 0);
}

// Reads fields for a hand-built message from the input, zeros once it ends.
struct reader {
    const uint8_t *next;
    size_t left;
};

static uint64_t take(struct reader *r, size_t size) {
    uint64_t value = 0;
    for (size_t i = 0; i < size && r->left > 0; i++, r->left--)
        value |= (uint64_t) *r->next++ << (8 * i);
    return value;
}

// A payload: the rest of the input, or a length over every limit, which the
// encoder must refuse without reading (ASan would see the read).
static const void *take_payload(struct reader *r, size_t *len) {
    size_t wanted = take(r, 2);
    *len = wanted > MESSAGE_DATA_MAX ? wanted : (wanted < r->left ? wanted : r->left);
    return r->next;
}

// Builds a struct msg of the msginfo's type from the input, encodes it, and
// if that succeeds checks that the message decodes to the same fields.
static void check_encode(msginfo_t info, const handle_t *handles, struct reader r) {
    struct msg msg = {.type = MSGINFO_TYPE(info) % 14, .num_handles = MSGINFO_HANDLES(info)};
    memcpy(msg.handles, handles, sizeof(msg.handles));
    msg.call_id = (uint32_t) take(&r, 4);
    switch (msg.type) {
    case MSG_CONNECT:
        msg.connect.channel = handles[0];
        break;
    case MSG_OPEN:
        msg.open.uri = take_payload(&r, &msg.open.uri_len);
        break;
    case MSG_OPEN_REPLY:
        msg.open_reply.channel = handles[0];
        break;
    case MSG_ABORT:
        msg.abort.error = (int32_t) take(&r, 4);
        break;
    case MSG_DATA:
        msg.data.data = take_payload(&r, &msg.data.len);
        break;
    case MSG_ERROR:
        msg.error.error = (int32_t) take(&r, 4);
        break;
    case MSG_READ:
        msg.read.offset = take(&r, 8);
        msg.read.len = (uint32_t) take(&r, 4);
        break;
    case MSG_READ_REPLY:
        msg.read_reply.data = take_payload(&r, &msg.read_reply.len);
        break;
    case MSG_WRITE:
        msg.write.offset = take(&r, 8);
        msg.write.data = take_payload(&r, &msg.write.len);
        break;
    case MSG_WRITE_REPLY:
        msg.write_reply.written = (uint32_t) take(&r, 4);
        break;
    case MSG_INVOKE:
        msg.invoke.method = (uint32_t) take(&r, 4);
        msg.invoke.args = take_payload(&r, &msg.invoke.args_len);
        break;
    case MSG_INVOKE_REPLY:
        msg.invoke_reply.result = (int32_t) take(&r, 4);
        msg.invoke_reply.data = take_payload(&r, &msg.invoke_reply.len);
        break;
    }
    static struct msg_buffer buf;
    long encoded = msg_encode(&buf, &msg);
    if (IS_ERROR(encoded)) {
        CHECK(encoded == E_INVALID_ARG || encoded == E_TOO_LARGE || encoded == E_INVALID_HANDLE);
        return;
    }
    struct msg decoded;
    CHECK(MSGINFO_TYPE(encoded) == msg.type);
    CHECK(msg_decode((msginfo_t) encoded, buf.data, buf.handles, &decoded) == OK);
    // Types without a call_id or with a fixed handle count ignore those fields.
    if (msg.type == MSG_CONNECT || msg.type == MSG_DATA || msg.type == MSG_ERROR)
        msg.call_id = 0;
    if (msg.type == MSG_CONNECT || msg.type == MSG_OPEN_REPLY)
        msg.num_handles = 1;
    else if (msg.type != MSG_INVOKE && msg.type != MSG_INVOKE_REPLY)
        msg.num_handles = 0;
    CHECK(same_fields(&msg, &decoded));
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size) {
    if (size < PREFIX_LEN)
        return -1;
    msginfo_t info = (msginfo_t) input[0] | (msginfo_t) input[1] << 8 | (msginfo_t) input[2] << 16 |
                     (msginfo_t) input[3] << 24;
    handle_t handles[MESSAGE_HANDLES_MAX];
    for (int i = 0; i < MESSAGE_HANDLES_MAX; i++)
        handles[i] = (int8_t) input[4 + i];
    size_t len = MSGINFO_LEN(info);
    size_t num_handles = (size_t) MSGINFO_HANDLES(info);
    if (size - PREFIX_LEN < len)
        return -1;
    // Exact-size copies (NULL when empty, as the decoder allows).
    uint8_t *data = len ? malloc(len) : NULL;
    handle_t *handle_copy = num_handles ? malloc(num_handles * sizeof(handle_t)) : NULL;
    if (len)
        memcpy(data, input + PREFIX_LEN, len);
    if (num_handles)
        memcpy(handle_copy, handles, num_handles * sizeof(handle_t));
    check_decode(info, data, handle_copy);
    free(data);
    free(handle_copy);

    check_encode(info, handles, (struct reader){input + PREFIX_LEN, size - PREFIX_LEN});
    return 0;
}
