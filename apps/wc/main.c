// wc: counts the lines, words or bytes of stdin (argument -l, -w or -c, or
// config `count`) and writes the number to stdout.
#include <aster/aster.h>
#include <aster/stream.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

void main(struct env *env) {
    const char *what = env_str(env, "count");
    const char *arg = env_arg(env, 0);
    if (arg)
        what = !strcmp(arg, "-l") ? "lines" : !strcmp(arg, "-w") ? "words" : !strcmp(arg, "-c") ? "bytes" : NULL;
    if (env_arg_count(env) > 1 || !what || (strcmp(what, "lines") && strcmp(what, "words") && strcmp(what, "bytes"))) {
        ERROR(arg ? "usage: wc [-l|-w|-c]" : "count must be lines, words or bytes");
        sys_app_exit(2);
    }
    static struct stream in, out;
    stream_stdin(&in, env);
    stream_stdout(&out, env);
    static char buf[MESSAGE_DATA_MAX];
    uint64_t lines = 0, words = 0, bytes = 0;
    bool in_word = false;
    int64_t len;
    while ((len = stream_read(&in, buf, sizeof(buf))) > 0) {
        bytes += len;
        for (long i = 0; i < len; i++) {
            lines += buf[i] == '\n';
            bool space = isspace((unsigned char) buf[i]);
            words += !space && !in_word;
            in_word = !space;
        }
    }
    uint64_t result = what[0] == 'l' ? lines : what[0] == 'w' ? words : bytes;
    char text[32];
    int n = snprintf(text, sizeof(text), "%lu\n", (unsigned long) result);
    stream_write(&out, text, n);
    stream_close(&in);
    stream_close(&out);
}
