#include <aster/lines.h>

void line_reader_init(struct line_reader *reader, struct stream *stream) {
    reader->stream = stream;
    reader->chunk_len = reader->chunk_pos = 0;
}

int64_t line_read(struct line_reader *reader) {
    size_t len = 0;
    for (;;) {
        if (reader->chunk_pos == reader->chunk_len) {
            int64_t n = stream_read(reader->stream, reader->chunk, sizeof(reader->chunk));
            if (n <= 0) {
                reader->line[len] = '\0';
                return len > 0 ? (long) len : n; // a last line without '\n' still counts
            }
            reader->chunk_len = (size_t) n;
            reader->chunk_pos = 0;
        }
        char c = reader->chunk[reader->chunk_pos++];
        reader->line[len++] = c;
        if (c == '\n' || len == LINE_MAX) {
            reader->line[len] = '\0';
            return (int64_t) len;
        }
    }
}
