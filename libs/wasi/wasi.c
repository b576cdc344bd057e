// WASI preview 1 over a backend (see wasi.h). One table lists every
// function of wasi_snapshot_preview1 with its signature; those without a
// handler answer ENOSYS. Handlers read their arguments from the value slots
// and reach linear memory only through span(), which checks the range.
#include <string.h>
#include <wasi/wasi.h>

#define MAX_FDS 64
#define MAX_STRINGS 4096       // argv + environ entries
#define MAX_STRING_BYTES (1u << 20)

enum fd_kind { FD_FREE, FD_STDIN, FD_STDOUT, FD_STDERR, FD_DIR, FD_FILE };

struct fd {
    enum fd_kind kind;
    uint32_t dir;          // FD_DIR: its preopen index
    bool preopen;          // FD_DIR: one of the config's (not opened as ".")
    uint64_t file, size, offset; // FD_FILE
};

// Filetypes, rights and other constants of the preview 1 ABI.
enum { FILETYPE_UNKNOWN = 0, FILETYPE_CHARACTER_DEVICE = 2, FILETYPE_DIRECTORY = 3, FILETYPE_REGULAR_FILE = 4 };
#define RIGHT(n) (1ull << (n))
#define R_FD_READ RIGHT(1)
#define R_FD_SEEK RIGHT(2)
#define R_FD_TELL RIGHT(5)
#define R_FD_WRITE RIGHT(6)
#define R_FD_ALLOCATE RIGHT(8)
#define R_PATH_OPEN RIGHT(13)
#define R_FD_READDIR RIGHT(14)
#define R_PATH_FILESTAT_GET RIGHT(18)
#define R_FD_FILESTAT_GET RIGHT(21)
#define R_FD_FILESTAT_SET_SIZE RIGHT(22)
#define R_POLL_FD_READWRITE RIGHT(27)
#define FILE_RIGHTS (R_FD_READ | R_FD_SEEK | R_FD_TELL | R_FD_FILESTAT_GET | R_POLL_FD_READWRITE)
#define DIR_RIGHTS (R_PATH_OPEN | R_FD_READDIR | R_PATH_FILESTAT_GET | R_FD_FILESTAT_GET)
#define WRITE_RIGHTS (R_FD_WRITE | R_FD_ALLOCATE | R_FD_FILESTAT_SET_SIZE)
enum { OFLAG_CREAT = 1, OFLAG_DIRECTORY = 2, OFLAG_EXCL = 4, OFLAG_TRUNC = 8 };
enum { FDFLAG_APPEND = 1 };

struct wasi;

// One imported function: its name, signature ("params:results", i = i32,
// I = i64) and handler (NULL: ENOSYS).
typedef uint32_t (*handler_fn)(struct wasi *w, const wasm_value *args);
struct function {
    const char *name;
    const char *signature;
    handler_fn handler;
};

struct binding {
    struct wasi *wasi;
    const struct function *function;
};

struct wasi {
    struct wasm_allocator alloc;
    struct wasi_backend backend;
    struct wasm_memory *memory;
    uint32_t argc, envc, preopen_count;
    char **argv, **envp, **preopens;     // in `strings`
    char *strings;
    size_t strings_size;
    struct fd fds[MAX_FDS];
    struct wasm_func *funcs;             // one per function, made on first use
    struct wasm_functype *types;
    struct binding *bindings;
    uint8_t *type_codes;
    bool exited;
    uint32_t exit_code;
};

// --- linear memory

// The memory range [ptr, ptr + len), or NULL (EFAULT) if it is not all there.
static uint8_t *span(struct wasi *w, uint64_t ptr, uint64_t len) {
    if (!w->memory || ptr > w->memory->size || len > w->memory->size - ptr)
        return NULL;
    return w->memory->data + ptr;
}

static bool put_u32(struct wasi *w, uint64_t ptr, uint32_t value) {
    uint8_t *p = span(w, ptr, 4);
    if (p)
        memcpy(p, &value, 4);
    return p != NULL;
}

