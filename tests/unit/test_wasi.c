// Host unit tests for libs/wasi: the host functions called directly, as the
// engine would, against a 1 MiB linear memory allocated to its exact size
// (AddressSanitizer sees any access past it) and a fake backend that
// records what reaches it. Covers the import table, ENOSYS, EFAULT for every
// kind of hostile pointer, iovecs checked before any I/O, descriptors,
// paths, seeks, proc_exit, and allocation failure.
//
//   make BUILD=build wasi-unit-tests
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <wasi/wasi.h>

#define MEMORY_SIZE (1u << 20)
#define MAX_FDS 64
#define RIGHT_FD_READ (1ull << 1)
#define RIGHT_FD_WRITE (1ull << 6)

// --- an allocator that can fail and counts what is live
static long allocs_left = -1; // fail when it reaches 0; negative = never
static long live_blocks;

static void *counting_alloc(void *ctx, size_t size) {
    (void) ctx;
    if (allocs_left == 0)
        return NULL;
    if (allocs_left > 0)
        allocs_left--;
    live_blocks++;
    return malloc(size ? size : 1);
}

static void counting_free(void *ctx, void *ptr, size_t size) {
    (void) ctx;
    (void) size;
    live_blocks--;
    free(ptr);
}

static const struct wasm_allocator alloc = {counting_alloc, counting_free, NULL};

// --- the fake backend
static const char file_data[] = "0123456789";
static struct {
    char out[4096];
    size_t out_len;
    unsigned writes, clock_calls, opens, closes;
    const char *stdin_data;
    size_t stdin_len, stdin_at, stdin_extra; // stdin_extra: claim more than asked
    char last_path[256];
} fake;

static uint16_t fake_stdin(void *ctx, void *buf, size_t len, size_t *n) {
    (void) ctx;
    size_t left = fake.stdin_len - fake.stdin_at;
    *n = len < left ? len : left;
    memcpy(buf, fake.stdin_data + fake.stdin_at, *n);
    fake.stdin_at += *n;
    *n += fake.stdin_extra;
    return 0;
}

static uint16_t fake_write(void *ctx, int fd, const void *buf, size_t len) {
    (void) ctx;
    assert_true(fd == 1 || fd == 2);
    assert_true(fake.out_len + len <= sizeof(fake.out));
    memcpy(fake.out + fake.out_len, buf, len);
    fake.out_len += len;
    fake.writes++;
    return 0;
}

static uint16_t fake_clock(void *ctx, uint32_t id, uint64_t *ns) {
    (void) ctx;
    fake.clock_calls++;
    *ns = 1000 + id;
    return 0;
}

static uint16_t fake_random(void *ctx, void *buf, size_t len) {
    (void) ctx;
    memset(buf, 0xa5, len);
    return 0;
}

static uint16_t fake_open(void *ctx, uint32_t dir, const char *path, size_t len, uint64_t *file,
                          uint64_t *size) {
    (void) ctx;
    assert_int_equal(dir, 0);
    assert_true(len < sizeof(fake.last_path));
    memcpy(fake.last_path, path, len);
    fake.last_path[len] = '\0';
    if (strcmp(fake.last_path, "dir/file.txt") != 0)
        return WASI_ENOENT;
    fake.opens++;
    *file = 77;
    *size = sizeof(file_data) - 1;
    return 0;
}

static uint16_t fake_read(void *ctx, uint64_t file, uint64_t offset, void *buf, size_t len, size_t *n) {
    (void) ctx;
    assert_int_equal(file, 77);
    size_t size = sizeof(file_data) - 1;
    *n = offset >= size ? 0 : (len < size - offset ? len : size - offset);
    memcpy(buf, file_data + offset, *n);
    return 0;
}

static void fake_close(void *ctx, uint64_t file) {
    (void) ctx;
    assert_int_equal(file, 77);
    fake.closes++;
}

