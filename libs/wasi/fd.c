// File descriptors: reading stdin and files, writing stdout and stderr,
// seeking, closing, and describing them (fdstat, filestat, prestat).
#include "internal.h"

// Checks, before any I/O, that the iovec array at `iovs` and every buffer
// it names lie in memory and that their lengths add up to a u32 (the
// result's type), so that a bad vector leaves nothing half done.
static uint32_t check_iovecs(struct wasi *w, uint32_t iovs, uint32_t count, const uint8_t **vec) {
    *vec = span(w, iovs, 8ull * count);
    FAULT_UNLESS(*vec);
    uint64_t total = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t ptr = get_u32(*vec + 8 * i), len = get_u32(*vec + 8 * i + 4);
        FAULT_UNLESS(span(w, ptr, len));
        total += len;
    }
    return total > UINT32_MAX ? WASI_EINVAL : 0;
}

// Reads into the iovecs at `iovs` from fd (at its offset, or `at` if not
// NULL), without moving past what was read; the total in *total. An error
// after some bytes were read ends the walk with success, as a short read.
static uint32_t read_iovecs(struct wasi *w, struct fd *f, uint32_t iovs, uint32_t count, uint64_t *at,
                            uint64_t *total) {
    const uint8_t *vec;
    *total = 0;
    uint32_t err = check_iovecs(w, iovs, count, &vec);
    if (err)
        return err;
    for (uint32_t i = 0; i < count; i++) {
        // Checked again: a read may have overwritten the vector itself.
        uint32_t ptr = get_u32(vec + 8 * i), len = get_u32(vec + 8 * i + 4);
        uint8_t *buf = span(w, ptr, len);
        if (!buf)
            return *total ? 0 : WASI_EFAULT;
        if (len == 0)
            continue;
        size_t n = 0;
        if (f->kind == FD_STDIN) {
            err = w->backend.stdin_read ? w->backend.stdin_read(w->backend.ctx, buf, len, &n) : WASI_ENOSYS;
        } else {
            uint64_t offset = at ? *at : f->offset;
            err = offset >= f->size ? 0 : w->backend.file_read(w->backend.ctx, f->file, offset, buf, len, &n);
        }
        if (!err && n > len)
            err = WASI_EIO; // a broken backend: do not believe it
        if (err)
            return *total ? 0 : err;
        if (f->kind == FD_FILE)
            *(at ? at : &f->offset) += n;
        *total += n;
        if (n < len)
            break; // a short read: do not block for more
    }
    return 0;
}

uint32_t wasi_fd_read(struct wasi *w, const wasm_value *args) {
    struct fd *f = lookup(w, A32(0));
    if (!f || (f->kind != FD_STDIN && f->kind != FD_FILE))
        return WASI_EBADF;
    FAULT_UNLESS(span(w, A32(3), 4));
    uint64_t total;
    uint32_t err = read_iovecs(w, f, A32(1), A32(2), NULL, &total);
    if (err)
        return err;
    FAULT_UNLESS(put_u32(w, A32(3), (uint32_t) total));
    return 0;
}

uint32_t wasi_fd_pread(struct wasi *w, const wasm_value *args) {
    struct fd *f = lookup(w, A32(0));
    if (!f || f->kind != FD_FILE)
        return f && f->kind == FD_STDIN ? WASI_ESPIPE : WASI_EBADF;
    FAULT_UNLESS(span(w, A32(4), 4));
    uint64_t total, at = args[3];
    uint32_t err = read_iovecs(w, f, A32(1), A32(2), &at, &total);
    if (err)
        return err;
    FAULT_UNLESS(put_u32(w, A32(4), (uint32_t) total));
    return 0;
}

uint32_t wasi_fd_write(struct wasi *w, const wasm_value *args) {
    struct fd *f = lookup(w, A32(0));
    if (!f || (f->kind != FD_STDOUT && f->kind != FD_STDERR))
        return f && f->kind == FD_FILE ? WASI_ENOTCAPABLE : WASI_EBADF;
    const uint8_t *vec;
    FAULT_UNLESS(span(w, A32(3), 4));
    uint32_t err = check_iovecs(w, A32(1), A32(2), &vec);
    if (err)
        return err;
    if (!w->backend.out_write)
        return WASI_ENOSYS;
    uint64_t total = 0; // the vector is not written to: checked once is enough
    for (uint32_t i = 0; i < A32(2); i++) {
        uint32_t ptr = get_u32(vec + 8 * i), len = get_u32(vec + 8 * i + 4);
        if (len == 0)
            continue;
        err = w->backend.out_write(w->backend.ctx, f->kind == FD_STDOUT ? 1 : 2, w->memory->data + ptr, len);
        if (err)
            break; // a failure after some output counts as a short write
        total += len;
    }
    if (err && total == 0)
        return err;
    FAULT_UNLESS(put_u32(w, A32(3), (uint32_t) total));
    return 0;
}

