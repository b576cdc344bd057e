// head: copies the first `lines` lines of stdin to stdout, then stops
// reading (the writer sees its reader go).
#include <aster/aster.h>
#include <aster/lines.h>

void main(struct env *env) {
    int64_t wanted = env_int(env, "lines");
    static struct stream in, out;
    static struct line_reader reader;
    stream_stdin(&in, env);
    stream_stdout(&out, env);
    line_reader_init(&reader, &in);
    int64_t len;
    for (int64_t n = 0; n < wanted && (len = line_read(&reader)) > 0; n++)
        if (stream_write(&out, reader.line, len) != OK)
            break;
    stream_close(&in);
    stream_close(&out);
}