static const struct wasi_backend full_backend = {NULL, fake_stdin, fake_write, fake_clock, fake_random,
                                                 fake_open, fake_read, fake_close};

// --- the state under test
static struct wasi *wasi;
static struct wasm_memory memory;
static uint8_t *mem;

static void make_wasi(const struct wasi_backend *backend) {
    static const char *const argv[] = {"prog", "a b"}, *const envp[] = {"HOME=/"}, *const dirs[] = {"/"};
    struct wasi_config config = {2, argv, 1, envp, 1, dirs};
    assert_int_equal(wasi_create(&alloc, &config, backend, &wasi), WASM_OK);
    wasi_bind_memory(wasi, &memory);
}

static int setup(void **state) {
    (void) state;
    memset(&fake, 0, sizeof(fake));
    allocs_left = -1;
    mem = calloc(1, MEMORY_SIZE);
    memory = (struct wasm_memory){.data = mem, .size = MEMORY_SIZE};
    make_wasi(&full_backend);
    return 0;
}

static int teardown(void **state) {
    (void) state;
    wasi_free(wasi);
    free(mem);
    assert_int_equal(live_blocks, 0);
    assert_int_equal(fake.opens, fake.closes); // every file opened was closed
    return 0;
}

// Calls import `name` with `count` arguments; returns its errno (or -1 plus
// the status in *trap when the host function trapped).
static int last_status;

static int64_t call_args(const char *name, const uint64_t *args, uint32_t count) {
    struct wasm_name module = {(const uint8_t *) "wasi_snapshot_preview1", 22};
    struct wasm_name fname = {(const uint8_t *) name, (uint32_t) strlen(name)};
    struct wasm_extern ext;
    assert_true(wasi_resolve(wasi, module, fname, WASM_EXTERN_FUNC, &ext));
    assert_int_equal(ext.as.func->type->param_count, count);
    wasm_value values[16] = {0};
    for (uint32_t i = 0; i < count; i++)
        values[i] = args[i];
    last_status = ext.as.func->host(ext.as.func->host_ctx, NULL, values);
    return last_status == WASM_OK ? (int64_t) values[0] : -1;
}

#define ARGS(...) ((const uint64_t[]){__VA_ARGS__}), sizeof((const uint64_t[]){__VA_ARGS__}) / 8
#define CALL(name, ...) call_args(name, ARGS(__VA_ARGS__))

static uint32_t load_u32(uint32_t at) {
    uint32_t v;
    memcpy(&v, mem + at, 4);
    return v;
}

static uint64_t load_u64(uint32_t at) {
    uint64_t v;
    memcpy(&v, mem + at, 8);
    return v;
}

static void store_iovec(uint32_t at, uint32_t ptr, uint32_t len) {
    memcpy(mem + at, &ptr, 4);
    memcpy(mem + at + 4, &len, 4);
}

// Puts a path at 0x9000 and opens it under the preopen (fd 3); the new fd
// at 0x8000.
static int64_t open_path(const char *path, uint32_t oflags, uint64_t rights, uint32_t fdflags) {
    memcpy(mem + 0x9000, path, strlen(path));
    return CALL("path_open", 3, 0, 0x9000, strlen(path), oflags, rights, 0, fdflags, 0x8000);
}

// --- the import table

