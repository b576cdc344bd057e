// The user-mode backend: system calls trap into the kernel with ecall
// (arguments in a0-a4, the number in a7, the result in a0).
#include <aster/syscall.h>

int64_t aster_syscall(int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t n) {
    register long r_a0 __asm__("a0") = a0;
    register long r_a1 __asm__("a1") = a1;
    register long r_a2 __asm__("a2") = a2;
    register long r_a3 __asm__("a3") = a3;
    register long r_a4 __asm__("a4") = a4;
    register long r_a7 __asm__("a7") = n;
    __asm__ volatile("ecall"
                     : "+r"(r_a0)
                     : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a7)
                     : "memory");
    return r_a0;
}
