// Reading the CPU's retired-instruction counter, for benchmarks. Under QEMU
// with -icount the count is exact and repeatable.
#pragma once
#include <stdint.h>

static inline uint64_t read_instret(void) {
#if defined(__riscv)
    uint64_t value;
    __asm__ volatile("rdinstret %0" : "=r"(value));
    return value;
#else
    return 0;
#endif
}