// Preview 1 as the specification lists it: params (i = i32, I = i64), then
// ':' and the results.
static const struct {
    const char *name, *signature;
} spec[] = {
    {"args_get", "ii:i"}, {"args_sizes_get", "ii:i"}, {"environ_get", "ii:i"}, {"environ_sizes_get", "ii:i"},
    {"clock_res_get", "ii:i"}, {"clock_time_get", "iIi:i"}, {"fd_advise", "iIIi:i"}, {"fd_allocate", "iII:i"},
    {"fd_close", "i:i"}, {"fd_datasync", "i:i"}, {"fd_fdstat_get", "ii:i"}, {"fd_fdstat_set_flags", "ii:i"},
    {"fd_fdstat_set_rights", "iII:i"}, {"fd_filestat_get", "ii:i"}, {"fd_filestat_set_size", "iI:i"},
    {"fd_filestat_set_times", "iIIi:i"}, {"fd_pread", "iiiIi:i"}, {"fd_prestat_get", "ii:i"},
    {"fd_prestat_dir_name", "iii:i"}, {"fd_pwrite", "iiiIi:i"}, {"fd_read", "iiii:i"},
    {"fd_readdir", "iiiIi:i"}, {"fd_renumber", "ii:i"}, {"fd_seek", "iIii:i"}, {"fd_sync", "i:i"},
    {"fd_tell", "ii:i"}, {"fd_write", "iiii:i"}, {"path_create_directory", "iii:i"},
    {"path_filestat_get", "iiiii:i"}, {"path_filestat_set_times", "iiiiIIi:i"},
    {"path_link", "iiiiiii:i"}, {"path_open", "iiiiiIIii:i"}, {"path_readlink", "iiiiii:i"},
    {"path_remove_directory", "iii:i"}, {"path_rename", "iiiiii:i"}, {"path_symlink", "iiiii:i"},
    {"path_unlink_file", "iii:i"}, {"poll_oneoff", "iiii:i"}, {"proc_exit", "i:"}, {"proc_raise", "i:i"},
    {"sched_yield", ":i"}, {"random_get", "ii:i"}, {"sock_accept", "iii:i"}, {"sock_recv", "iiiiii:i"},
    {"sock_send", "iiiii:i"}, {"sock_shutdown", "ii:i"},
};

static void test_every_function_resolves_with_its_type(void **state) {
    (void) state;
    struct wasm_name module = {(const uint8_t *) "wasi_snapshot_preview1", 22};
    struct wasm_extern ext;
    for (size_t i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
        struct wasm_name name = {(const uint8_t *) spec[i].name, (uint32_t) strlen(spec[i].name)};
        assert_true(wasi_resolve(wasi, module, name, WASM_EXTERN_FUNC, &ext));
        const struct wasm_functype *type = ext.as.func->type;
        const char *sig = spec[i].signature;
        size_t colon = (size_t) (strchr(sig, ':') - sig);
        assert_int_equal(type->param_count, colon);
        assert_int_equal(type->result_count, strlen(sig) - colon - 1);
        for (size_t p = 0; p < colon; p++)
            assert_int_equal(type->types[p], sig[p] == 'I' ? WASM_I64 : WASM_I32);
        if (type->result_count)
            assert_int_equal(type->types[colon], WASM_I32);
    }
    struct wasm_name other = {(const uint8_t *) "env", 3}, fd_write = {(const uint8_t *) "fd_write", 8};
    struct wasm_name unknown = {(const uint8_t *) "fd_write2", 9};
    assert_false(wasi_resolve(wasi, other, fd_write, WASM_EXTERN_FUNC, &ext));
    assert_false(wasi_resolve(wasi, module, unknown, WASM_EXTERN_FUNC, &ext));
    assert_false(wasi_resolve(wasi, module, fd_write, WASM_EXTERN_MEMORY, &ext));
    assert_true(wasi_name_is_module(module));
    assert_false(wasi_name_is_module(other));
}

static void test_unsupported_functions_return_enosys(void **state) {
    (void) state;
    static const char *const names[] = {
        "fd_advise", "fd_allocate", "fd_datasync", "fd_fdstat_set_flags", "fd_fdstat_set_rights",
        "fd_filestat_set_size", "fd_filestat_set_times", "fd_pwrite", "fd_readdir", "fd_renumber", "fd_sync",
        "path_create_directory", "path_filestat_set_times", "path_link", "path_readlink",
        "path_remove_directory", "path_rename", "path_symlink", "path_unlink_file", "poll_oneoff",
        "proc_raise", "sock_accept", "sock_recv", "sock_send", "sock_shutdown",
    };
    uint64_t zeros[16] = {0};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct wasm_name module = {(const uint8_t *) "wasi_snapshot_preview1", 22};
        struct wasm_name name = {(const uint8_t *) names[i], (uint32_t) strlen(names[i])};
        struct wasm_extern ext;
        assert_true(wasi_resolve(wasi, module, name, WASM_EXTERN_FUNC, &ext));
        assert_int_equal(call_args(names[i], zeros, ext.as.func->type->param_count), WASI_ENOSYS);
    }
}

