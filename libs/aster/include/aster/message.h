// The predefined message types every app speaks (docs/messages.md): their
// wire layouts, encoders, send helpers and a validating decoder.
//
// The kernel moves a message as a msginfo word, up to MESSAGE_DATA_MAX data
// bytes and up to MESSAGE_HANDLES_MAX handles, and looks at none of it. This
// header is the contract between the apps. All integers are little-endian,
// at the byte offsets below, with no alignment requirement; "bytes[n]" runs to
// the end of the data, so n follows from the length in msginfo.
//
//  type              data layout (offset: field)                              data len  handles
//  ----------------  -------------------------------------------------------  --------  ---------
//  CONNECT        1  (none)                                                   0         1 channel
//  OPEN           2  0: u32 call_id  4: uri[n], n 1..4092, no NUL             5..4096   0
//  OPEN_REPLY     3  0: u32 call_id                                           4         1 channel
//  ABORT          4  0: u32 call_id  4: i32 error (< 0)                       8         0
//  DATA           5  0: bytes[n], n 0..4096                                   0..4096   0
//  ERROR          6  0: i32 error (< 0)                                       4         0
//  READ           7  0: u32 call_id  4: u32 reserved (0)  8: u64 offset       24        0
//                    16: u32 len (1..4092)  20: u32 reserved (0)
//  READ_REPLY     8  0: u32 call_id  4: bytes[n], n 0..4092                   4..4096   0
//  WRITE          9  0: u32 call_id  4: u32 reserved (0)  8: u64 offset       16..4096  0
//                    16: bytes[n], n 0..4080
//  WRITE_REPLY   10  0: u32 call_id  4: u32 written (0..4080)                 8         0
//  INVOKE        11  0: u32 call_id  4: u32 method  8: args[n], n 0..4088     8..4096   0..3
//  INVOKE_REPLY  12  0: u32 call_id  4: i32 result  8: bytes[n], n 0..4088    8..4096   0..3
//
// In msginfo, bit 13 (unused by the length) is zero. Every handle a message
// carries is a valid handle (> 0). The URI is not NUL-terminated, e.g.
// "file:/hello.txt". READ's len is at most MSG_READ_MAX so that the reply
// fits in one message; WRITE_REPLY's written is at most what one WRITE can
// carry. A reply (OPEN_REPLY, ABORT, READ_REPLY, WRITE_REPLY, INVOKE_REPLY)
// repeats the call_id of its request; the requester picks call ids.
//
// A receiver that gets anything else (an unknown type, a wrong length or
// handle count, a nonzero reserved field, a non-negative error, a NUL in a
// URI) treats it as E_BAD_MESSAGE: msg_recv() closes its handles and reports it.
#pragma once
#include <aster/error.h>
#include <aster/types.h>

enum msg_type {
    MSG_CONNECT = 1,
    MSG_OPEN = 2,
    MSG_OPEN_REPLY = 3,
    MSG_ABORT = 4,
    MSG_DATA = 5,
    MSG_ERROR = 6,
    MSG_READ = 7,
    MSG_READ_REPLY = 8,
    MSG_WRITE = 9,
    MSG_WRITE_REPLY = 10,
    MSG_INVOKE = 11,
    MSG_INVOKE_REPLY = 12,
};

// Payload limits that follow from the layouts.
#define MSG_URI_MAX (MESSAGE_DATA_MAX - 4)    // OPEN uri bytes
#define MSG_DATA_MAX MESSAGE_DATA_MAX         // DATA bytes
#define MSG_READ_MAX (MESSAGE_DATA_MAX - 4)   // READ len, READ_REPLY bytes
#define MSG_WRITE_MAX (MESSAGE_DATA_MAX - 16) // WRITE bytes, WRITE_REPLY written
#define MSG_INVOKE_MAX (MESSAGE_DATA_MAX - 8) // INVOKE args, INVOKE_REPLY bytes

