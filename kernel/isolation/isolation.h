// Isolation backends: one table of operations per mode (kernel, user,
// wasm), so that the rest of the kernel never branches on the mode. A
// backend loads an app's code, starts its first thread with its environment
// and reaches its memory: the system-call layer copies every argument
// through these; nothing else touches app memory.
#pragma once
#include "../common.h"

struct process;
struct thread;

struct isolation {
    const char *name; // "kernel", "user", ...
    // Makes the app's code ready to run in its fresh process: `code` is its
    // executable from the boot image (user mode: an ELF file; wasm mode: a
    // module; kernel mode: the name of the app whose code, linked into the
    // kernel, it runs). On failure *reason is one line saying why.
    error_t (*load)(struct process *process, const void *code, size_t size, const char **reason);
    // Read-only data granted to the app (the boot file system, in kernel
    // memory for as long as the system runs): the address the app will see
    // it at, for its environment, or 0 when out of memory.
    uintptr_t (*grant)(struct process *process, const void *data, size_t size);
    // Starts the app's first thread with its environment (process->env,
    // built in kernel memory; the backend may move it into the app's
    // memory). NULL when out of memory.
    struct thread *(*start)(struct process *process);
    // Copies len bytes from the app address `src` into kernel memory, or
    // E_BAD_ADDRESS if any byte is outside the app's accessible memory.
    error_t (*copy_from)(struct process *process, void *dst, uintptr_t src, size_t len);
    error_t (*copy_to)(struct process *process, uintptr_t dst, const void *src, size_t len);
    // Checks, without touching it, that the app may write [addr, addr + len).
    error_t (*check_writable)(struct process *process, uintptr_t addr, size_t len);
    // Checks that `entry` may start a thread of this app.
    error_t (*check_entry)(struct process *process, uintptr_t entry);
    // A new runnable thread of the app running entry(arg) (entry checked).
    struct thread *(*spawn)(struct process *process, uintptr_t entry, uintptr_t arg);
    // `size` more bytes of heap (the caller checked the quota): the app
    // address of the new memory, or an error.
    long (*heap_grow)(struct process *process, size_t size);
    // Maps device registers [base, base + size) (granted to the app, as the
    // caller checked) into the app: their address, or an error. NULL in a
    // mode whose apps cannot reach devices directly (wasm).
    long (*map_device)(struct process *process, paddr_t base, size_t size);
    // `size` bytes (whole pages) of zeroed, physically contiguous memory for
    // DMA, charged to the app and freed with it: its address in the app, and
    // its physical address in *paddr; or an error. NULL where apps cannot
    // drive devices (wasm).
    long (*dma_alloc)(struct process *process, size_t size, paddr_t *paddr);
    // Frees what the mode keeps for the process (it has no threads left).
    void (*release)(struct process *process);
};

extern const struct isolation isolation_kernel;
extern const struct isolation isolation_user;
extern const struct isolation isolation_wasm;
extern const struct isolation isolation_vm;

// The backend of isolation mode `mode` (the boot image's numbering:
// kernel, user, wasm, vm), or NULL when it cannot run here (vm mode needs
// a CPU with the hypervisor extension).
const struct isolation *isolation_of(unsigned mode);
