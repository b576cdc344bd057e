// riscv64 inline parts of the port interface (see kernel/arch.h).
#pragma once
#include <stdint.h>

static inline uint64_t arch_irq_save(void) {
    uint64_t sstatus;
    __asm__ volatile("csrrci %0, sstatus, 2" : "=r"(sstatus)::"memory");
    return sstatus & 2; // SIE
}

static inline void arch_irq_restore(uint64_t state) {
    if (state)
        __asm__ volatile("csrsi sstatus, 2" ::: "memory");
}

static inline void arch_irq_enable(void) { __asm__ volatile("csrsi sstatus, 2" ::: "memory"); }

// Lets kernel code use the float unit (the Wasm engine's float
// instructions): sstatus.FS = Initial. Returning to user mode turns it off
// again (the user frame's FS is 0). No float state is switched: only wasm
// threads use the unit, they give up the CPU only inside function calls,
// and the lp64 ABI keeps no value in a float register across a call.
static inline void arch_fpu_enable(void) {
    __asm__ volatile("csrs sstatus, %0" ::"r"(1ull << 13) : "memory");
}

// The direct-map range of the first RAM region, where nearly every kernel
// object and stack lives; arch_is_kernel_ram checks it inline first.
extern uint64_t arch_ram0_start, arch_ram0_end;
_Bool arch_is_kernel_ram_slow(const void *ptr, unsigned long len);

static inline _Bool arch_is_kernel_ram(const void *ptr, unsigned long len) {
    uint64_t start = (uint64_t) ptr, end = start + len;
    if (start >= arch_ram0_start && end <= arch_ram0_end && end >= start)
        return 1;
    return arch_is_kernel_ram_slow(ptr, len);
}

static inline uint64_t arch_time_ticks(void) {
    uint64_t ticks;
    __asm__ volatile("rdtime %0" : "=r"(ticks));
    return ticks;
}