uint32_t wasi_fd_seek(struct wasi *w, const wasm_value *args) {
    struct fd *f = lookup(w, A32(0));
    if (!f)
        return WASI_EBADF;
    if (f->kind != FD_FILE)
        return WASI_ESPIPE;
    int64_t delta = (int64_t) args[1];
    uint32_t whence = A32(2);
    FAULT_UNLESS(span(w, A32(3), 8));
    int64_t base = whence == 0 ? 0 : whence == 1 ? (int64_t) f->offset : whence == 2 ? (int64_t) f->size : -1;
    if (base < 0)
        return WASI_EINVAL;
    if ((delta < 0 && -(uint64_t) delta > (uint64_t) base) || (delta > 0 && (uint64_t) delta > (uint64_t) INT64_MAX - (uint64_t) base))
        return WASI_EINVAL;
    f->offset = (uint64_t) (base + delta);
    FAULT_UNLESS(put_u64(w, A32(3), f->offset));
    return 0;
}

uint32_t wasi_fd_tell(struct wasi *w, const wasm_value *args) {
    struct fd *f = lookup(w, A32(0));
    if (!f)
        return WASI_EBADF;
    if (f->kind != FD_FILE)
        return WASI_ESPIPE;
    FAULT_UNLESS(put_u64(w, A32(1), f->offset));
    return 0;
}

uint32_t wasi_fd_close(struct wasi *w, const wasm_value *args) {
    struct fd *f = lookup(w, A32(0));
    if (!f)
        return WASI_EBADF;
    if (f->kind == FD_FILE)
        w->backend.file_close(w->backend.ctx, f->file);
    f->kind = FD_FREE; // closing stdio or a preopen just forgets it
    return 0;
}

static void describe(const struct fd *f, uint8_t *filetype, uint64_t *base, uint64_t *inheriting) {
    *inheriting = 0;
    switch (f->kind) {
    case FD_STDIN: *filetype = FILETYPE_CHARACTER_DEVICE, *base = R_FD_READ | R_POLL_FD_READWRITE; break;
    case FD_STDOUT:
    case FD_STDERR: *filetype = FILETYPE_CHARACTER_DEVICE, *base = R_FD_WRITE | R_POLL_FD_READWRITE; break;
    // Inheriting includes the write rights so that wasi-libc asks for them
    // when a program opens for writing, and path_open can refuse (EROFS)
    // instead of handing out a descriptor that fails at the first write.
    case FD_DIR:
        *filetype = FILETYPE_DIRECTORY, *base = DIR_RIGHTS, *inheriting = FILE_RIGHTS | WRITE_RIGHTS;
        break;
    default: *filetype = FILETYPE_REGULAR_FILE, *base = FILE_RIGHTS; break;
    }
}

uint32_t wasi_fd_fdstat_get(struct wasi *w, const wasm_value *args) {
    struct fd *f = lookup(w, A32(0));
    if (!f)
        return WASI_EBADF;
    uint8_t *out = span(w, A32(1), 24);
    FAULT_UNLESS(out);
    uint8_t filetype;
    uint64_t base, inheriting;
    describe(f, &filetype, &base, &inheriting);
    memset(out, 0, 24);
    out[0] = filetype; // flags (offset 2) stay 0
    memcpy(out + 8, &base, 8);
    memcpy(out + 16, &inheriting, 8);
    return 0;
}

uint32_t wasi_put_filestat(struct wasi *w, uint32_t ptr, uint8_t filetype, uint64_t size) {
    uint8_t *out = span(w, ptr, 64);
    FAULT_UNLESS(out);
    memset(out, 0, 64);
    out[16] = filetype;
    uint64_t one = 1;
    memcpy(out + 24, &one, 8); // nlink
    memcpy(out + 32, &size, 8);
    return 0;
}

uint32_t wasi_fd_filestat_get(struct wasi *w, const wasm_value *args) {
    struct fd *f = lookup(w, A32(0));
    if (!f)
        return WASI_EBADF;
    uint8_t filetype;
    uint64_t base, inheriting;
    describe(f, &filetype, &base, &inheriting);
    return wasi_put_filestat(w, A32(1), filetype, f->kind == FD_FILE ? f->size : 0);
}

uint32_t wasi_fd_prestat_get(struct wasi *w, const wasm_value *args) {
    struct fd *f = lookup(w, A32(0));
    if (!f || f->kind != FD_DIR || !f->preopen)
        return WASI_EBADF;
    uint8_t *out = span(w, A32(1), 8);
    FAULT_UNLESS(out);
    uint32_t len = (uint32_t) strlen(w->preopens[f->dir]);
    memset(out, 0, 8); // tag 0: a directory
    memcpy(out + 4, &len, 4);
    return 0;
}

uint32_t wasi_fd_prestat_dir_name(struct wasi *w, const wasm_value *args) {
    struct fd *f = lookup(w, A32(0));
    if (!f || f->kind != FD_DIR || !f->preopen)
        return WASI_EBADF;
    const char *name = w->preopens[f->dir];
    size_t len = strlen(name);
    if (A32(2) < len)
        return WASI_ENAMETOOLONG;
    uint8_t *out = span(w, A32(1), len);
    FAULT_UNLESS(out);
    memcpy(out, name, len);
    return 0;
}
