// grep: copies the lines of stdin that contain a pattern (its argument,
// or config `pattern`) to stdout. Exit status: 0 if a line matched, 1 if
// none did, 2 for a usage mistake (as UNIX grep).
#include <aster/aster.h>
#include <aster/lines.h>
#include <string.h>

void main(struct env *env) {
    const char *pattern = env_arg_count(env) ? env_arg(env, 0) : env_str(env, "pattern");
    if (env_arg_count(env) > 1 || !pattern || !pattern[0]) {
        ERROR("usage: grep PATTERN (one pattern, not empty)");
        sys_app_exit(2);
    }
    static struct stream in, out;
    static struct line_reader reader;
    stream_stdin(&in, env);
    stream_stdout(&out, env);
    line_reader_init(&reader, &in);
    int64_t len;
    bool matched = false;
    while ((len = line_read(&reader)) > 0) {
        if (!strstr(reader.line, pattern))
            continue;
        matched = true;
        if (stream_write(&out, reader.line, len) != OK)
            break;
    }
    stream_close(&in);
    stream_close(&out);
    sys_app_exit(matched ? 0 : 1);
}
