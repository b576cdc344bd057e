// The predefined message types: layouts, encoders, decoder, send helpers.
// The rules live in one place, the layout table plus decode_fields(); the
// encoders write the fields and then run the decoder over their own output,
// so whatever they produce is exactly what a receiver accepts.
#include <aster/message.h>
#include <aster/syscall.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

// Bit 13 of msginfo: between the length and the handle count, always zero.
#define MSGINFO_UNUSED_BIT (1u << 13)

// The layouts are little-endian, as are riscv64 and the x86-64 test hosts,
// so fields are plain copies; memcpy because data may be unaligned.
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "message layouts assume a little-endian CPU");

static uint32_t get_u32(const uint8_t *p) {
    uint32_t value;
    memcpy(&value, p, sizeof(value));
    return value;
}

static uint64_t get_u64(const uint8_t *p) {
    uint64_t value;
    memcpy(&value, p, sizeof(value));
    return value;
}

static void put_u32(uint8_t *p, uint32_t value) { memcpy(p, &value, sizeof(value)); }
static void put_u64(uint8_t *p, uint64_t value) { memcpy(p, &value, sizeof(value)); }

// What a type's layout fixes: a header of fixed fields, then a payload whose
// length is bounded, and a range of handle counts. Rules on field values are
// in decode_fields().
struct layout {
    const char *name;
    uint16_t header_len;  // bytes of fixed fields at the start of the data
    uint16_t payload_min; // bytes after the header
    uint16_t payload_max;
    uint8_t handles_min;
    uint8_t handles_max;
};

static const struct layout layouts[] = {
    [MSG_CONNECT] = {"MSG_CONNECT", 0, 0, 0, 1, 1},
    [MSG_OPEN] = {"MSG_OPEN", 4, 1, MSG_URI_MAX, 0, 0},
    [MSG_OPEN_REPLY] = {"MSG_OPEN_REPLY", 4, 0, 0, 1, 1},
    [MSG_ABORT] = {"MSG_ABORT", 8, 0, 0, 0, 0},
    [MSG_DATA] = {"MSG_DATA", 0, 0, MSG_DATA_MAX, 0, 0},
    [MSG_ERROR] = {"MSG_ERROR", 4, 0, 0, 0, 0},
    [MSG_READ] = {"MSG_READ", 24, 0, 0, 0, 0},
    [MSG_READ_REPLY] = {"MSG_READ_REPLY", 4, 0, MSG_READ_MAX, 0, 0},
    [MSG_WRITE] = {"MSG_WRITE", 16, 0, MSG_WRITE_MAX, 0, 0},
    [MSG_WRITE_REPLY] = {"MSG_WRITE_REPLY", 8, 0, 0, 0, 0},
    [MSG_INVOKE] = {"MSG_INVOKE", 8, 0, MSG_INVOKE_MAX, 0, MESSAGE_HANDLES_MAX},
    [MSG_INVOKE_REPLY] = {"MSG_INVOKE_REPLY", 8, 0, MSG_INVOKE_MAX, 0, MESSAGE_HANDLES_MAX},
};

// The layout of a known type, or NULL.
static const struct layout *layout_of(int type) {
    if (type <= 0 || type >= (int) ARRAY_SIZE(layouts))
        return NULL;
    return &layouts[type];
}

const char *msg_type_name(int type) {
    const struct layout *layout = layout_of(type);
    return layout ? layout->name : "MSG_UNKNOWN";
}

