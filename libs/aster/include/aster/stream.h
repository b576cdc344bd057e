// Byte streams over channels, as pipes and files use them: the data travels
// in DATA messages and the end of the stream is the channel's closing. A
// writer whose reader is slow waits (E_FULL -> wait for WRITABLE), so nothing
// is dropped and nothing is duplicated.
#pragma once
#include <aster/env.h>
#include <aster/error.h>
#include <aster/types.h>

struct stream {
    handle_t channel; // HANDLE_INVALID: not connected
    handle_t poll;    // for waiting on this channel alone
    bool to_log;      // an unconnected output writes its lines to the log
    bool eof;
    size_t line_len;  // buffered partial line (to_log)
    char line[200];
};

// Wraps a channel (taking ownership of the handle).
error_t stream_open(struct stream *stream, handle_t channel);
// The app's stdin / stdout. An unconnected stdin is empty; an unconnected
// stdout writes each line to the log ("[app] line").
error_t stream_stdin(struct stream *stream, const struct env *env);
error_t stream_stdout(struct stream *stream, const struct env *env);
// Writes all `len` bytes, waiting while the reader's queue is full.
// E_NO_PEER if the reader has gone.
error_t stream_write(struct stream *stream, const void *data, size_t len);
// Reads the next chunk into buf (which must hold MESSAGE_DATA_MAX bytes):
// returns its length, 0 at the end of the stream, or a negative error (an
// ERROR message from the writer, or a failed call).
int64_t stream_read(struct stream *stream, void *buf, size_t buf_len);
// Flushes a buffered log line and closes the channel (the reader sees the end).
void stream_close(struct stream *stream);
