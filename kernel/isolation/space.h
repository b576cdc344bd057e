// What user mode and vm mode share: the app is its ELF file loaded into an
// address space of its own (struct vmspace: Sv39 for user mode, a G-stage
// guest-physical space for vm mode, with the same layout), and every
// pointer it passes is checked page by page against that space's mappings.
// The two modes differ in how a thread enters the app (U-mode or VS-mode).
#pragma once
#include "isolation.h"

struct vmspace;

// Loads the ELF file `code` into `space` (which becomes the process's);
// `space` NULL means out of memory.
error_t space_load(struct process *process, struct vmspace *space, const void *code, size_t size,
                   const char **reason);
// A new thread of the app that starts at `entry` with `arg`, on a fresh
// stack of the space; `enter` is its first code (in the kernel) and enters
// the app.
struct thread *space_spawn(struct process *process, uintptr_t entry, uintptr_t arg, void (*enter)(void *));
// The environment moved into the space (read-only); its address, or 0.
uintptr_t space_place_env(struct process *process);

error_t space_copy_from(struct process *process, void *dst, uintptr_t src, size_t len);
error_t space_copy_to(struct process *process, uintptr_t dst, const void *src, size_t len);
error_t space_check_writable(struct process *process, uintptr_t addr, size_t len);
error_t space_check_entry(struct process *process, uintptr_t entry);
uintptr_t space_grant(struct process *process, const void *data, size_t size);
long space_map_device(struct process *process, paddr_t base, size_t size);
long space_dma_alloc(struct process *process, size_t size, paddr_t *paddr);
long space_heap_grow(struct process *process, size_t size);