// Reads the fixed fields of msg->type from `bytes` and points at the
// payload; false if a field breaks its rule. Lengths and handle counts are
// already checked against the layout, and msg->handles filled in.
static bool decode_fields(struct msg *msg, const uint8_t *bytes, const uint8_t *payload, size_t payload_len) {
    switch (msg->type) {
    case MSG_CONNECT:
        msg->connect.channel = msg->handles[0];
        return true;
    case MSG_OPEN:
        msg->call_id = get_u32(bytes);
        msg->open.uri = (const char *) payload;
        msg->open.uri_len = payload_len;
        return memchr(payload, '\0', payload_len) == NULL;
    case MSG_OPEN_REPLY:
        msg->call_id = get_u32(bytes);
        msg->open_reply.channel = msg->handles[0];
        return true;
    case MSG_ABORT:
        msg->call_id = get_u32(bytes);
        msg->abort.error = (int32_t) get_u32(bytes + 4);
        return msg->abort.error < 0;
    case MSG_DATA:
        msg->data.data = payload;
        msg->data.len = payload_len;
        return true;
    case MSG_ERROR:
        msg->error.error = (int32_t) get_u32(bytes);
        return msg->error.error < 0;
    case MSG_READ:
        msg->call_id = get_u32(bytes);
        msg->read.offset = get_u64(bytes + 8);
        msg->read.len = get_u32(bytes + 16);
        return get_u32(bytes + 4) == 0 && get_u32(bytes + 20) == 0 && msg->read.len >= 1 &&
               msg->read.len <= MSG_READ_MAX;
    case MSG_READ_REPLY:
        msg->call_id = get_u32(bytes);
        msg->read_reply.data = payload;
        msg->read_reply.len = payload_len;
        return true;
    case MSG_WRITE:
        msg->call_id = get_u32(bytes);
        msg->write.offset = get_u64(bytes + 8);
        msg->write.data = payload;
        msg->write.len = payload_len;
        return get_u32(bytes + 4) == 0;
    case MSG_WRITE_REPLY:
        msg->call_id = get_u32(bytes);
        msg->write_reply.written = get_u32(bytes + 4);
        return msg->write_reply.written <= MSG_WRITE_MAX;
    case MSG_INVOKE:
        msg->call_id = get_u32(bytes);
        msg->invoke.method = get_u32(bytes + 4);
        msg->invoke.args = payload;
        msg->invoke.args_len = payload_len;
        return true;
    case MSG_INVOKE_REPLY:
        msg->call_id = get_u32(bytes);
        msg->invoke_reply.result = (int32_t) get_u32(bytes + 4);
        msg->invoke_reply.data = payload;
        msg->invoke_reply.len = payload_len;
        return true;
    }
    return false;
}

error_t msg_decode(msginfo_t info, const void *data, const handle_t *handles, struct msg *out) {
    const struct layout *layout = layout_of(MSGINFO_TYPE(info));
    size_t len = MSGINFO_LEN(info);
    int num_handles = MSGINFO_HANDLES(info);
    if (!layout || (info & MSGINFO_UNUSED_BIT) || len > MESSAGE_DATA_MAX || len < layout->header_len)
        return E_BAD_MESSAGE;
    size_t payload_len = len - layout->header_len;
    if (payload_len < layout->payload_min || payload_len > layout->payload_max ||
        num_handles < layout->handles_min || num_handles > layout->handles_max)
        return E_BAD_MESSAGE;
    struct msg msg = {.type = MSGINFO_TYPE(info), .num_handles = num_handles};
    for (int i = 0; i < num_handles; i++) {
        if (handles[i] <= 0)
            return E_BAD_MESSAGE;
        msg.handles[i] = handles[i];
    }
    // No arithmetic on a NULL `data`, which is allowed when len is 0.
    const uint8_t *bytes = data;
    const uint8_t *payload = layout->header_len ? bytes + layout->header_len : bytes;
    if (!decode_fields(&msg, bytes, payload, payload_len))
        return E_BAD_MESSAGE;
    *out = msg;
    return OK;
}

void msg_close_handles(const struct msg *msg) {
    for (int i = 0; i < msg->num_handles; i++)
        sys_handle_close(msg->handles[i]);
}

int64_t msg_recv(handle_t ch, struct msg_buffer *buf, struct msg *out) {
    int64_t info = sys_channel_recv(ch, buf->data, sizeof(buf->data), buf->handles);
    if (IS_ERROR(info))
        return info;
    buf->info = (msginfo_t) info;
    error_t err = msg_decode((msginfo_t) info, buf->data, buf->handles, out);
    if (err) {
        // The handles are ours now; a malformed message must not leak them.
        for (int i = 0; i < MSGINFO_HANDLES(info); i++)
            if (buf->handles[i] > 0)
                sys_handle_close(buf->handles[i]);
        return err;
    }
    return out->type;
}

