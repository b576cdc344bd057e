// Splitting a stream into lines, for tools such as grep and head. Lines
// longer than LINE_MAX bytes are handed over in pieces of LINE_MAX.
#pragma once
#include <aster/stream.h>

#define LINE_MAX 4096

struct line_reader {
    struct stream *stream;
    char chunk[MESSAGE_DATA_MAX]; // the last chunk read
    size_t chunk_len, chunk_pos;
    char line[LINE_MAX + 1];      // the current line, NUL-terminated, with its '\n' if it had one
};

void line_reader_init(struct line_reader *reader, struct stream *stream);
// The next line's length (reader->line holds it), 0 at the end of the
// stream, or a negative error.
int64_t line_read(struct line_reader *reader);
