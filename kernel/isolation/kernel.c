// The kernel isolation mode: apps are linked into the kernel image and run
// as kernel threads. System calls are function calls; app pointers are kernel
// pointers, still checked so that a bad one is an error, not a crash.
#include "../arch.h"
#include "../process.h"
#include "../syscall.h"
#include "../thread.h"
#include <aster/env.h>
#include <string.h>

extern char __text_start[], __text_end[];

// An empty range is always accessible, wherever it points.
static inline bool accessible(uintptr_t addr, size_t len) {
    return len == 0 || arch_is_kernel_ram((const void *) addr, len);
}

static error_t kernel_copy_from(struct process *process UNUSED, void *dst, uintptr_t src, size_t len) {
    if (!accessible(src, len))
        return E_BAD_ADDRESS;
    memcpy(dst, (const void *) src, len);
    return OK;
}

static error_t kernel_copy_to(struct process *process UNUSED, uintptr_t dst, const void *src, size_t len) {
    if (!accessible(dst, len))
        return E_BAD_ADDRESS;
    memcpy((void *) dst, src, len);
    return OK;
}

static error_t kernel_check_writable(struct process *process UNUSED, uintptr_t addr, size_t len) {
    return accessible(addr, len) ? OK : E_BAD_ADDRESS;
}

static error_t kernel_check_entry(struct process *process UNUSED, uintptr_t entry) {
    if (entry < (uintptr_t) __text_start || entry >= (uintptr_t) __text_end || entry % 2)
        return E_BAD_ADDRESS;
    return OK;
}

static struct thread *kernel_spawn(struct process *process, uintptr_t entry, uintptr_t arg) {
    return thread_create(process, (void (*)(void *)) entry, (void *) arg);
}

static long kernel_heap_grow(struct process *process, size_t size) {
    void *memory = process_heap_grow(process, size);
    return memory ? (long) memory : E_NO_MEMORY;
}

const struct isolation isolation_kernel = {
    .name = "kernel",
    .copy_from = kernel_copy_from,
    .copy_to = kernel_copy_to,
    .check_writable = kernel_check_writable,
    .check_entry = kernel_check_entry,
    .spawn = kernel_spawn,
    .heap_grow = kernel_heap_grow,
};

// The system-call entry of kernel-mode apps (see libs/aster/src/entry_kernel.c).
// Kernel code runs with interrupts off; the app runs with them on.
long kernel_app_syscall(long a0, long a1, long a2, long a3, long a4, long n) {
    uint64_t irq = arch_irq_save();
    long result = syscall_dispatch(a0, a1, a2, a3, a4, n);
    arch_irq_restore(irq);
    return result;
}