bool msg_malformed_call_id(const struct msg_buffer *buf, uint32_t *call_id) {
    int type = MSGINFO_TYPE(buf->info);
    bool request = type == MSG_OPEN || type == MSG_READ || type == MSG_WRITE || type == MSG_INVOKE;
    if (!request || MSGINFO_LEN(buf->info) < 4)
        return false;
    *call_id = (uint32_t) buf->data[0] | (uint32_t) buf->data[1] << 8 | (uint32_t) buf->data[2] << 16
             | (uint32_t) buf->data[3] << 24;
    return true;
}

// ---- encoding ---------------------------------------------------------------

// Copies a payload of `len` bytes to its place after the type's header,
// checking the length first. `data` may overlap buf.
static error_t put_payload(struct msg_buffer *buf, int type, const void *data, size_t len) {
    const struct layout *layout = &layouts[type];
    if (len > layout->payload_max)
        return E_TOO_LARGE;
    if (len < layout->payload_min)
        return E_INVALID_ARG;
    if (len > 0)
        memmove(buf->data + layout->header_len, data, len);
    return OK;
}

// Completes a message whose data is in buf: adds the handles, then checks
// the whole message with the decoder. Returns its msginfo or an error.
static int64_t finish(struct msg_buffer *buf, int type, size_t payload_len, const handle_t *handles,
                   int num_handles) {
    const struct layout *layout = &layouts[type];
    if (num_handles < layout->handles_min || num_handles > layout->handles_max)
        return E_INVALID_ARG;
    for (int i = 0; i < MESSAGE_HANDLES_MAX; i++) {
        if (i < num_handles && handles[i] <= 0)
            return E_INVALID_HANDLE;
        buf->handles[i] = i < num_handles ? handles[i] : HANDLE_INVALID; // all slots defined
    }
    msginfo_t info = MSGINFO(type, num_handles, layout->header_len + payload_len);
    struct msg check;
    if (msg_decode(info, buf->data, buf->handles, &check))
        return E_INVALID_ARG;
    return info;
}

int64_t msg_encode_connect(struct msg_buffer *buf, handle_t channel) {
    return finish(buf, MSG_CONNECT, 0, &channel, 1);
}

int64_t msg_encode_open(struct msg_buffer *buf, uint32_t call_id, const char *uri, size_t uri_len) {
    error_t err = put_payload(buf, MSG_OPEN, uri, uri_len);
    if (err)
        return err;
    put_u32(buf->data, call_id);
    return finish(buf, MSG_OPEN, uri_len, NULL, 0);
}

int64_t msg_encode_open_reply(struct msg_buffer *buf, uint32_t call_id, handle_t channel) {
    put_u32(buf->data, call_id);
    return finish(buf, MSG_OPEN_REPLY, 0, &channel, 1);
}

int64_t msg_encode_abort(struct msg_buffer *buf, uint32_t call_id, error_t error) {
    put_u32(buf->data, call_id);
    put_u32(buf->data + 4, (uint32_t) error);
    return finish(buf, MSG_ABORT, 0, NULL, 0);
}

int64_t msg_encode_data(struct msg_buffer *buf, const void *data, size_t len) {
    error_t err = put_payload(buf, MSG_DATA, data, len);
    return err ? err : finish(buf, MSG_DATA, len, NULL, 0);
}

int64_t msg_encode_error(struct msg_buffer *buf, error_t error) {
    put_u32(buf->data, (uint32_t) error);
    return finish(buf, MSG_ERROR, 0, NULL, 0);
}

int64_t msg_encode_read(struct msg_buffer *buf, uint32_t call_id, uint64_t offset, uint32_t len) {
    if (len > MSG_READ_MAX)
        return E_TOO_LARGE;
    put_u32(buf->data, call_id);
    put_u32(buf->data + 4, 0);
    put_u64(buf->data + 8, offset);
    put_u32(buf->data + 16, len);
    put_u32(buf->data + 20, 0);
    return finish(buf, MSG_READ, 0, NULL, 0);
}

