// wc: counts the lines, words or bytes (config `count`) of stdin and writes
// the number to stdout.
#include <aster/aster.h>
#include <aster/stream.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

void main(struct env *env) {
    const char *what = env_str(env, "count");
    if (!what || (strcmp(what, "lines") && strcmp(what, "words") && strcmp(what, "bytes"))) {
        ERROR("count must be lines, words or bytes");
        return;
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
