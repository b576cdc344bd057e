// cat: copies a file from the fs server (config `file`), or its stdin, to
// its stdout. When its reader goes away early (head), it stops at once,
// logs "the reader has gone; stopping after reading N bytes" (N: what it
// had read of its input) and closes its input.
#include <aster/aster.h>
#include <aster/loop.h>
#include <aster/stream.h>
#include <string.h>

// Opens `path` on the fs server: the returned channel streams the file.
static handle_t open_file(handle_t fs, const char *path) {
    char uri[MSG_URI_MAX];
    size_t len = strlen(path);
    if (len + 5 > sizeof(uri))
        return E_TOO_LARGE;
    memcpy(uri, "file:", 5);
    memcpy(uri + 5, path, len + 1);
    error_t err = msg_send_open(fs, 1, uri);
    if (err)
        return err;
    static struct msg_buffer buf;
    struct msg reply;
    int64_t type = msg_wait(fs, &buf, &reply);
    if (type == MSG_OPEN_REPLY)
        return reply.open_reply.channel;
    msg_close_handles(&reply);
    return type == MSG_ABORT ? reply.abort.error : IS_ERROR(type) ? type : E_BAD_MESSAGE;
}

void main(struct env *env) {
    const char *path = env_str(env, "file");
    struct stream in, out;
    stream_stdout(&out, env);
    if (path && path[0]) {
        handle_t file = open_file(env_channel(env, "fs"), path);
        if (IS_ERROR(file)) {
            ERROR("cannot open %s: %s", path, error_text(file));
            stream_close(&out);
            return;
        }
        stream_open(&in, file);
    } else {
        stream_stdin(&in, env);
    }
    static char buf[MESSAGE_DATA_MAX];
    int64_t len;
    unsigned long total = 0;
    error_t err = OK;
    while ((len = stream_read(&in, buf, sizeof(buf))) > 0) {
        total += (unsigned long) len;
        if ((err = stream_write(&out, buf, len)) != OK)
            break;
    }
    if (err == E_NO_PEER)
        INFO("the reader has gone; stopping after reading %lu bytes", total);
    else if (err)
        ERROR("write failed: %s", error_text(err));
    else if (len < 0)
        ERROR("read failed: %s", error_text(len));
    stream_close(&in);
    stream_close(&out);
}