int64_t msg_encode_read_reply(struct msg_buffer *buf, uint32_t call_id, const void *data, size_t len) {
    error_t err = put_payload(buf, MSG_READ_REPLY, data, len);
    if (err)
        return err;
    put_u32(buf->data, call_id);
    return finish(buf, MSG_READ_REPLY, len, NULL, 0);
}

int64_t msg_encode_write(struct msg_buffer *buf, uint32_t call_id, uint64_t offset, const void *data,
                      size_t len) {
    error_t err = put_payload(buf, MSG_WRITE, data, len);
    if (err)
        return err;
    put_u32(buf->data, call_id);
    put_u32(buf->data + 4, 0);
    put_u64(buf->data + 8, offset);
    return finish(buf, MSG_WRITE, len, NULL, 0);
}

int64_t msg_encode_write_reply(struct msg_buffer *buf, uint32_t call_id, uint32_t written) {
    put_u32(buf->data, call_id);
    put_u32(buf->data + 4, written);
    return finish(buf, MSG_WRITE_REPLY, 0, NULL, 0);
}

int64_t msg_encode_invoke(struct msg_buffer *buf, uint32_t call_id, uint32_t method, const void *args,
                       size_t args_len, const handle_t *handles, int num_handles) {
    error_t err = put_payload(buf, MSG_INVOKE, args, args_len);
    if (err)
        return err;
    put_u32(buf->data, call_id);
    put_u32(buf->data + 4, method);
    return finish(buf, MSG_INVOKE, args_len, handles, num_handles);
}

int64_t msg_encode_invoke_reply(struct msg_buffer *buf, uint32_t call_id, int32_t result, const void *data,
                             size_t len, const handle_t *handles, int num_handles) {
    error_t err = put_payload(buf, MSG_INVOKE_REPLY, data, len);
    if (err)
        return err;
    put_u32(buf->data, call_id);
    put_u32(buf->data + 4, (uint32_t) result);
    return finish(buf, MSG_INVOKE_REPLY, len, handles, num_handles);
}

int64_t msg_encode(struct msg_buffer *buf, const struct msg *msg) {
    uint32_t id = msg->call_id;
    switch (msg->type) {
    case MSG_CONNECT:
        return msg_encode_connect(buf, msg->connect.channel);
    case MSG_OPEN:
        return msg_encode_open(buf, id, msg->open.uri, msg->open.uri_len);
    case MSG_OPEN_REPLY:
        return msg_encode_open_reply(buf, id, msg->open_reply.channel);
    case MSG_ABORT:
        return msg_encode_abort(buf, id, msg->abort.error);
    case MSG_DATA:
        return msg_encode_data(buf, msg->data.data, msg->data.len);
    case MSG_ERROR:
        return msg_encode_error(buf, msg->error.error);
    case MSG_READ:
        return msg_encode_read(buf, id, msg->read.offset, msg->read.len);
    case MSG_READ_REPLY:
        return msg_encode_read_reply(buf, id, msg->read_reply.data, msg->read_reply.len);
    case MSG_WRITE:
        return msg_encode_write(buf, id, msg->write.offset, msg->write.data, msg->write.len);
    case MSG_WRITE_REPLY:
        return msg_encode_write_reply(buf, id, msg->write_reply.written);
    case MSG_INVOKE:
        return msg_encode_invoke(buf, id, msg->invoke.method, msg->invoke.args, msg->invoke.args_len,
                                 msg->handles, msg->num_handles);
    case MSG_INVOKE_REPLY:
        return msg_encode_invoke_reply(buf, id, msg->invoke_reply.result, msg->invoke_reply.data,
                                       msg->invoke_reply.len, msg->handles, msg->num_handles);
    }
    return E_INVALID_ARG;
}

// ---- sending ----------------------------------------------------------------

