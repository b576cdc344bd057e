// grep: copies the lines of stdin that contain `pattern` to stdout.
#include <aster/aster.h>
#include <aster/lines.h>
#include <string.h>

void main(struct env *env) {
    const char *pattern = env_str(env, "pattern");
    static struct stream in, out;
    static struct line_reader reader;
    stream_stdin(&in, env);
    stream_stdout(&out, env);
    line_reader_init(&reader, &in);
    int64_t len;
    while (pattern && (len = line_read(&reader)) > 0) {
        if (strstr(reader.line, pattern) && stream_write(&out, reader.line, len) != OK)
            break;
    }
    stream_close(&in);
    stream_close(&out);
}