static void test_args_and_environ(void **state) {
    (void) state;
    assert_int_equal(CALL("args_sizes_get", 0x100, 0x104), 0);
    assert_int_equal(load_u32(0x100), 2);
    assert_int_equal(load_u32(0x104), 9); // "prog\0a b\0"
    assert_int_equal(CALL("args_get", 0x200, 0x300), 0);
    assert_int_equal(load_u32(0x200), 0x300);
    assert_int_equal(load_u32(0x204), 0x305);
    assert_memory_equal(mem + 0x300, "prog\0a b\0", 9);
    assert_int_equal(CALL("environ_sizes_get", 0x100, 0x104), 0);
    assert_int_equal(load_u32(0x100), 1);
    assert_int_equal(CALL("environ_get", 0x200, MEMORY_SIZE - 7), 0); // "HOME=/\0" ends at the end
    assert_memory_equal(mem + MEMORY_SIZE - 7, "HOME=/", 7);
}

static void test_pointers_outside_memory_fault(void **state) {
    (void) state;
    const uint64_t end = MEMORY_SIZE;
    assert_int_equal(CALL("args_sizes_get", end - 3, 0), WASI_EFAULT);
    assert_int_equal(CALL("args_sizes_get", 0, 0xffffffffu), WASI_EFAULT);
    assert_int_equal(CALL("args_get", end - 4, 0), WASI_EFAULT);  // two pointers do not fit
    assert_int_equal(CALL("args_get", 0, end - 8), WASI_EFAULT);  // nine bytes of strings do not
    assert_int_equal(CALL("environ_get", 0xfffffffcu, 0), WASI_EFAULT);
    assert_int_equal(CALL("clock_time_get", 1, 0, end - 7), WASI_EFAULT);
    assert_int_equal(fake.clock_calls, 0); // checked before asking the backend
    assert_int_equal(CALL("clock_res_get", 1, end - 4), WASI_EFAULT);
    assert_int_equal(CALL("random_get", end - 8, 9), WASI_EFAULT);
    assert_int_equal(CALL("random_get", 0xffffffffu, 2), WASI_EFAULT);
    assert_int_equal(CALL("random_get", end, 0), 0); // empty, at the very end: fine
    assert_int_equal(CALL("fd_fdstat_get", 1, end - 23), WASI_EFAULT);
    assert_int_equal(CALL("fd_filestat_get", 1, end - 63), WASI_EFAULT);
    assert_int_equal(CALL("fd_prestat_get", 3, end - 7), WASI_EFAULT);
    assert_int_equal(CALL("fd_prestat_dir_name", 3, end, 1), WASI_EFAULT);
    assert_int_equal(CALL("fd_prestat_dir_name", 3, end - 1, 1), 0);
    assert_int_equal(CALL("fd_prestat_dir_name", 3, 0, 0), WASI_ENAMETOOLONG);
    assert_int_equal(CALL("path_open", 3, 0, end - 4, 12, 0, RIGHT_FD_READ, 0, 0, 0x8000), WASI_EFAULT);
    memcpy(mem + 0x9000, "dir/file.txt", 12);
    assert_int_equal(CALL("path_open", 3, 0, 0x9000, 12, 0, RIGHT_FD_READ, 0, 0, end - 3), WASI_EFAULT);
    assert_int_equal(CALL("path_filestat_get", 3, 0, 0x9000, 12, end - 63), WASI_EFAULT);
    assert_int_equal(fake.opens, 0); // nothing opened for a result that could not be stored
    assert_int_equal(CALL("fd_tell", 1, 0), WASI_ESPIPE);
    assert_int_equal(fake.writes, 0);
}