// Sends what an encoder built, or passes on its error.
static error_t send_encoded(handle_t ch, int64_t info, const struct msg_buffer *buf) {
    if (IS_ERROR(info))
        return (error_t) info;
    return sys_channel_send(ch, (msginfo_t) info, buf->data, buf->handles);
}

error_t msg_send_connect(handle_t ch, handle_t channel) {
    struct msg_buffer buf;
    return send_encoded(ch, msg_encode_connect(&buf, channel), &buf);
}

error_t msg_send_open(handle_t ch, uint32_t call_id, const char *uri) {
    struct msg_buffer buf;
    return send_encoded(ch, msg_encode_open(&buf, call_id, uri, strnlen(uri, MSG_URI_MAX + 1)), &buf);
}

error_t msg_send_open_reply(handle_t ch, uint32_t call_id, handle_t channel) {
    struct msg_buffer buf;
    return send_encoded(ch, msg_encode_open_reply(&buf, call_id, channel), &buf);
}

error_t msg_send_abort(handle_t ch, uint32_t call_id, error_t error) {
    struct msg_buffer buf;
    return send_encoded(ch, msg_encode_abort(&buf, call_id, error), &buf);
}

// DATA has no header: the caller's bytes go to the kernel as they are.
error_t msg_send_data(handle_t ch, const void *data, size_t len) {
    if (len > MSG_DATA_MAX)
        return E_TOO_LARGE;
    return sys_channel_send(ch, MSGINFO(MSG_DATA, 0, len), data, NULL);
}

error_t msg_send_error(handle_t ch, error_t error) {
    struct msg_buffer buf;
    return send_encoded(ch, msg_encode_error(&buf, error), &buf);
}

error_t msg_send_read(handle_t ch, uint32_t call_id, uint64_t offset, uint32_t len) {
    struct msg_buffer buf;
    return send_encoded(ch, msg_encode_read(&buf, call_id, offset, len), &buf);
}

error_t msg_send_read_reply(handle_t ch, uint32_t call_id, const void *data, size_t len) {
    struct msg_buffer buf;
    return send_encoded(ch, msg_encode_read_reply(&buf, call_id, data, len), &buf);
}

error_t msg_send_write(handle_t ch, uint32_t call_id, uint64_t offset, const void *data, size_t len) {
    struct msg_buffer buf;
    return send_encoded(ch, msg_encode_write(&buf, call_id, offset, data, len), &buf);
}

error_t msg_send_write_reply(handle_t ch, uint32_t call_id, uint32_t written) {
    struct msg_buffer buf;
    return send_encoded(ch, msg_encode_write_reply(&buf, call_id, written), &buf);
}

error_t msg_send_invoke(handle_t ch, uint32_t call_id, uint32_t method, const void *args, size_t args_len,
                        const handle_t *handles, int num_handles) {
    struct msg_buffer buf;
    return send_encoded(ch, msg_encode_invoke(&buf, call_id, method, args, args_len, handles, num_handles),
                        &buf);
}

error_t msg_send_invoke_reply(handle_t ch, uint32_t call_id, int32_t result, const void *data, size_t len,
                              const handle_t *handles, int num_handles) {
    struct msg_buffer buf;
    return send_encoded(ch, msg_encode_invoke_reply(&buf, call_id, result, data, len, handles, num_handles),
                        &buf);
}

error_t msg_send_invoke_result(handle_t ch, uint32_t call_id, int32_t result, const void *data, size_t len) {
    return msg_send_invoke_reply(ch, call_id, result, data, len, NULL, 0);
}

int64_t msg_reply_open(handle_t ch, uint32_t call_id) {
    handle_t mine, theirs;
    error_t err = sys_channel_create(&mine, &theirs);
    if (!err && (err = msg_send_open_reply(ch, call_id, theirs)) != OK) {
        sys_handle_close(mine);
        sys_handle_close(theirs);
    }
    if (err) {
        msg_send_abort(ch, call_id, err == E_FULL ? E_FULL : E_NO_MEMORY);
        return err;
    }
    return mine;
}
