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