static void test_no_memory_bound_faults(void **state) {
    (void) state;
    wasi_bind_memory(wasi, NULL);
    assert_int_equal(CALL("args_sizes_get", 0, 4), WASI_EFAULT);
    assert_int_equal(CALL("random_get", 0, 0), WASI_EFAULT);
}

static void test_iovecs_are_checked_before_any_io(void **state) {
    (void) state;
    memcpy(mem + 0x1000, "hello\n", 6);
    store_iovec(0x100, 0x1000, 6);
    store_iovec(0x108, MEMORY_SIZE - 4, 8); // past the end
    assert_int_equal(CALL("fd_write", 1, 0x100, 2, 0x200), WASI_EFAULT);
    assert_int_equal(CALL("fd_write", 1, MEMORY_SIZE - 12, 2, 0x200), WASI_EFAULT); // the vector itself
    assert_int_equal(CALL("fd_write", 1, 0x100, 0x20000000u, 0x200), WASI_EFAULT);
    assert_int_equal(CALL("fd_write", 1, 0x100, 1, MEMORY_SIZE - 2), WASI_EFAULT);
    fake.stdin_data = "abc", fake.stdin_len = 3;
    assert_int_equal(CALL("fd_read", 0, 0x100, 2, 0x200), WASI_EFAULT);
    assert_int_equal(fake.writes, 0);
    assert_int_equal(fake.stdin_at, 0); // no input consumed
    // Lengths that add up past a u32: EINVAL, nothing written.
    uint32_t count = 65537;
    for (uint32_t i = 0; i < count; i++)
        store_iovec(0x10000 + 8 * i, 0, 65536);
    assert_int_equal(CALL("fd_write", 2, 0x10000, count, 0x200), WASI_EINVAL);
    assert_int_equal(fake.writes, 0);
    // All good: both written, the total stored.
    store_iovec(0x108, 0x1000, 5);
    assert_int_equal(CALL("fd_write", 1, 0x100, 2, 0x200), 0);
    assert_int_equal(load_u32(0x200), 11);
    assert_int_equal(fake.out_len, 11);
    assert_memory_equal(fake.out, "hello\nhello", 11);
}

static void test_a_read_that_overwrites_its_own_vector(void **state) {
    (void) state;
    // iovec 0 reads 8 bytes over its own length and iovec 1's pointer,
    // which becomes 0xfffffff0: the walk stops there with a short read.
    store_iovec(0x100, 0x104, 8);
    store_iovec(0x108, 0x1000, 4);
    static const char input[] = "\x08\x00\x00\x00\xf0\xff\xff\xff-more";
    fake.stdin_data = input, fake.stdin_len = sizeof(input) - 1;
    assert_int_equal(CALL("fd_read", 0, 0x100, 2, 0x200), 0);
    assert_int_equal(load_u32(0x200), 8);
    assert_int_equal(fake.stdin_at, 8);
}

static void test_a_backend_that_claims_too_much_is_an_error(void **state) {
    (void) state;
    store_iovec(0x100, 0x1000, 4);
    fake.stdin_data = "abcdef", fake.stdin_len = 6, fake.stdin_extra = 1;
    assert_int_equal(CALL("fd_read", 0, 0x100, 1, 0x200), WASI_EIO);
}

