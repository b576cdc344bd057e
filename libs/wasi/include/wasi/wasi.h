// WASI preview 1 for the Aster WebAssembly engine: the imports of module
// "wasi_snapshot_preview1" as host functions, over a backend that does the
// I/O. The library decodes every argument, checks every pointer and length
// against the module's linear memory (EFAULT), keeps the file-descriptor
// table and seek offsets, and answers the calls it does not support with
// ENOSYS. The kernel (wasm mode) and the host runner (aster-wasm) are its
// two embedders. Freestanding, like libs/wasm.
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wasm/wasm.h>

// WASI errno values used by backends.
enum {
    WASI_ESUCCESS = 0, WASI_EACCES = 2, WASI_EBADF = 8, WASI_EFAULT = 21, WASI_EINVAL = 28,
    WASI_EIO = 29, WASI_EISDIR = 31, WASI_EMFILE = 33, WASI_ENAMETOOLONG = 37, WASI_ENOENT = 44,
    WASI_ENOMEM = 48, WASI_ENOSYS = 52, WASI_ENOTDIR = 54, WASI_EOVERFLOW = 61, WASI_EPIPE = 64,
    WASI_EROFS = 69, WASI_ESPIPE = 70, WASI_ENOTCAPABLE = 76,
};

// What the embedder provides: only I/O. Every result is a WASI errno (0:
// success). Buffers handed to the backend are already checked to lie in
// linear memory, and are never empty. Paths given to file_open are relative
// to preopened directory `dir` (an index into wasi_config.preopens),
// normalized (no "." or ".." component, no empty one, no leading slash, no
// NUL) and not NUL-terminated. Files are read-only. A hook left NULL makes
// its calls return ENOSYS (stdin, clocks, random, stdout/stderr); without
// all three file hooks, path_open returns ENOTCAPABLE.
struct wasi_backend {
    void *ctx;
    // fd 0: up to len bytes into buf; *n = 0 at the end of input (*n > len
    // is taken as EIO). May block.
    uint16_t (*stdin_read)(void *ctx, void *buf, size_t len, size_t *n);
    // fd 1 (stdout) and 2 (stderr): all len bytes.
    uint16_t (*out_write)(void *ctx, int fd, const void *buf, size_t len);
    // Clock ids: 0 realtime, 1 monotonic, 2 process CPU time, 3 thread CPU time.
    uint16_t (*clock_now)(void *ctx, uint32_t clock_id, uint64_t *ns);
    uint16_t (*random)(void *ctx, void *buf, size_t len);
    // Opens `path` under preopen `dir` and reports a handle and the size
    // (which SEEK_END uses); ENOENT, EISDIR, ENOTCAPABLE, ... otherwise.
    uint16_t (*file_open)(void *ctx, uint32_t dir, const char *path, size_t len, uint64_t *file,
                          uint64_t *size);
    // Up to len bytes at `offset`, which is below the size file_open gave.
    uint16_t (*file_read)(void *ctx, uint64_t file, uint64_t offset, void *buf, size_t len, size_t *n);
    // Called once per successful file_open: by fd_close, wasi_free, or when
    // path_open cannot keep the file (full table, O_DIRECTORY on a file).
    void (*file_close)(void *ctx, uint64_t file);
};

// Strings are copied; the config need not outlive wasi_create.
struct wasi_config {
    uint32_t argc;
    const char *const *argv;
    uint32_t envc;
    const char *const *envp;       // "NAME=value"
    uint32_t preopen_count;        // directories, fds 3, 4, ...
    const char *const *preopens;   // their names as the program sees them ("/", ".")
};

struct wasi;

// WASM_OK, WASM_ERR_NOMEM or WASM_ERR_ARGS (too many or too long strings).
int wasi_create(const struct wasm_allocator *alloc, const struct wasi_config *config,
                const struct wasi_backend *backend, struct wasi **out);
// Closes the files still open (file_close) and frees the state.
void wasi_free(struct wasi *wasi);
// A wasm_resolve_fn (ctx: the struct wasi): provides every function of
// wasi_snapshot_preview1 with its type; false for anything else, so that an
// embedder can try its own imports first and then this.
bool wasi_resolve(void *wasi, struct wasm_name module, struct wasm_name name, enum wasm_extern_kind kind,
                  struct wasm_extern *out);
// The memory the calls read and write (the instance's export "memory").
void wasi_bind_memory(struct wasi *wasi, struct wasm_memory *memory);
// True once the program called proc_exit (its host function then returns
// WASM_TRAP_HOST, so the run ends); *code is the status it gave.
bool wasi_exited(const struct wasi *wasi, uint32_t *code);
// True if an import module name is "wasi_snapshot_preview1".
bool wasi_name_is_module(struct wasm_name module);
