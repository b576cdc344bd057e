// The I/O of a WASI program, done the way an app does it: with the SDK
// (streams, messages, the environment), on behalf of the app, in its
// process. This file is built like an app (SDK headers only, partially
// linked, every symbol but the wasi_io_* entry points made local); its
// system calls reach the kernel's table through aster_syscall with kernel
// buffers (kernel/isolation/wasm.c).
//
//   fd 0      the app's stdin stream (empty when not connected)
//   fd 1      the app's stdout stream (the log when not connected)
//   fd 2      the log, line by line
//   files     the fs server named by the app's service item "fs": OPEN
//             "file:PATH?pull", then READ(offset, len) requests
//
// Results are WASI errno values (0 = success).
#include "wasi_io.h"
#include <aster/env.h>
#include <aster/message.h>
#include <aster/stream.h>
#include <aster/syscall.h>
#include <aster/wait.h>
#include <string.h>

enum {
    WASI_EBADF = 8, WASI_EINVAL = 28, WASI_EIO = 29, WASI_EISDIR = 31, WASI_EMFILE = 33,
    WASI_ENAMETOOLONG = 37, WASI_ENOENT = 44, WASI_ENOTCAPABLE = 76, WASI_EPIPE = 64,
};

struct wasi_io {
    struct stream in, out, err;
    uint8_t pending[MESSAGE_DATA_MAX]; // stdin bytes received but not yet read
    size_t pending_at, pending_len;
    handle_t fs;                       // HANDLE_INVALID: no files
    uint32_t next_call;
    struct msg_buffer buffer;
};

// The SDK's system calls: into the kernel's table, for the calling app,
// with kernel buffers (wasi_io_syscall is in kernel/isolation/wasm.c).
long wasi_io_syscall(long a0, long a1, long a2, long a3, long a4, long n);

int64_t aster_syscall(int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t n) {
    return wasi_io_syscall(a0, a1, a2, a3, a4, n);
}

size_t wasi_io_size(void) { return sizeof(struct wasi_io); }

void wasi_io_init(struct wasi_io *io, const struct env *env) {
    memset(io, 0, sizeof(*io));
    stream_stdin(&io->in, env);
    stream_stdout(&io->out, env);
    stream_open(&io->err, HANDLE_INVALID);
    io->err.to_log = true;
    io->fs = HANDLE_INVALID;
    for (uint32_t i = 0; i < env->count; i++) {
        const struct env_item *item = env_item_at(env, i);
        if (item->type == ENV_CHANNEL && strcmp(item->name, "fs") == 0)
            io->fs = (handle_t) item->value;
    }
    io->next_call = 1;
}

bool wasi_io_has_files(const struct wasi_io *io) { return io->fs != HANDLE_INVALID; }

uint16_t wasi_io_stdin_read(struct wasi_io *io, void *buf, size_t len, size_t *n) {
    *n = 0;
    if (io->pending_at == io->pending_len) {
        int64_t got = stream_read(&io->in, io->pending, sizeof(io->pending));
        if (got < 0)
            return WASI_EIO;
        io->pending_at = 0;
        io->pending_len = (size_t) got;
    }
    size_t take = io->pending_len - io->pending_at;
    if (take > len)
        take = len;
    memcpy(buf, io->pending + io->pending_at, take);
    io->pending_at += take;
    *n = take;
    return 0;
}

uint16_t wasi_io_write(struct wasi_io *io, int fd, const void *buf, size_t len) {
    struct stream *stream = fd == 1 ? &io->out : &io->err;
    error_t err = stream_write(stream, buf, len);
    return err == OK ? 0 : err == E_NO_PEER ? WASI_EPIPE : WASI_EIO;
}

// Sends a request on `ch` and waits for the reply of the same call.
static long call(struct wasi_io *io, handle_t ch, struct msg *reply) {
    for (;;) {
        int64_t type = msg_wait(ch, &io->buffer, reply);
        if (type < 0)
            return type;
        if (reply->call_id == io->next_call - 1)
            return type;
        msg_close_handles(reply); // a stale reply
    }
}

uint16_t wasi_io_file_open(struct wasi_io *io, const char *path, size_t len, uint64_t *file, uint64_t *size) {
    char uri[MSG_URI_MAX + 1];
    static const char scheme[] = "file:/", pull[] = "?pull";
    if (io->fs == HANDLE_INVALID)
        return WASI_ENOTCAPABLE;
    if (len + sizeof(scheme) + sizeof(pull) > sizeof(uri))
        return WASI_ENAMETOOLONG;
    size_t at = 0;
    memcpy(uri, scheme, sizeof(scheme) - 1);
    at = sizeof(scheme) - 1;
    memcpy(uri + at, path, len);
    at += len;
    memcpy(uri + at, pull, sizeof(pull));
    uint32_t id = io->next_call++;
    struct msg reply;
    if (msg_send_open(io->fs, id, uri) != OK || call(io, io->fs, &reply) < 0)
        return WASI_EIO;
    if (reply.type == MSG_ABORT)
        return reply.abort.error == E_NOT_FOUND ? WASI_ENOENT : WASI_EINVAL;
    if (reply.type != MSG_OPEN_REPLY)
        return WASI_EIO;
    handle_t channel = reply.open_reply.channel;
    // The size: the largest offset at which one byte can still be read.
    uint64_t low = 0, high = 1;
    uint8_t byte;
    size_t n;
    while (wasi_io_file_read(io, (uint64_t) channel, high - 1, &byte, 1, &n) == 0 && n == 1) {
        low = high;
        if (high > (1ull << 40)) {
            sys_handle_close(channel);
            return WASI_EIO;
        }
        high *= 2;
    }
    while (high - low > 1) { // low bytes readable, high not
        uint64_t mid = low + (high - low) / 2;
        if (wasi_io_file_read(io, (uint64_t) channel, mid - 1, &byte, 1, &n) != 0) {
            sys_handle_close(channel);
            return WASI_EIO;
        }
        if (n == 1)
            low = mid;
        else
            high = mid;
    }
    *file = (uint64_t) channel;
    *size = low;
    return 0;
}

uint16_t wasi_io_file_read(struct wasi_io *io, uint64_t file, uint64_t offset, void *buf, size_t len, size_t *n) {
    handle_t channel = (handle_t) file;
    uint8_t *out = buf;
    *n = 0;
    while (len > 0) {
        uint32_t chunk = len < MSG_READ_MAX ? (uint32_t) len : MSG_READ_MAX;
        uint32_t id = io->next_call++;
        struct msg reply;
        if (msg_send_read(channel, id, offset, chunk) != OK || call(io, channel, &reply) < 0)
            return WASI_EIO;
        if (reply.type == MSG_ABORT)
            return WASI_EIO;
        if (reply.type != MSG_READ_REPLY || reply.read_reply.len > chunk)
            return WASI_EIO;
        memcpy(out, reply.read_reply.data, reply.read_reply.len);
        out += reply.read_reply.len;
        *n += reply.read_reply.len;
        offset += reply.read_reply.len;
        len -= reply.read_reply.len;
        if (reply.read_reply.len < chunk)
            break; // the end of the file
    }
    return 0;
}

void wasi_io_file_close(struct wasi_io *io, uint64_t file) {
    (void) io;
    sys_handle_close((handle_t) file);
}

void wasi_io_finish(struct wasi_io *io) {
    stream_close(&io->out);
    stream_close(&io->err);
    stream_close(&io->in);
}