static void test_bad_descriptors(void **state) {
    (void) state;
    store_iovec(0x100, 0x1000, 4);
    assert_int_equal(CALL("fd_read", 99, 0x100, 1, 0x200), WASI_EBADF);
    assert_int_equal(CALL("fd_read", 1, 0x100, 1, 0x200), WASI_EBADF);
    assert_int_equal(CALL("fd_read", 3, 0x100, 1, 0x200), WASI_EBADF);
    assert_int_equal(CALL("fd_write", 0, 0x100, 1, 0x200), WASI_EBADF);
    assert_int_equal(CALL("fd_write", 0xffffffffu, 0x100, 1, 0x200), WASI_EBADF);
    assert_int_equal(CALL("fd_close", MAX_FDS), WASI_EBADF);
    assert_int_equal(CALL("fd_seek", 1000, 0, 0, 0x200), WASI_EBADF);
    assert_int_equal(CALL("fd_tell", 4, 0x200), WASI_EBADF);
    assert_int_equal(CALL("fd_fdstat_get", 4, 0x200), WASI_EBADF);
    assert_int_equal(CALL("fd_prestat_get", 0, 0x200), WASI_EBADF);
    assert_int_equal(CALL("fd_prestat_get", 4, 0x200), WASI_EBADF);
    assert_int_equal(CALL("fd_pread", 0, 0x100, 1, 0, 0x200), WASI_ESPIPE);
    memcpy(mem + 0x9000, "x", 1);
    assert_int_equal(CALL("path_open", 1, 0, 0x9000, 1, 0, RIGHT_FD_READ, 0, 0, 0x8000), WASI_ENOTDIR);
    assert_int_equal(CALL("path_open", 50, 0, 0x9000, 1, 0, RIGHT_FD_READ, 0, 0, 0x8000), WASI_EBADF);
    assert_int_equal(CALL("fd_prestat_get", 3, 0x200), 0);
    assert_int_equal(load_u32(0x204), 1); // "/"
}

static void test_paths_are_normalized_and_confined(void **state) {
    (void) state;
    assert_int_equal(open_path("./dir//file.txt/.", 0, RIGHT_FD_READ, 0), 0);
    assert_string_equal(fake.last_path, "dir/file.txt");
    assert_int_equal(CALL("fd_close", load_u32(0x8000)), 0);
    fake.last_path[0] = '\0';
    static const char *const refused[] = {"..", "../x", "dir/../file.txt", "/etc/passwd", "dir/.."};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        assert_int_equal(open_path(refused[i], 0, RIGHT_FD_READ, 0), WASI_ENOTCAPABLE);
    assert_string_equal(fake.last_path, ""); // none reached the backend
    assert_int_equal(CALL("path_open", 3, 0, 0x9000, 0, 0, RIGHT_FD_READ, 0, 0, 0x8000), WASI_ENOENT);
    memcpy(mem + 0x9000, "a\0b", 3);
    assert_int_equal(CALL("path_open", 3, 0, 0x9000, 3, 0, RIGHT_FD_READ, 0, 0, 0x8000), WASI_EINVAL);
    assert_int_equal(open_path("missing", 0, RIGHT_FD_READ, 0), WASI_ENOENT);
}

static void test_writing_is_refused(void **state) {
    (void) state;
    assert_int_equal(open_path("dir/file.txt", 1 /* creat */, RIGHT_FD_READ, 0), WASI_EROFS);
    assert_int_equal(open_path("dir/file.txt", 8 /* trunc */, RIGHT_FD_READ, 0), WASI_EROFS);
    assert_int_equal(open_path("dir/file.txt", 4 /* excl */, RIGHT_FD_READ, 0), WASI_EROFS);
    assert_int_equal(open_path("dir/file.txt", 0, RIGHT_FD_WRITE, 0), WASI_EROFS);
    assert_int_equal(open_path("dir/file.txt", 0, RIGHT_FD_READ, 1 /* append */), WASI_EROFS);
    assert_int_equal(fake.opens, 0);
    // The preopen offers write rights to inherit, so that wasi-libc asks.
    assert_int_equal(CALL("fd_fdstat_get", 3, 0x200), 0);
    assert_int_equal(mem[0x200], 3); // a directory
    assert_true(load_u64(0x210) & RIGHT_FD_WRITE);
    assert_int_equal(open_path("dir/file.txt", 2 /* directory */, RIGHT_FD_READ, 0), WASI_ENOTDIR);
    assert_int_equal(fake.opens, 1); // opened, then closed again
    assert_int_equal(fake.closes, 1);
}

