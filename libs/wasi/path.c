// Paths: normalizing them (no "..", not absolute) and opening files under
// a preopened directory, read-only.
#include "internal.h"

// Normalizes a relative path into out (at most out_size bytes): drops "."
// and empty components; refuses "..", absolute paths, NULs and empty paths.
static uint32_t normalize(const uint8_t *path, size_t len, char *out, size_t out_size, size_t *out_len) {
    size_t n = 0;
    if (len == 0)
        return WASI_ENOENT;
    if (path[0] == '/')
        return WASI_ENOTCAPABLE;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && path[j] != '/') {
            if (path[j] == 0)
                return WASI_EINVAL;
            j++;
        }
        size_t part = j - i;
        if (part == 2 && path[i] == '.' && path[i + 1] == '.')
            return WASI_ENOTCAPABLE;
        if (part > 0 && !(part == 1 && path[i] == '.')) {
            if (n + (n > 0) + part > out_size)
                return WASI_ENAMETOOLONG;
            if (n > 0)
                out[n++] = '/';
            memcpy(out + n, path + i, part);
            n += part;
        }
        i = j + 1;
    }
    *out_len = n;
    return 0;
}

static int free_fd(struct wasi *w) {
    for (int fd = 0; fd < MAX_FDS; fd++)
        if (w->fds[fd].kind == FD_FREE)
            return fd;
    return -1;
}

static uint32_t open_path(struct wasi *w, uint32_t dirfd, uint32_t path_ptr, uint32_t path_len, uint64_t *file,
                          uint64_t *size, bool *is_dir) {
    struct fd *dir = lookup(w, dirfd);
    if (!dir)
        return WASI_EBADF;
    if (dir->kind != FD_DIR)
        return WASI_ENOTDIR;
    const uint8_t *path = span(w, path_ptr, path_len);
    FAULT_UNLESS(path);
    char normal[1024];
    size_t len;
    uint32_t err = normalize(path, path_len, normal, sizeof(normal), &len);
    if (err)
        return err;
    *is_dir = len == 0; // the directory itself ("." or "./")
    if (*is_dir)
        return 0;
    if (!w->backend.file_open)
        return WASI_ENOTCAPABLE;
    return w->backend.file_open(w->backend.ctx, dir->dir, normal, len, file, size);
}

uint32_t wasi_path_open(struct wasi *w, const wasm_value *args) {
    uint32_t oflags = A32(4), fdflags = A32(7);
    uint64_t rights = args[5];
    FAULT_UNLESS(span(w, A32(8), 4));
    if ((oflags & (OFLAG_CREAT | OFLAG_TRUNC | OFLAG_EXCL)) || (fdflags & FDFLAG_APPEND) || (rights & WRITE_RIGHTS)) {
        if (!lookup(w, A32(0)))
            return WASI_EBADF;
        return WASI_EROFS; // everything here is read-only
    }
    uint64_t file = 0, size = 0;
    bool is_dir;
    uint32_t err = open_path(w, A32(0), A32(2), A32(3), &file, &size, &is_dir);
    if (err)
        return err;
    int fd = free_fd(w);
    if (fd < 0) {
        if (!is_dir)
            w->backend.file_close(w->backend.ctx, file);
        return WASI_EMFILE;
    }
    if (is_dir) {
        w->fds[fd] = (struct fd){.kind = FD_DIR, .dir = w->fds[A32(0)].dir};
    } else {
        if (oflags & OFLAG_DIRECTORY) {
            w->backend.file_close(w->backend.ctx, file);
            return WASI_ENOTDIR;
        }
        w->fds[fd] = (struct fd){.kind = FD_FILE, .file = file, .size = size};
    }
    put_u32(w, A32(8), (uint32_t) fd);
    return 0;
}

uint32_t wasi_path_filestat_get(struct wasi *w, const wasm_value *args) {
    uint64_t file = 0, size = 0;
    bool is_dir;
    FAULT_UNLESS(span(w, A32(4), 64));
    uint32_t err = open_path(w, A32(0), A32(2), A32(3), &file, &size, &is_dir);
    if (err)
        return err;
    if (!is_dir)
        w->backend.file_close(w->backend.ctx, file);
    return wasi_put_filestat(w, A32(4), is_dir ? FILETYPE_DIRECTORY : FILETYPE_REGULAR_FILE, size);
}