static bool put_u64(struct wasi *w, uint64_t ptr, uint64_t value) {
    uint8_t *p = span(w, ptr, 8);
    if (p)
        memcpy(p, &value, 8);
    return p != NULL;
}

static uint32_t get_u32(const uint8_t *p) {
    uint32_t value;
    memcpy(&value, p, 4);
    return value;
}

#define A32(i) ((uint32_t) args[i])
#define FAULT_UNLESS(cond) do { if (!(cond)) return WASI_EFAULT; } while (0)

// --- args, environ

// Writes a string vector: pointers at `vec`, the strings back to back at `buf`.
static uint32_t put_strings(struct wasi *w, char **strings, uint32_t count, uint32_t vec, uint32_t buf) {
    uint64_t at = buf;
    for (uint32_t i = 0; i < count; i++) {
        size_t len = strlen(strings[i]) + 1;
        uint8_t *dst = span(w, at, len);
        FAULT_UNLESS(dst && put_u32(w, (uint64_t) vec + 4ull * i, (uint32_t) at));
        memcpy(dst, strings[i], len);
        at += len;
    }
    return 0;
}

static uint32_t put_sizes(struct wasi *w, char **strings, uint32_t count, uint32_t count_out, uint32_t size_out) {
    uint64_t total = 0;
    for (uint32_t i = 0; i < count; i++)
        total += strlen(strings[i]) + 1;
    FAULT_UNLESS(put_u32(w, count_out, count) && put_u32(w, size_out, (uint32_t) total));
    return 0;
}

static uint32_t args_get(struct wasi *w, const wasm_value *args) { return put_strings(w, w->argv, w->argc, A32(0), A32(1)); }
static uint32_t args_sizes_get(struct wasi *w, const wasm_value *args) { return put_sizes(w, w->argv, w->argc, A32(0), A32(1)); }
static uint32_t environ_get(struct wasi *w, const wasm_value *args) { return put_strings(w, w->envp, w->envc, A32(0), A32(1)); }
static uint32_t environ_sizes_get(struct wasi *w, const wasm_value *args) { return put_sizes(w, w->envp, w->envc, A32(0), A32(1)); }

// --- clocks, random, scheduling, exit

static uint32_t clock_res_get(struct wasi *w, const wasm_value *args) {
    if (A32(0) > 3)
        return WASI_EINVAL;
    FAULT_UNLESS(put_u64(w, A32(1), 1000)); // a microsecond: no clock here is coarser
    return 0;
}

static uint32_t clock_time_get(struct wasi *w, const wasm_value *args) {
    uint64_t ns;
    if (A32(0) > 3)
        return WASI_EINVAL;
    FAULT_UNLESS(span(w, A32(2), 8));
    if (!w->backend.clock_now)
        return WASI_ENOSYS;
    uint32_t err = w->backend.clock_now(w->backend.ctx, A32(0), &ns);
    if (err)
        return err;
    FAULT_UNLESS(put_u64(w, A32(2), ns));
    return 0;
}

static uint32_t random_get(struct wasi *w, const wasm_value *args) {
    uint8_t *buf = span(w, A32(0), A32(1));
    FAULT_UNLESS(buf);
    if (!w->backend.random)
        return WASI_ENOSYS;
    if (A32(1) == 0)
        return 0;
    return w->backend.random(w->backend.ctx, buf, A32(1));
}

static uint32_t sched_yield(struct wasi *w, const wasm_value *args) {
    (void) w;
    (void) args;
    return 0;
}

// proc_exit has no result: the host function sees `exited` and traps.
static uint32_t proc_exit(struct wasi *w, const wasm_value *args) {
    w->exited = true;
    w->exit_code = A32(0);
    return 0;
}

// --- file descriptors

static struct fd *lookup(struct wasi *w, uint32_t fd) {
    return fd < MAX_FDS && w->fds[fd].kind != FD_FREE ? &w->fds[fd] : NULL;
}

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

