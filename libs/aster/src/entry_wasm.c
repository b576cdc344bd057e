// The wasm backend: a system call is the import "aster" "syscall", which the
// kernel's Wasm engine provides; pointers are offsets into the module's
// linear memory, checked by the kernel against its size.
#include <aster/syscall.h>

__attribute__((import_module("aster"), import_name("syscall"))) int64_t
aster_host_syscall(int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t n);

int64_t aster_syscall(int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t n) {
    return aster_host_syscall(a0, a1, a2, a3, a4, n);
}
