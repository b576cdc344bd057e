// Isolation backends: how the kernel reaches an app's memory. The system-call
// layer copies every argument through these; nothing else touches app memory.
#pragma once
#include "../common.h"

struct process;

struct isolation {
    const char *name; // "kernel", "user", ...
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
    // Frees what the mode keeps for the process (it has no threads left).
    void (*release)(struct process *process);
};

struct thread;

extern const struct isolation isolation_kernel;
extern const struct isolation isolation_user;
extern const struct isolation isolation_wasm;

// Wasm mode: decodes and validates the app's module (`bytes` must outlive
// the process); on failure *reason says why.
error_t wasm_process_load(struct process *process, const uint8_t *bytes, size_t len, const char **reason);
// The app's first thread: it instantiates the module, copies the
// environment into its memory and calls aster_start(env).
struct thread *wasm_process_start(struct process *process);
