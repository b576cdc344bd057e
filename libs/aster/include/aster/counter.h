// Reading the CPU's retired-instruction counter, for benchmarks. Under QEMU
// with -icount the count is exact and repeatable. A wasm-mode app asks the
// engine (import "aster" "instret"), which reads the same counter.
#pragma once
#include <stdint.h>

#if defined(__wasm__)
__attribute__((import_module("aster"), import_name("instret"))) uint64_t aster_host_instret(void);
#endif

static inline uint64_t read_instret(void) {
#if defined(__riscv)
    uint64_t value;
    __asm__ volatile("rdinstret %0" : "=r"(value));
    return value;
#elif defined(__wasm__)
    return aster_host_instret();
#else
    return 0;
#endif
}
