// The kernel isolation mode: apps are linked into the kernel image and run
// as kernel threads. System calls are function calls; app pointers are kernel
// pointers, still checked so that a bad one is an error, not a crash.
#include "../arch.h"
#include "../process.h"
#include "../sched.h"
#include "../startup.h"
#include "../syscall.h"
#include "../thread.h"
#include <aster/env.h>
#include <string.h>

extern char __text_start[], __text_end[];
extern const struct app_image __apps_start[], __apps_end[];

// The code is linked in: `code` is the name of the app (its folder) whose
// entry to run; the process may be an instance of it under another name.
static error_t kernel_load(struct process *process, const void *code, size_t size, const char **reason) {
    for (const struct app_image *image = __apps_start; image < __apps_end; image++) {
        if (strlen(image->name) == size && memcmp(image->name, code, size) == 0) {
            process->code = image;
            return OK;
        }
    }
    *reason = "no such app linked into this kernel";
    return E_NOT_FOUND;
}

// Kernel memory is the app's memory: a granted blob is used where it is.
static uintptr_t kernel_grant(struct process *process UNUSED, const void *data, size_t size UNUSED) {
    return (uintptr_t) data;
}

// A kernel-mode app reaches registers where the kernel does.
static long kernel_map_device(struct process *process UNUSED, paddr_t base, size_t size) {
    void *registers = arch_map_device(base, size);
    return registers ? (long) registers : E_NO_MEMORY;
}

// DMA memory of a kernel-mode app: kernel memory (physically contiguous
// where the kernel maps it), kept with the app's heap and freed with it.
static long kernel_dma_alloc(struct process *process, size_t size, paddr_t *paddr) {
    void *memory = process_dma_alloc(process, size, paddr);
    return memory ? (long) memory : E_NO_MEMORY;
}

static void kernel_app_entry(void *unused) {
    (void) unused;
    struct process *process = current_thread()->process;
    ((const struct app_image *) process->code)->main(process->env);
}

// main(env), with the environment where it was built (freed with the process).
static struct thread *kernel_start(struct process *process) {
    return thread_create(process, kernel_app_entry, NULL);
}

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
    .load = kernel_load,
    .grant = kernel_grant,
    .start = kernel_start,
    .copy_from = kernel_copy_from,
    .copy_to = kernel_copy_to,
    .check_writable = kernel_check_writable,
    .check_entry = kernel_check_entry,
    .spawn = kernel_spawn,
    .heap_grow = kernel_heap_grow,
    .map_device = kernel_map_device,
    .dma_alloc = kernel_dma_alloc,
};

const struct isolation *isolation_of(unsigned mode) {
    static const struct isolation *const modes[] = {&isolation_kernel, &isolation_user, &isolation_wasm,
                                                    &isolation_vm};
    if (mode >= sizeof(modes) / sizeof(modes[0]) || (modes[mode] == &isolation_vm && !arch_hv_available()))
        return NULL;
    return modes[mode];
}

// The system-call entry of kernel-mode apps (see libs/aster/src/entry_kernel.c).
// Kernel code runs with interrupts off; the app runs with them on.
long kernel_app_syscall(long a0, long a1, long a2, long a3, long a4, long n) {
    uint64_t irq = arch_irq_save();
    long result = syscall_dispatch(a0, a1, a2, a3, a4, n);
    arch_irq_restore(irq);
    return result;
}