// Room for one received or encoded message.
struct msg_buffer {
    uint8_t data[MESSAGE_DATA_MAX];
    handle_t handles[MESSAGE_HANDLES_MAX];
    msginfo_t info; // msg_recv: the msginfo of the last message received (also a malformed one)
};

// A decoded, valid message. Pointers point into the data it was decoded from
// (a struct msg_buffer for msg_recv), so they live as long as that buffer.
struct msg {
    int type;                              // an enum msg_type
    uint32_t call_id;                      // the request; 0 for CONNECT, DATA, ERROR
    int num_handles;                       // handles carried, 0..MESSAGE_HANDLES_MAX
    handle_t handles[MESSAGE_HANDLES_MAX]; // owned by the receiver: use or close them
    union {
        struct {
            handle_t channel; // = handles[0], the client's end
        } connect;
        struct {
            const char *uri; // not NUL-terminated
            size_t uri_len;  // 1..MSG_URI_MAX
        } open;
        struct {
            handle_t channel; // = handles[0], the opened resource
        } open_reply;
        struct {
            error_t error; // negative
        } abort, error;    // ABORT and ERROR
        struct {
            const void *data;
            size_t len; // 0..MSG_DATA_MAX
        } data;
        struct {
            uint64_t offset;
            uint32_t len; // 1..MSG_READ_MAX
        } read;
        struct {
            const void *data;
            size_t len; // 0..MSG_READ_MAX
        } read_reply;
        struct {
            uint64_t offset;
            const void *data;
            size_t len; // 0..MSG_WRITE_MAX
        } write;
        struct {
            uint32_t written; // 0..MSG_WRITE_MAX
        } write_reply;
        struct {
            uint32_t method;
            const void *args;
            size_t args_len; // 0..MSG_INVOKE_MAX
        } invoke;
        struct {
            int32_t result;
            const void *data;
            size_t len; // 0..MSG_INVOKE_MAX
        } invoke_reply;
    };
};

// Decodes the message (info, data, handles) into *out, checking every rule
// above; E_BAD_MESSAGE if one fails (then *out is untouched). Reads only
// MSGINFO_LEN(info) bytes of data and MSGINFO_HANDLES(info) handles (either
// may be NULL when there are none). Closes nothing.
error_t msg_decode(msginfo_t info, const void *data, const handle_t *handles, struct msg *out);

// Receives one message from channel `ch` into *buf (non-blocking, as
// sys_channel_recv) and decodes it into *out. Returns the message type, or a
// negative error: any of sys_channel_recv's (E_EMPTY, E_NO_PEER, ...), or
// E_BAD_MESSAGE, in which case the message is consumed and the handles it
// carried are already closed.
int64_t msg_recv(handle_t ch, struct msg_buffer *buf, struct msg *out);

// The call id of a request (OPEN, READ, WRITE, INVOKE) in a message that
// failed to decode, so that it can be answered (ABORT with E_BAD_MESSAGE);
// false if the message is no request or too short to carry one.
bool msg_malformed_call_id(const struct msg_buffer *buf, uint32_t *call_id);

// Closes the handles a decoded message carries, for a receiver that does not
// want them (e.g. a valid message of a type it does not expect).
void msg_close_handles(const struct msg *msg);

// The type's name, "MSG_OPEN", or "MSG_UNKNOWN".
const char *msg_type_name(int type);

