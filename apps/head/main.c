// head: copies the first lines of stdin to stdout (argument -n N or -N,
// or config `lines`), then stops reading (the writer sees its reader go).
#include <aster/aster.h>
#include <aster/lines.h>
#include <stdlib.h>
#include <string.h>

// A count of lines: decimal digits only.
static bool parse_count(const char *text, int64_t *out) {
    char *end;
    if (!text || *text < '0' || *text > '9')
        return false;
    *out = strtol(text, &end, 10);
    return *end == '\0';
}

void main(struct env *env) {
    int64_t wanted = env_int(env, "lines");
    uint32_t argc = env_arg_count(env);
    const char *first = env_arg(env, 0);
    bool ok = argc == 0 || (argc == 1 && first[0] == '-' && parse_count(first + 1, &wanted))
           || (argc == 2 && !strcmp(first, "-n") && parse_count(env_arg(env, 1), &wanted));
    if (!ok) {
        ERROR("usage: head [-n N | -N]");
        sys_app_exit(2);
    }
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
