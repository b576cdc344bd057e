// The kernel-mode backend: system calls are plain function calls into the
// kernel's single system-call entry (resolved when the app is linked in).
#include <aster/syscall.h>

long kernel_app_syscall(long a0, long a1, long a2, long a3, long a4, long n);

// (long is 64-bit on riscv64, like the ABI's int64_t.)
int64_t aster_syscall(int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t n) {
    return kernel_app_syscall(a0, a1, a2, a3, a4, n);
}