static void test_reading_and_seeking_a_file(void **state) {
    (void) state;
    assert_int_equal(open_path("dir/file.txt", 0, RIGHT_FD_READ, 0), 0);
    uint32_t fd = load_u32(0x8000);
    assert_int_equal(fd, 4);
    store_iovec(0x100, 0x1000, 4);
    assert_int_equal(CALL("fd_read", fd, 0x100, 1, 0x200), 0);
    assert_int_equal(load_u32(0x200), 4);
    assert_memory_equal(mem + 0x1000, "0123", 4);
    assert_int_equal(CALL("fd_tell", fd, 0x208), 0);
    assert_int_equal(load_u64(0x208), 4);
    assert_int_equal(CALL("fd_seek", fd, (uint64_t) -2, 1, 0x208), 0);
    assert_int_equal(load_u64(0x208), 2);
    assert_int_equal(CALL("fd_seek", fd, 0, 2, 0x208), 0);
    assert_int_equal(load_u64(0x208), 10);
    assert_int_equal(CALL("fd_read", fd, 0x100, 1, 0x200), 0);
    assert_int_equal(load_u32(0x200), 0); // end of file
    assert_int_equal(CALL("fd_seek", fd, (uint64_t) -11, 2, 0x208), WASI_EINVAL);
    assert_int_equal(CALL("fd_seek", fd, INT64_MAX, 1, 0x208), WASI_EINVAL);
    assert_int_equal(CALL("fd_seek", fd, 0, 3, 0x208), WASI_EINVAL);
    assert_int_equal(CALL("fd_seek", fd, 0, 0, MEMORY_SIZE - 1), WASI_EFAULT);
    assert_int_equal(CALL("fd_tell", fd, 0x208), 0);
    assert_int_equal(load_u64(0x208), 10); // failed seeks moved nothing
    assert_int_equal(CALL("fd_pread", fd, 0x100, 1, 8, 0x200), 0);
    assert_int_equal(load_u32(0x200), 2);
    assert_memory_equal(mem + 0x1000, "89", 2);
    assert_int_equal(CALL("fd_filestat_get", fd, 0x300), 0);
    assert_int_equal(mem[0x310], 4); // a regular file
    assert_int_equal(load_u64(0x320), 10);
    assert_int_equal(CALL("fd_fdstat_get", fd, 0x300), 0);
    assert_true(load_u64(0x308) & RIGHT_FD_READ);
    assert_false(load_u64(0x308) & RIGHT_FD_WRITE);
    assert_int_equal(CALL("fd_write", fd, 0x100, 1, 0x200), WASI_ENOTCAPABLE);
    assert_int_equal(CALL("fd_prestat_get", fd, 0x200), WASI_EBADF);
    memcpy(mem + 0x9000, "dir/file.txt", 12);
    assert_int_equal(CALL("path_filestat_get", 3, 0, 0x9000, 12, 0x300), 0);
    assert_int_equal(load_u64(0x320), 10);
    assert_int_equal(CALL("fd_close", fd), 0);
    assert_int_equal(CALL("fd_close", fd), WASI_EBADF);
    // "." is the directory again, but not a preopen.
    assert_int_equal(open_path(".", 0, RIGHT_FD_READ, 0), 0);
    assert_int_equal(CALL("fd_prestat_get", load_u32(0x8000), 0x200), WASI_EBADF);
}

static void test_a_full_descriptor_table(void **state) {
    (void) state;
    unsigned opened = 0;
    while (open_path("dir/file.txt", 0, RIGHT_FD_READ, 0) == 0)
        opened++;
    assert_int_equal(opened, MAX_FDS - 4); // 0-2 stdio, 3 the preopen
    assert_int_equal(open_path("dir/file.txt", 0, RIGHT_FD_READ, 0), WASI_EMFILE);
    assert_int_equal(fake.opens - fake.closes, opened); // the refused one was closed
    // teardown checks that wasi_free closes the rest
}

