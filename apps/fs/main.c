// The file server: serves the read-only files of the boot image.
//
//   OPEN "file:/hello.txt"       -> OPEN_REPLY with a data channel on which the
//                                   file arrives as DATA chunks; then it closes
//   OPEN "file:/hello.txt?pull"  -> OPEN_REPLY with a channel that answers
//                                   READ(offset, len) with READ_REPLY; it stays
//                                   open until the client closes it
//   OPEN "dir:/bin"              -> OPEN_REPLY with a data channel on which the
//                                   names in that directory arrive, one per
//                                   line (a directory's with a '/' after
//                                   it); then it closes
//   unknown file / bad URI       -> ABORT(E_NOT_FOUND / E_INVALID_ARG)
#include <aster/aster.h>
#include <aster/bootfs.h>
#include <aster/loop.h>
#include <string.h>

#define MAX_OPEN LOOP_MAX_CHANNELS

struct open_file {
    const struct bootfs_file *file; // NULL: slot free
    uint64_t offset;                // next byte to stream
    bool pull;                      // READ requests instead of a stream
};

static const uint8_t *bootfs;
static uint32_t num_files;
static struct open_file open_files[MAX_OPEN];

// Checks the boot file system once, so lookups can trust it.
static bool bootfs_check(const void *base, size_t size) {
    const struct bootfs_header *header = base;
    if (!base || size < sizeof(*header) || memcmp(header->magic, BOOTFS_MAGIC, 8) != 0
        || header->size > size || header->num_files > (header->size - sizeof(*header)) / sizeof(struct bootfs_file))
        return false;
    const struct bootfs_file *files = (const void *) (header + 1);
    for (uint32_t i = 0; i < header->num_files; i++) {
        const struct bootfs_file *f = &files[i];
        if ((uint64_t) f->path_offset + f->path_length > header->size
            || (uint64_t) f->data_offset + f->data_size > header->size)
            return false;
    }
    bootfs = base;
    num_files = header->num_files;
    return true;
}

static const struct bootfs_file *lookup(const char *path, size_t len) {
    const struct bootfs_file *files = (const void *) (bootfs + sizeof(struct bootfs_header));
    for (uint32_t i = 0; i < num_files; i++)
        if (files[i].path_length == len && memcmp(bootfs + files[i].path_offset, path, len) == 0)
            return &files[i];
    return NULL;
}

static struct open_file *new_open_file(const struct bootfs_file *file, bool pull) {
    for (int i = 0; i < MAX_OPEN; i++) {
        if (!open_files[i].file) {
            open_files[i] = (struct open_file){file, 0, pull};
            return &open_files[i];
        }
    }
    return NULL;
}

static const char *path_of(const struct bootfs_file *file) { return (const char *) bootfs + file->path_offset; }

// The name the file has in directory `dir` (its path's next component
// after the directory's, ending at the next '/' or its end), or 0 if the
// file is not below that directory. Paths are absolute ("/bin/x.wasm").
static size_t name_in(const struct bootfs_file *file, const char *dir, size_t dir_len, const char **name) {
    const char *path = path_of(file);
    size_t len = file->path_length;
    if (len <= dir_len || memcmp(path, dir, dir_len) != 0 || (dir_len > 1 && path[dir_len] != '/'))
        return 0;
    size_t at = dir_len > 1 ? dir_len + 1 : 1;
    *name = path + at;
    size_t n = 0;
    while (at + n < len && path[at + n] != '/')
        n++;
    return n;
}