static uint32_t fd_read(struct wasi *w, const wasm_value *args) {
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

static uint32_t fd_pread(struct wasi *w, const wasm_value *args) {
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

static uint32_t fd_write(struct wasi *w, const wasm_value *args) {
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

static uint32_t fd_seek(struct wasi *w, const wasm_value *args) {
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

static uint32_t fd_tell(struct wasi *w, const wasm_value *args) {
    struct fd *f = lookup(w, A32(0));
    if (!f)
        return WASI_EBADF;
    if (f->kind != FD_FILE)
        return WASI_ESPIPE;
    FAULT_UNLESS(put_u64(w, A32(1), f->offset));
    return 0;
}

static uint32_t fd_close(struct wasi *w, const wasm_value *args) {
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

static uint32_t fd_fdstat_get(struct wasi *w, const wasm_value *args) {
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

static uint32_t put_filestat(struct wasi *w, uint32_t ptr, uint8_t filetype, uint64_t size) {
    uint8_t *out = span(w, ptr, 64);
    FAULT_UNLESS(out);
    memset(out, 0, 64);
    out[16] = filetype;
    uint64_t one = 1;
    memcpy(out + 24, &one, 8); // nlink
    memcpy(out + 32, &size, 8);
    return 0;
}

static uint32_t fd_filestat_get(struct wasi *w, const wasm_value *args) {
    struct fd *f = lookup(w, A32(0));
    if (!f)
        return WASI_EBADF;
    uint8_t filetype;
    uint64_t base, inheriting;
    describe(f, &filetype, &base, &inheriting);
    return put_filestat(w, A32(1), filetype, f->kind == FD_FILE ? f->size : 0);
}

static uint32_t fd_prestat_get(struct wasi *w, const wasm_value *args) {
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

static uint32_t fd_prestat_dir_name(struct wasi *w, const wasm_value *args) {
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

// --- paths

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

static uint32_t path_open(struct wasi *w, const wasm_value *args) {
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

static uint32_t path_filestat_get(struct wasi *w, const wasm_value *args) {
    uint64_t file = 0, size = 0;
    bool is_dir;
    FAULT_UNLESS(span(w, A32(4), 64));
    uint32_t err = open_path(w, A32(0), A32(2), A32(3), &file, &size, &is_dir);
    if (err)
        return err;
    if (!is_dir)
        w->backend.file_close(w->backend.ctx, file);
    return put_filestat(w, A32(4), is_dir ? FILETYPE_DIRECTORY : FILETYPE_REGULAR_FILE, size);
}

// Every function of wasi_snapshot_preview1, in the specification's order.
static const struct function functions[] = {
    {"args_get", "ii:i", args_get},
    {"args_sizes_get", "ii:i", args_sizes_get},
    {"environ_get", "ii:i", environ_get},
    {"environ_sizes_get", "ii:i", environ_sizes_get},
    {"clock_res_get", "ii:i", clock_res_get},
    {"clock_time_get", "iIi:i", clock_time_get},
    {"fd_advise", "iIIi:i", NULL},
    {"fd_allocate", "iII:i", NULL},
    {"fd_close", "i:i", fd_close},
    {"fd_datasync", "i:i", NULL},
    {"fd_fdstat_get", "ii:i", fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii:i", NULL},
    {"fd_fdstat_set_rights", "iII:i", NULL},
    {"fd_filestat_get", "ii:i", fd_filestat_get},
    {"fd_filestat_set_size", "iI:i", NULL},
    {"fd_filestat_set_times", "iIIi:i", NULL},
    {"fd_pread", "iiiIi:i", fd_pread},
    {"fd_prestat_get", "ii:i", fd_prestat_get},
    {"fd_prestat_dir_name", "iii:i", fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi:i", NULL},
    {"fd_read", "iiii:i", fd_read},
    {"fd_readdir", "iiiIi:i", NULL},
    {"fd_renumber", "ii:i", NULL},
    {"fd_seek", "iIii:i", fd_seek},
    {"fd_sync", "i:i", NULL},
    {"fd_tell", "ii:i", fd_tell},
    {"fd_write", "iiii:i", fd_write},
    {"path_create_directory", "iii:i", NULL},
    {"path_filestat_get", "iiiii:i", path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi:i", NULL},
    {"path_link", "iiiiiii:i", NULL},
    {"path_open", "iiiiiIIii:i", path_open},
    {"path_readlink", "iiiiii:i", NULL},
    {"path_remove_directory", "iii:i", NULL},
    {"path_rename", "iiiiii:i", NULL},
    {"path_symlink", "iiiii:i", NULL},
    {"path_unlink_file", "iii:i", NULL},
    {"poll_oneoff", "iiii:i", NULL},
    {"proc_exit", "i:", proc_exit},
    {"proc_raise", "i:i", NULL},
    {"sched_yield", ":i", sched_yield},
    {"random_get", "ii:i", random_get},
    {"sock_accept", "iii:i", NULL},
    {"sock_recv", "iiiiii:i", NULL},
    {"sock_send", "iiiii:i", NULL},
    {"sock_shutdown", "ii:i", NULL},
};
#define NUM_FUNCTIONS (sizeof(functions) / sizeof(functions[0]))
#define MAX_SIGNATURE 12

static int host_call(void *ctx, struct wasm_exec *exec, wasm_value *values) {
    (void) exec;
    const struct binding *b = ctx;
    struct wasi *w = b->wasi;
    if (w->exited)
        return WASM_TRAP_HOST;
    uint32_t err = b->function->handler ? b->function->handler(w, values) : WASI_ENOSYS;
    if (w->exited)
        return WASM_TRAP_HOST; // proc_exit: the run ends here
    values[0] = err;
    return WASM_OK;
}

// --- creation, resolution

static bool name_equals(struct wasm_name name, const char *s) {
    size_t len = strlen(s);
    return name.len == len && memcmp(name.bytes, s, len) == 0;
}

bool wasi_name_is_module(struct wasm_name module) { return name_equals(module, "wasi_snapshot_preview1"); }

bool wasi_resolve(void *ctx, struct wasm_name module, struct wasm_name name, enum wasm_extern_kind kind,
                  struct wasm_extern *out) {
    struct wasi *w = ctx;
    if (kind != WASM_EXTERN_FUNC || !wasi_name_is_module(module))
        return false;
    for (size_t i = 0; i < NUM_FUNCTIONS; i++) {
        if (!name_equals(name, functions[i].name))
            continue;
        out->kind = WASM_EXTERN_FUNC;
        out->as.func = &w->funcs[i];
        return true;
    }
    return false;
}

// Copies `count` strings into w->strings at *at; false if too many or too long.
static bool copy_strings(struct wasi *w, const char *const *src, uint32_t count, char **dst, size_t *at) {
    for (uint32_t i = 0; i < count; i++) {
        size_t len = strlen(src[i]) + 1;
        if (len > w->strings_size - *at)
            return false;
        dst[i] = w->strings + *at;
        memcpy(dst[i], src[i], len);
        *at += len;
    }
    return true;
}

static size_t strings_size(const char *const *strings, uint32_t count) {
    size_t total = 0;
    for (uint32_t i = 0; i < count; i++)
        total += strlen(strings[i]) + 1;
    return total;
}

void wasi_free(struct wasi *w) {
    if (!w)
        return;
    struct wasm_allocator a = w->alloc;
    for (int fd = 0; fd < MAX_FDS; fd++)
        if (w->fds[fd].kind == FD_FILE)
            w->backend.file_close(w->backend.ctx, w->fds[fd].file);
    uint32_t vectors = w->argc + w->envc + w->preopen_count;
    if (w->argv)
        a.free(a.ctx, w->argv, (vectors ? vectors : 1) * sizeof(char *));
    if (w->strings)
        a.free(a.ctx, w->strings, w->strings_size ? w->strings_size : 1);
    if (w->funcs)
        a.free(a.ctx, w->funcs, NUM_FUNCTIONS * sizeof(*w->funcs));
    if (w->types)
        a.free(a.ctx, w->types, NUM_FUNCTIONS * sizeof(*w->types));
    if (w->bindings)
        a.free(a.ctx, w->bindings, NUM_FUNCTIONS * sizeof(*w->bindings));
    if (w->type_codes)
        a.free(a.ctx, w->type_codes, NUM_FUNCTIONS * MAX_SIGNATURE);
    a.free(a.ctx, w, sizeof(*w));
}

// The host functions, their types and bindings.
static bool make_functions(struct wasi *w) {
    struct wasm_allocator *a = &w->alloc;
    w->funcs = a->alloc(a->ctx, NUM_FUNCTIONS * sizeof(*w->funcs));
    w->types = a->alloc(a->ctx, NUM_FUNCTIONS * sizeof(*w->types));
    w->bindings = a->alloc(a->ctx, NUM_FUNCTIONS * sizeof(*w->bindings));
    w->type_codes = a->alloc(a->ctx, NUM_FUNCTIONS * MAX_SIGNATURE);
    if (!w->funcs || !w->types || !w->bindings || !w->type_codes)
        return false;
    for (size_t i = 0; i < NUM_FUNCTIONS; i++) {
        uint8_t *codes = w->type_codes + i * MAX_SIGNATURE;
        uint32_t params = 0, results = 0;
        bool after = false;
        for (const char *c = functions[i].signature; *c; c++) {
            if (*c == ':') {
                after = true;
                continue;
            }
            codes[params + results] = *c == 'I' ? WASM_I64 : WASM_I32;
            *(after ? &results : &params) += 1;
        }
        w->types[i] = (struct wasm_functype){params, results, codes};
        w->bindings[i] = (struct binding){w, &functions[i]};
        w->funcs[i] = (struct wasm_func){.type = &w->types[i], .host = host_call, .host_ctx = &w->bindings[i]};
    }
    return true;
}

int wasi_create(const struct wasm_allocator *alloc, const struct wasi_config *config,
                const struct wasi_backend *backend, struct wasi **out) {
    *out = NULL;
    uint64_t vectors = (uint64_t) config->argc + config->envc + config->preopen_count;
    if (!alloc || !backend || vectors > MAX_STRINGS || config->preopen_count > MAX_FDS - 3)
        return WASM_ERR_ARGS;
    size_t bytes = strings_size(config->argv, config->argc) + strings_size(config->envp, config->envc)
                 + strings_size(config->preopens, config->preopen_count);
    if (bytes > MAX_STRING_BYTES)
        return WASM_ERR_ARGS;
    struct wasi *w = alloc->alloc(alloc->ctx, sizeof(*w));
    if (!w)
        return WASM_ERR_NOMEM;
    memset(w, 0, sizeof(*w));
    w->alloc = *alloc;
    w->backend = *backend;
    if (!backend->file_read || !backend->file_close)
        w->backend.file_open = NULL; // no files unless all three are there
    w->strings_size = bytes;
    w->argv = alloc->alloc(alloc->ctx, (vectors ? vectors : 1) * sizeof(char *));
    w->strings = alloc->alloc(alloc->ctx, bytes ? bytes : 1);
    if (!w->argv || !w->strings || !make_functions(w)) {
        wasi_free(w);
        return WASM_ERR_NOMEM;
    }
    w->argc = config->argc;
    w->envc = config->envc;
    w->preopen_count = config->preopen_count;
    w->envp = w->argv + w->argc;
    w->preopens = w->envp + w->envc;
    size_t at = 0;
    copy_strings(w, config->argv, w->argc, w->argv, &at);
    copy_strings(w, config->envp, w->envc, w->envp, &at);
    copy_strings(w, config->preopens, w->preopen_count, w->preopens, &at);
    w->fds[0].kind = FD_STDIN;
    w->fds[1].kind = FD_STDOUT;
    w->fds[2].kind = FD_STDERR;
    for (uint32_t i = 0; i < w->preopen_count; i++)
        w->fds[3 + i] = (struct fd){.kind = FD_DIR, .dir = i, .preopen = true};
    *out = w;
    return WASM_OK;
}

void wasi_bind_memory(struct wasi *w, struct wasm_memory *memory) { w->memory = memory; }

bool wasi_exited(const struct wasi *w, uint32_t *code) {
    if (w->exited && code)
        *code = w->exit_code;
    return w->exited;
}
