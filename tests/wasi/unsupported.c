// Calls preview 1 functions the layer does not support, and some with bad
// pointers, through the raw imports: each must return an errno, not trap.
#include <stdint.h>
#include <stdio.h>
#include <wasi/api.h>

int main(void) {
    printf("fd_advise %d\n", __wasi_fd_advise(1, 0, 0, __WASI_ADVICE_NORMAL));
    printf("path_create_directory %d\n", __wasi_path_create_directory(3, "x"));
    printf("sock_shutdown %d\n", __wasi_sock_shutdown(1, __WASI_SDFLAGS_RD));
    printf("poll_oneoff %d\n", __wasi_poll_oneoff(0, 0, 0, 0));
    // pointers past the end of memory
    __wasi_size_t n;
    __wasi_ciovec_t far = {(const uint8_t *) 0xfffffff0u, 16};
    printf("fd_write far %d\n", __wasi_fd_write(1, &far, 1, &n));
    printf("args_sizes_get far %d\n", __wasi_args_sizes_get((__wasi_size_t *) 0xfffffffcu, &n));
    printf("random_get far %d\n", __wasi_random_get((uint8_t *) 0x7ffffff0u, 64));
    printf("fd_read bad fd %d\n", __wasi_fd_read(99, (const __wasi_iovec_t *) &far, 1, &n));
    return 0;
}