// Encoders: each builds a message into *buf (data and handles) and returns
// its msginfo, which is never negative, or, leaving the message unusable:
// E_TOO_LARGE for a payload over its limit, E_INVALID_HANDLE for a handle
// <= 0, E_INVALID_ARG for any other rule broken (an empty URI or one with a
// NUL, an error >= 0, a READ len of 0, a handle count outside 0..3).
// A payload may already sit inside buf at its offset (copies use memmove).
// Then: sys_channel_send(ch, info, buf->data, buf->handles).
int64_t msg_encode_connect(struct msg_buffer *buf, handle_t channel);
int64_t msg_encode_open(struct msg_buffer *buf, uint32_t call_id, const char *uri, size_t uri_len);
int64_t msg_encode_open_reply(struct msg_buffer *buf, uint32_t call_id, handle_t channel);
int64_t msg_encode_abort(struct msg_buffer *buf, uint32_t call_id, error_t error);
int64_t msg_encode_data(struct msg_buffer *buf, const void *data, size_t len);
int64_t msg_encode_error(struct msg_buffer *buf, error_t error);
int64_t msg_encode_read(struct msg_buffer *buf, uint32_t call_id, uint64_t offset, uint32_t len);
int64_t msg_encode_read_reply(struct msg_buffer *buf, uint32_t call_id, const void *data, size_t len);
int64_t msg_encode_write(struct msg_buffer *buf, uint32_t call_id, uint64_t offset, const void *data,
                      size_t len);
int64_t msg_encode_write_reply(struct msg_buffer *buf, uint32_t call_id, uint32_t written);
int64_t msg_encode_invoke(struct msg_buffer *buf, uint32_t call_id, uint32_t method, const void *args,
                       size_t args_len, const handle_t *handles, int num_handles);
int64_t msg_encode_invoke_reply(struct msg_buffer *buf, uint32_t call_id, int32_t result, const void *data,
                             size_t len, const handle_t *handles, int num_handles);
// Encodes a struct msg of any type (as msg_decode produced it, or filled in
// by hand): the fields of its type, call_id, and handles[] for the types
// that carry a variable number (INVOKE, INVOKE_REPLY); E_INVALID_ARG for an
// unknown type. Decoding the result gives back an equal struct msg.
int64_t msg_encode(struct msg_buffer *buf, const struct msg *msg);

// Send helpers: encode, then sys_channel_send on `ch`. Return OK or the
// error of either step (E_FULL: the peer's queue is full; wait for
// EVENT_WRITABLE and retry). Handles passed move to the peer only on OK;
// on an error the caller still owns them. DATA is sent without a copy; the
// others encode into a buffer on the stack (up to 4 KiB).
error_t msg_send_connect(handle_t ch, handle_t channel);
// `uri` is a NUL-terminated string of 1..MSG_URI_MAX bytes.
error_t msg_send_open(handle_t ch, uint32_t call_id, const char *uri);
error_t msg_send_open_reply(handle_t ch, uint32_t call_id, handle_t channel);
error_t msg_send_abort(handle_t ch, uint32_t call_id, error_t error);
error_t msg_send_data(handle_t ch, const void *data, size_t len);
error_t msg_send_error(handle_t ch, error_t error);
error_t msg_send_read(handle_t ch, uint32_t call_id, uint64_t offset, uint32_t len);
error_t msg_send_read_reply(handle_t ch, uint32_t call_id, const void *data, size_t len);
error_t msg_send_write(handle_t ch, uint32_t call_id, uint64_t offset, const void *data, size_t len);
error_t msg_send_write_reply(handle_t ch, uint32_t call_id, uint32_t written);
error_t msg_send_invoke(handle_t ch, uint32_t call_id, uint32_t method, const void *args, size_t args_len,
                        const handle_t *handles, int num_handles);
error_t msg_send_invoke_reply(handle_t ch, uint32_t call_id, int32_t result, const void *data, size_t len,
                              const handle_t *handles, int num_handles);
// Answers OPEN `call_id` on `ch` with a new channel: the client gets one end
// in OPEN_REPLY, the caller the other (returned). If that fails, the client
// gets ABORT instead and the result is the error.
int64_t msg_reply_open(handle_t ch, uint32_t call_id);
// The same without handles: the common reply.
error_t msg_send_invoke_result(handle_t ch, uint32_t call_id, int32_t result, const void *data, size_t len);
