// The WASI layer's shared state and helpers (wasi.c: creation, the import
// table, args, clocks; fd.c: file descriptors; path.c: paths).
#pragma once
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

// Linear memory: every access goes through span().

// The memory range [ptr, ptr + len), or NULL (EFAULT) if it is not all there.
static inline uint8_t *span(struct wasi *w, uint64_t ptr, uint64_t len) {
    if (!w->memory || ptr > w->memory->size || len > w->memory->size - ptr)
        return NULL;
    return w->memory->data + ptr;
}

static inline bool put_u32(struct wasi *w, uint64_t ptr, uint32_t value) {
    uint8_t *p = span(w, ptr, 4);
    if (p)
        memcpy(p, &value, 4);
    return p != NULL;
}

static inline bool put_u64(struct wasi *w, uint64_t ptr, uint64_t value) {
    uint8_t *p = span(w, ptr, 8);
    if (p)
        memcpy(p, &value, 8);
    return p != NULL;
}

static inline uint32_t get_u32(const uint8_t *p) {
    uint32_t value;
    memcpy(&value, p, 4);
    return value;
}

#define A32(i) ((uint32_t) args[i])
#define FAULT_UNLESS(cond) do { if (!(cond)) return WASI_EFAULT; } while (0)

// The descriptor `fd`, or NULL if it is not open.
static inline struct fd *lookup(struct wasi *w, uint32_t fd) {
    return fd < MAX_FDS && w->fds[fd].kind != FD_FREE ? &w->fds[fd] : NULL;
}

// Writes a filestat (64 bytes) at ptr.
uint32_t wasi_put_filestat(struct wasi *w, uint32_t ptr, uint8_t filetype, uint64_t size);

// The handlers of fd.c and path.c (the rest are in wasi.c).
uint32_t wasi_fd_read(struct wasi *w, const wasm_value *args);
uint32_t wasi_fd_pread(struct wasi *w, const wasm_value *args);
uint32_t wasi_fd_write(struct wasi *w, const wasm_value *args);
uint32_t wasi_fd_seek(struct wasi *w, const wasm_value *args);
uint32_t wasi_fd_tell(struct wasi *w, const wasm_value *args);
uint32_t wasi_fd_close(struct wasi *w, const wasm_value *args);
uint32_t wasi_fd_fdstat_get(struct wasi *w, const wasm_value *args);
uint32_t wasi_fd_filestat_get(struct wasi *w, const wasm_value *args);
uint32_t wasi_fd_prestat_get(struct wasi *w, const wasm_value *args);
uint32_t wasi_fd_prestat_dir_name(struct wasi *w, const wasm_value *args);
uint32_t wasi_path_open(struct wasi *w, const wasm_value *args);
uint32_t wasi_path_filestat_get(struct wasi *w, const wasm_value *args);
