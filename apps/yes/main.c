// yes: writes one line, its arguments joined by spaces (or "y"), to stdout
// again and again, until the reader goes (then it exits with status 0, as
// UNIX yes ends at a closed pipe). Without a reader it writes to the log.
#include <aster/aster.h>
#include <aster/stream.h>
#include <string.h>

#define LINE_MAX 1024

void main(struct env *env) {
    static char line[LINE_MAX], chunk[MESSAGE_DATA_MAX];
    size_t len = 0;
    for (uint32_t i = 0; i < env_arg_count(env); i++) {
        const char *word = env_arg(env, i);
        size_t n = strlen(word);
        if (len + n + 2 > sizeof(line)) {
            ERROR("the line is longer than %d bytes", LINE_MAX);
            sys_app_exit(2);
        }
        if (i)
            line[len++] = ' ';
        memcpy(line + len, word, n);
        len += n;
    }
    if (len == 0)
        line[len++] = 'y';
    line[len++] = '\n';
    size_t fill = 0; // whole lines per message: fewer messages
    while (fill + len <= sizeof(chunk)) {
        memcpy(chunk + fill, line, len);
        fill += len;
    }
    static struct stream out;
    stream_stdout(&out, env);
    if (out.channel == HANDLE_INVALID) // the log: one line at a time, paced by its budget
        fill = len;
    while (stream_write(&out, chunk, fill) == OK)
        ;
    stream_close(&out);
}