static void test_clocks_random_and_yield(void **state) {
    (void) state;
    assert_int_equal(CALL("clock_time_get", 1, 0, 0x100), 0);
    assert_int_equal(load_u64(0x100), 1001);
    assert_int_equal(CALL("clock_time_get", 4, 0, 0x100), WASI_EINVAL);
    assert_int_equal(CALL("clock_res_get", 0, 0x100), 0);
    assert_true(load_u64(0x100) > 0);
    assert_int_equal(CALL("random_get", 0x100, 16), 0);
    assert_int_equal(mem[0x10f], 0xa5);
    assert_int_equal(call_args("sched_yield", NULL, 0), 0);
}

static void test_proc_exit_ends_the_run(void **state) {
    (void) state;
    uint32_t code = 0;
    assert_false(wasi_exited(wasi, &code));
    assert_int_equal(CALL("proc_exit", 42), -1);
    assert_int_equal(last_status, WASM_TRAP_HOST);
    assert_true(wasi_exited(wasi, &code));
    assert_int_equal(code, 42);
    assert_int_equal(CALL("args_sizes_get", 0, 4), -1); // nothing runs after exit
    assert_int_equal(last_status, WASM_TRAP_HOST);
}

static void test_a_backend_without_optional_parts(void **state) {
    (void) state;
    wasi_free(wasi);
    struct wasi_backend minimal = {NULL, NULL, fake_write, NULL, NULL, fake_open, NULL, NULL};
    make_wasi(&minimal); // file_open without file_read/close: no files
    store_iovec(0x100, 0x1000, 4);
    assert_int_equal(CALL("fd_read", 0, 0x100, 1, 0x200), WASI_ENOSYS);
    assert_int_equal(CALL("clock_time_get", 0, 0, 0x100), WASI_ENOSYS);
    assert_int_equal(CALL("random_get", 0x100, 4), WASI_ENOSYS);
    assert_int_equal(open_path("dir/file.txt", 0, RIGHT_FD_READ, 0), WASI_ENOTCAPABLE);
    assert_int_equal(fake.opens, 0);
}

static void test_create_fails_cleanly(void **state) {
    (void) state;
    wasi_free(wasi);
    wasi = NULL;
    static const char *const argv[] = {"prog"}, *const dirs[] = {"/"};
    struct wasi_config config = {1, argv, 0, NULL, 1, dirs};
    struct wasi *w;
    long limit = 0;
    for (;; limit++) {
        allocs_left = limit;
        int status = wasi_create(&alloc, &config, &full_backend, &w);
        if (status == WASM_OK)
            break;
        assert_int_equal(status, WASM_ERR_NOMEM);
        assert_null(w);
        assert_int_equal(live_blocks, 0);
    }
    assert_true(limit > 0);
    allocs_left = -1;
    wasi_free(w);
    config.preopen_count = MAX_FDS - 2; // more than the table holds
    const char *many[MAX_FDS];
    for (int i = 0; i < MAX_FDS; i++)
        many[i] = "/";
    config.preopens = many;
    assert_int_equal(wasi_create(&alloc, &config, &full_backend, &w), WASM_ERR_ARGS);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_function_resolves_with_its_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsupported_functions_return_enosys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_args_and_environ, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pointers_outside_memory_fault, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_memory_bound_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_iovecs_are_checked_before_any_io, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_read_that_overwrites_its_own_vector, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_backend_that_claims_too_much_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_descriptors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paths_are_normalized_and_confined, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writing_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reading_and_seeking_a_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_full_descriptor_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clocks_random_and_yield, setup, teardown),
        cmocka_unit_test_setup_teardown(test_proc_exit_ends_the_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_backend_without_optional_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_fails_cleanly, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
