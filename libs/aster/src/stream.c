#include <aster/log.h>
#include <aster/message.h>
#include <aster/stream.h>
#include <aster/syscall.h>
#include <string.h>

error_t stream_open(struct stream *stream, handle_t channel) {
    memset(stream, 0, sizeof(*stream));
    stream->channel = channel;
    if (channel == HANDLE_INVALID)
        return OK;
    int64_t poll = sys_poll_create();
    if (IS_ERROR(poll))
        return poll;
    stream->poll = poll;
    return sys_poll_add(poll, channel, EVENT_READABLE | EVENT_WRITABLE | EVENT_PEER_CLOSED);
}

error_t stream_stdin(struct stream *stream, const struct env *env) {
    return stream_open(stream, env_stdin(env));
}

error_t stream_stdout(struct stream *stream, const struct env *env) {
    error_t err = stream_open(stream, env_stdout(env));
    stream->to_log = stream->channel == HANDLE_INVALID;
    return err;
}

// Waits until the channel has one of `events` (or its peer closed).
static error_t wait_for(struct stream *stream, uint32_t events) {
    if (sys_poll_update(stream->poll, stream->channel, events | EVENT_PEER_CLOSED) != OK)
        return E_INVALID_HANDLE;
    int64_t result = sys_poll_wait(stream->poll, -1);
    return IS_ERROR(result) ? result : OK;
}

static void log_lines(struct stream *stream, const char *data, size_t len) {
    for (size_t i = 0; i < len; i++) {
        bool newline = data[i] == '\n';
        if (!newline)
            stream->line[stream->line_len++] = data[i];
        if (newline || stream->line_len == sizeof(stream->line)) {
            sys_log_write(stream->line, stream->line_len);
            stream->line_len = 0;
        }
    }
}

error_t stream_write(struct stream *stream, const void *data, size_t len) {
    if (stream->channel == HANDLE_INVALID) {
        if (stream->to_log)
            log_lines(stream, data, len);
        return stream->to_log ? OK : E_NO_PEER;
    }
    const char *bytes = data;
    while (len > 0) {
        size_t chunk = len < MESSAGE_DATA_MAX ? len : MESSAGE_DATA_MAX;
        error_t err = msg_send_data(stream->channel, bytes, chunk);
        if (err == E_FULL) {
            if ((err = wait_for(stream, EVENT_WRITABLE)))
                return err;
            continue;
        }
        if (err)
            return err;
        bytes += chunk;
        len -= chunk;
    }
    return OK;
}

int64_t stream_read(struct stream *stream, void *buf, size_t buf_len) {
    if (stream->channel == HANDLE_INVALID || stream->eof)
        return 0;
    for (;;) {
        handle_t handles[MESSAGE_HANDLES_MAX];
        int64_t info = sys_channel_recv(stream->channel, buf, buf_len, handles);
        if (info == E_NO_PEER) {
            stream->eof = true;
            return 0;
        }
        if (info == E_EMPTY) {
            error_t err = wait_for(stream, EVENT_READABLE);
            if (err)
                return err;
            continue;
        }
        if (IS_ERROR(info))
            return info;
        for (int i = 0; i < MSGINFO_HANDLES(info); i++)
            sys_handle_close(handles[i]); // streams carry no handles
        if (MSGINFO_TYPE(info) == MSG_DATA)
            return (int64_t) MSGINFO_LEN(info);
        if (MSGINFO_TYPE(info) == MSG_ERROR && MSGINFO_LEN(info) == 4) {
            int32_t err;
            memcpy(&err, buf, 4);
            return err < 0 ? err : E_BAD_MESSAGE;
        }
        WARN("stream: ignoring a message of type %d", MSGINFO_TYPE(info));
    }
}

void stream_close(struct stream *stream) {
    if (stream->to_log && stream->line_len > 0)
        sys_log_write(stream->line, stream->line_len);
    stream->line_len = 0;
    if (stream->channel != HANDLE_INVALID)
        sys_handle_close(stream->channel);
    if (stream->poll > 0)
        sys_handle_close(stream->poll);
    stream->channel = HANDLE_INVALID;
    stream->poll = 0;
}
