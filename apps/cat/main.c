// cat: copies files from the fs server (its arguments, or config `file`),
// or its stdin, to its stdout. When its reader goes away early (head), it
// stops at once, logs "the reader has gone; stopping after reading N bytes"
// (N: what it had read of its input) and closes its input. Exit status 1
// if a file could not be opened (the others are still copied).
#include <aster/aster.h>
#include <aster/loop.h>
#include <aster/stream.h>
#include <string.h>

// Opens `path` on the fs server: the returned channel streams the file.
static handle_t open_file(handle_t fs, const char *path) {
    char uri[MSG_URI_MAX + 1];
    if (strlen(path) + 5 > MSG_URI_MAX)
        return E_TOO_LARGE;
    strcpy(uri, "file:");
    strcat(uri, path);
    return msg_call_open(fs, uri, MSG_CALL_TIMEOUT_DEFAULT);
}

static char buf[MESSAGE_DATA_MAX];
static unsigned long total; // bytes read, all inputs

// Copies `in` to `out` and closes `in`; false once the output is gone.
static bool copy(struct stream *in, struct stream *out) {
    int64_t len;
    error_t err = OK;
    while ((len = stream_read(in, buf, sizeof(buf))) > 0) {
        total += (unsigned long) len;
        if ((err = stream_write(out, buf, len)) != OK)
            break;
    }
    if (err == E_NO_PEER)
        INFO("the reader has gone; stopping after reading %lu bytes", total);
    else if (err)
        ERROR("write failed: %s", error_text(err));
    else if (len < 0)
        ERROR("read failed: %s", error_text(len));
    stream_close(in);
    return err == OK;
}

void main(struct env *env) {
    const char *file = env_str(env, "file");
    uint32_t argc = env_arg_count(env);
    struct stream in, out;
    stream_stdout(&out, env);
    int status = 0;
    if (argc == 0 && !(file && file[0])) {
        stream_stdin(&in, env);
        copy(&in, &out);
    }
    for (uint32_t i = 0; i < (argc ? argc : 1) && (argc || (file && file[0])); i++) {
        const char *path = argc ? env_arg(env, i) : file;
        handle_t channel = open_file(env_channel(env, "fs"), path);
        if (IS_ERROR(channel)) {
            ERROR("cannot open %s: %s", path, error_text(channel));
            status = 1;
            continue;
        }
        stream_open(&in, channel);
        if (!copy(&in, &out))
            break;
    }
    stream_close(&out);
    sys_app_exit(status);
}