// Streams the listing of directory `dir` (without a trailing '/', except
// the root "/") on a new channel: each name once, in the order of the files.
static void list_directory(handle_t ch, uint32_t call_id, const char *dir, size_t dir_len) {
    static char text[MESSAGE_DATA_MAX];
    const struct bootfs_file *files = (const void *) (bootfs + sizeof(struct bootfs_header));
    if (dir_len == 0 || dir[0] != '/' || (dir_len > 1 && dir[dir_len - 1] == '/')) {
        msg_send_abort(ch, call_id, E_INVALID_ARG);
        return;
    }
    bool found = dir_len == 1;
    for (uint32_t i = 0; i < num_files && !found; i++) {
        const char *name;
        found = name_in(&files[i], dir, dir_len, &name) > 0;
    }
    if (!found) {
        msg_send_abort(ch, call_id, E_NOT_FOUND);
        return;
    }
    int64_t mine = msg_reply_open(ch, call_id);
    if (IS_ERROR(mine))
        return;
    size_t used = 0;
    for (uint32_t i = 0; i < num_files; i++) {
        const char *name, *earlier;
        size_t n = name_in(&files[i], dir, dir_len, &name);
        bool is_dir = name + n < path_of(&files[i]) + files[i].path_length, seen = false;
        for (uint32_t j = 0; j < i && !seen; j++) // a directory shows once
            seen = name_in(&files[j], dir, dir_len, &earlier) == n && memcmp(earlier, name, n) == 0;
        if (n == 0 || seen)
            continue;
        if (used + n + 2 > sizeof(text)) {
            if (msg_send_data((handle_t) mine, text, used) != OK)
                break; // the reader left, or will see a short list
            used = 0;
        }
        memcpy(text + used, name, n);
        used += n;
        if (is_dir)
            text[used++] = '/';
        text[used++] = '\n';
    }
    if (used)
        msg_send_data((handle_t) mine, text, used);
    sys_handle_close((handle_t) mine); // the end of the listing
}

static void on_open(struct loop *loop, handle_t ch, uint32_t call_id, const char *uri, size_t len) {
    if (len > 4 && memcmp(uri, "dir:", 4) == 0) {
        list_directory(ch, call_id, uri + 4, len - 4);
        return;
    }
    bool pull = len > 5 && memcmp(uri + len - 5, "?pull", 5) == 0;
    size_t path_len = pull ? len - 10 : len - 5;
    if (len <= 5 || memcmp(uri, "file:", 5) != 0 || (pull && len <= 10)) {
        msg_send_abort(ch, call_id, E_INVALID_ARG);
        return;
    }
    const struct bootfs_file *file = lookup(uri + 5, path_len);
    if (!file) {
        msg_send_abort(ch, call_id, E_NOT_FOUND);
        return;
    }
    struct open_file *open = new_open_file(file, pull);
    if (!open) {
        msg_send_abort(ch, call_id, E_NO_MEMORY);
        return;
    }
    int64_t mine = loop_reply_open(loop, ch, call_id, open); // the client got ABORT if it failed
    if (IS_ERROR(mine))
        open->file = NULL;
    else if (!pull)
        loop_want_writable(loop, (handle_t) mine, true); // streaming starts when there is room
}

// Streams as much of the file as the reader's queue takes; at the end the
// channel is closed, which the reader sees as the end of the stream.
static void on_writable(struct loop *loop, handle_t ch) {
    struct open_file *open = loop_channel_data(loop, ch);
    if (!open || open->pull)
        return;
    const struct bootfs_file *file = open->file;
    while (open->offset < file->data_size) {
        size_t chunk = file->data_size - open->offset;
        chunk = chunk < MESSAGE_DATA_MAX ? chunk : MESSAGE_DATA_MAX;
        error_t err = msg_send_data(ch, bootfs + file->data_offset + open->offset, chunk);
        if (err == E_FULL)
            return; // called again when there is room
        if (err)
            break;  // the reader left
        open->offset += chunk;
    }
    open->file = NULL;
    loop_remove(loop, ch);
}

static void on_read(struct loop *loop, handle_t ch, uint32_t call_id, uint64_t offset, uint32_t len) {
    struct open_file *open = loop_channel_data(loop, ch);
    if (!open || !open->pull) {
        msg_send_abort(ch, call_id, E_NOT_SUPPORTED);
        return;
    }
    uint32_t size = open->file->data_size;
    uint32_t n = offset >= size ? 0 : (uint32_t) (size - offset < len ? size - offset : len);
    msg_send_read_reply(ch, call_id, bootfs + open->file->data_offset + (offset < size ? offset : 0), n);
}

static void on_closed(struct loop *loop, handle_t ch) {
    struct open_file *open = loop_channel_data(loop, ch);
    if (open)
        open->file = NULL;
}

static const struct loop_handlers handlers = {
    .open = on_open,
    .read = on_read,
    .writable = on_writable,
    .closed = on_closed,
};

void main(struct env *env) {
    size_t size;
    const void *files = env_blob(env, "files", &size);
    if (!bootfs_check(files, size)) {
        ERROR("the boot file system is missing or malformed");
        return;
    }
    static struct loop loop;
    if (loop_init(&loop, &handlers, env) != OK)
        return;
    INFO("serving %u files", num_files);
    loop_run(&loop);
}
