// The file server: serves the read-only files of the boot image.
//
//   OPEN "file:/hello.txt"       -> OPEN_REPLY with a data channel on which the
//                                   file arrives as DATA chunks; then it closes
//   OPEN "file:/hello.txt?pull"  -> OPEN_REPLY with a channel that answers
//                                   READ(offset, len) with READ_REPLY; it stays
//                                   open until the client closes it
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

static void on_open(struct loop *loop, handle_t ch, uint32_t call_id, const char *uri, size_t len) {
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
    handle_t mine, theirs;
    if (!open || sys_channel_create(&mine, &theirs) != OK) {
        msg_send_abort(ch, call_id, E_NO_MEMORY);
        if (open)
            open->file = NULL;
        return;
    }
    if (loop_add(loop, mine, open) != OK || msg_send_open_reply(ch, call_id, theirs) != OK) {
        msg_send_abort(ch, call_id, E_NO_MEMORY);
        loop_remove(loop, mine);
        sys_handle_close(theirs);
        open->file = NULL;
        return;
    }
    if (!pull)
        loop_want_writable(loop, mine, true); // streaming starts when there is room
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
