// Calls every preview 1 function the layer does not support, and some it
// does with hostile pointers, through the raw imports: each must return an
// errno (ENOSYS = 52, EFAULT = 21, EBADF = 8), never trap. Since the engine
// checks each import's type when it links, running at all also shows that
// the layer's signatures are wasi-libc's.
#include <stdint.h>
#include <stdio.h>
#include <wasi/api.h>

// Not in wasi-libc's header (removed from its API), still in preview 1.
__wasi_errno_t raw_proc_raise(uint32_t signal)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")));

#define SHOW(name, ...) printf(#name " %d\n", (int) __wasi_##name(__VA_ARGS__))

static void unsupported(void) {
    uint8_t buf[64];
    __wasi_size_t n = 0;
    __wasi_fd_t fd = 0;
    __wasi_roflags_t roflags = 0;
    __wasi_ciovec_t ciov = {buf, sizeof(buf)};
    __wasi_iovec_t iov = {buf, sizeof(buf)};
    __wasi_subscription_t sub = {0};
    __wasi_event_t event;
    SHOW(fd_advise, 1, 0, 0, __WASI_ADVICE_NORMAL);
    SHOW(fd_allocate, 1, 0, 1);
    SHOW(fd_datasync, 1);
    SHOW(fd_fdstat_set_flags, 1, __WASI_FDFLAGS_APPEND);
    SHOW(fd_fdstat_set_rights, 1, 0, 0);
    SHOW(fd_filestat_set_size, 1, 0);
    SHOW(fd_filestat_set_times, 1, 0, 0, __WASI_FSTFLAGS_ATIM_NOW);
    SHOW(fd_pwrite, 1, &ciov, 1, 0, &n);
    SHOW(fd_readdir, 3, buf, sizeof(buf), 0, &n);
    SHOW(fd_renumber, 1, 2);
    SHOW(fd_sync, 1);
    SHOW(path_create_directory, 3, "x");
    SHOW(path_filestat_set_times, 3, 0, "x", 0, 0, __WASI_FSTFLAGS_MTIM_NOW);
    SHOW(path_link, 3, 0, "x", 3, "y");
    SHOW(path_readlink, 3, "x", buf, sizeof(buf), &n);
    SHOW(path_remove_directory, 3, "x");
    SHOW(path_rename, 3, "x", 3, "y");
    SHOW(path_symlink, "x", 3, "y");
    SHOW(path_unlink_file, 3, "x");
    SHOW(poll_oneoff, &sub, &event, 1, &n);
    printf("proc_raise %d\n", (int) raw_proc_raise(15)); // SIGTERM
    SHOW(sock_accept, 3, 0, &fd);
    SHOW(sock_recv, 0, &iov, 1, 0, &n, &roflags);
    SHOW(sock_send, 1, &ciov, 1, 0, &n);
    SHOW(sock_shutdown, 1, __WASI_SDFLAGS_RD);
}

static void hostile(void) {
    __wasi_size_t n;
    uint8_t byte;
    __wasi_ciovec_t far = {(const uint8_t *) 0xfffffff0u, 16};
    __wasi_ciovec_t both[2] = {{(const uint8_t *) "lost\n", 5}, {(const uint8_t *) 0xfffffff0u, 16}};
    __wasi_iovec_t wrap = {&byte, 0xffffffffu};
    printf("fd_write far %d\n", __wasi_fd_write(1, &far, 1, &n));
    printf("fd_write good then far %d\n", __wasi_fd_write(1, both, 2, &n));
    printf("fd_write far vector %d\n", __wasi_fd_write(1, (const __wasi_ciovec_t *) 0xfffffffcu, 1, &n));
    printf("fd_write far result %d\n", __wasi_fd_write(1, both, 1, (__wasi_size_t *) 0xfffffffeu));
    printf("fd_read wrapping length %d\n", __wasi_fd_read(0, &wrap, 1, &n));
    printf("args_sizes_get far %d\n", __wasi_args_sizes_get((__wasi_size_t *) 0xfffffffcu, &n));
    printf("random_get far %d\n", __wasi_random_get((uint8_t *) 0x7ffffff0u, 64));
    printf("fd_read bad fd %d\n", __wasi_fd_read(99, (const __wasi_iovec_t *) &far, 1, &n));
    printf("fd_write to stdin %d\n", __wasi_fd_write(0, both, 1, &n));
    printf("fd_close bad fd %d\n", __wasi_fd_close(0x7fffffff));
}

int main(void) {
    unsupported();
    hostile();
    return 0;
}
