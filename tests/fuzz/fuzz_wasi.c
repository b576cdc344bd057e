// libFuzzer target for the WASI layer (libs/wasi): every preview 1 function
// called with hostile arguments against a small linear memory.
//
// Input: a sequence of calls, each one byte choosing the function (by its
// index in the import list) and 8 bytes per parameter (little-endian,
// truncated to the parameter's type), then the memory's 4 KiB initial
// content is the input's first bytes. The backend serves stdin from the
// input, discards output, and has two files. ASan catches any access
// outside the memory; the contract checked: every call returns an errno
// below 77 (or ends the run by proc_exit), and the layer never traps.
//
// Build: see libs/wasi/wasi.mk (fuzz_wasi).
#include <stdlib.h>
#include <string.h>
#include <wasi/wasi.h>

#define CHECK(cond) ((cond) ? (void) 0 : __builtin_trap())
#define MEMORY_SIZE 4096

static const uint8_t *input;
static size_t input_len, input_at;

static void *fuzz_alloc(void *ctx, size_t size) {
    (void) ctx;
    return malloc(size ? size : 1);
}

static void fuzz_free(void *ctx, void *ptr, size_t size) {
    (void) ctx;
    (void) size;
    free(ptr);
}

static uint16_t fake_stdin(void *ctx, void *buf, size_t len, size_t *n) {
    (void) ctx;
    size_t left = input_len - input_at;
    *n = len < left ? len : left;
    memcpy(buf, input + input_at, *n);
    input_at += *n;
    return 0;
}

static uint16_t fake_write(void *ctx, int fd, const void *buf, size_t len) {
    (void) ctx;
    CHECK(fd == 1 || fd == 2);
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < len; i++) // touch every byte: ASan checks the range
        sink ^= ((const uint8_t *) buf)[i];
    return 0;
}

static uint16_t fake_clock(void *ctx, uint32_t id, uint64_t *ns) {
    (void) ctx;
    CHECK(id <= 3);
    *ns = 12345;
    return 0;
}

static uint16_t fake_random(void *ctx, void *buf, size_t len) {
    (void) ctx;
    memset(buf, 0x5a, len);
    return 0;
}

static const char file_data[] = "a small file of the fake backend\n";

static uint16_t fake_open(void *ctx, uint32_t dir, const char *path, size_t len, uint64_t *file, uint64_t *size) {
    (void) ctx;
    CHECK(dir == 0 && len > 0 && path[0] != '/');
    for (size_t i = 0; i + 1 < len; i++)
        CHECK(!(path[i] == '.' && path[i + 1] == '.' && (i == 0 || path[i - 1] == '/')
                && (i + 2 == len || path[i + 2] == '/')));
    if (len == 4 && memcmp(path, "file", 4) == 0) {
        *file = 7;
        *size = sizeof(file_data) - 1;
        return 0;
    }
    return WASI_ENOENT;
}

static uint16_t fake_read(void *ctx, uint64_t file, uint64_t offset, void *buf, size_t len, size_t *n) {
    (void) ctx;
    CHECK(file == 7);
    size_t size = sizeof(file_data) - 1;
    *n = offset >= size ? 0 : (len < size - offset ? len : size - offset);
    memcpy(buf, file_data + offset, *n);
    return 0;
}

static void fake_close(void *ctx, uint64_t file) {
    (void) ctx;
    CHECK(file == 7);
}

// The preview 1 names, to resolve each by name as a module would.
static const char *const names[] = {
    "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get", "clock_time_get",
    "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get", "fd_fdstat_set_flags",
    "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times", "fd_pread",
    "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir", "fd_renumber", "fd_seek",
    "fd_sync", "fd_tell", "fd_write", "path_create_directory", "path_filestat_get",
    "path_filestat_set_times", "path_link", "path_open", "path_readlink", "path_remove_directory",
    "path_rename", "path_symlink", "path_unlink_file", "poll_oneoff", "proc_exit", "proc_raise",
    "sched_yield", "random_get", "sock_accept", "sock_recv", "sock_send", "sock_shutdown",
};
#define NUM_NAMES (sizeof(names) / sizeof(names[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    input = data, input_len = size, input_at = 0;
    struct wasm_allocator alloc = {fuzz_alloc, fuzz_free, NULL};
    const char *argv[] = {"prog", "x"}, *envp[] = {"A=1"}, *dirs[] = {"/"};
    struct wasi_config config = {2, argv, 1, envp, 1, dirs};
    struct wasi_backend backend = {NULL, fake_stdin, fake_write, fake_clock, fake_random,
                                   fake_open, fake_read, fake_close};
    struct wasi *wasi;
    if (wasi_create(&alloc, &config, &backend, &wasi) != WASM_OK)
        return 0;
    uint8_t *bytes = malloc(MEMORY_SIZE); // exactly the memory: ASan sees past it
    memset(bytes, 0, MEMORY_SIZE);
    memcpy(bytes, data, size < MEMORY_SIZE ? size : MEMORY_SIZE);
    struct wasm_memory memory = {.data = bytes, .size = MEMORY_SIZE};
    wasi_bind_memory(wasi, &memory);
    size_t at = 0;
    while (at < size && !wasi_exited(wasi, NULL)) {
        const char *name = names[data[at++] % NUM_NAMES];
        struct wasm_name module = {(const uint8_t *) "wasi_snapshot_preview1", 22};
        struct wasm_name fname = {(const uint8_t *) name, (uint32_t) strlen(name)};
        struct wasm_extern ext;
        CHECK(wasi_resolve(wasi, module, fname, WASM_EXTERN_FUNC, &ext));
        const struct wasm_functype *type = ext.as.func->type;
        wasm_value values[16] = {0};
        for (uint32_t p = 0; p < type->param_count; p++) {
            uint64_t v = 0;
            for (int b = 0; b < 8 && at < size; b++)
                v |= (uint64_t) data[at++] << (8 * b);
            values[p] = type->types[p] == WASM_I32 ? (uint32_t) v : v;
        }
        int status = ext.as.func->host(ext.as.func->host_ctx, NULL, values);
        if (status != WASM_OK) {
            CHECK(status == WASM_TRAP_HOST && wasi_exited(wasi, NULL));
            break;
        }
        CHECK(type->result_count == 1 && values[0] < 77);
    }
    wasi_free(wasi);
    free(bytes);
    return 0;
}
