#include "space.h"
#include "../kmalloc.h"
#include "../process.h"
#include "../thread.h"
#include "../vmspace.h"
#include <aster/env.h>
#include <stdio.h>

error_t space_load(struct process *process, struct vmspace *space, const void *code, size_t size,
                   const char **reason) {
    static char text[96]; // (startup is one thread)
    const char *why = "out of memory";
    process->vmspace = space;
    error_t err = space ? vmspace_load_elf(space, code, size, &process->user_entry, &why) : E_NO_MEMORY;
    if (err) {
        snprintf(text, sizeof(text), "cannot load its ELF file: %s", why);
        *reason = text;
    }
    return err;
}

struct thread *space_spawn(struct process *process, uintptr_t entry, uintptr_t arg, void (*enter)(void *)) {
    uintptr_t stack_top = vmspace_new_stack(process->vmspace);
    if (!stack_top)
        return NULL;
    struct thread *thread = thread_create(process, enter, NULL);
    if (!thread) { // the stack waits for the next thread
        vmspace_release_stack(process->vmspace, stack_top);
        return NULL;
    }
    thread->user_pc = entry;
    thread->user_sp = stack_top;
    thread->user_arg = arg;
    return thread;
}

uintptr_t space_place_env(struct process *process) {
    struct env *env = process->env;
    uintptr_t address = vmspace_place(process->vmspace, env, env->size);
    kfree(env);
    process->env = NULL;
    return address;
}

error_t space_copy_from(struct process *process, void *dst, uintptr_t src, size_t len) {
    return vmspace_copy_from(process->vmspace, dst, src, len);
}

error_t space_copy_to(struct process *process, uintptr_t dst, const void *src, size_t len) {
    return vmspace_copy_to(process->vmspace, dst, src, len);
}

error_t space_check_writable(struct process *process, uintptr_t addr, size_t len) {
    return vmspace_check(process->vmspace, addr, len, VM_WRITE);
}

error_t space_check_entry(struct process *process, uintptr_t entry) {
    return entry % 2 ? E_BAD_ADDRESS : vmspace_check(process->vmspace, entry, 2, VM_EXEC);
}

// Mapped read-only into the space, not copied.
uintptr_t space_grant(struct process *process, const void *data, size_t size) {
    return vmspace_share(process->vmspace, data, size);
}

long space_map_device(struct process *process, paddr_t base, size_t size) {
    uintptr_t va = vmspace_map_device(process->vmspace, base, size);
    return va ? (long) va : E_NO_MEMORY;
}

long space_dma_alloc(struct process *process, size_t size, paddr_t *paddr) {
    uintptr_t va = vmspace_alloc_dma(process->vmspace, size, paddr);
    return va ? (long) va : E_NO_MEMORY;
}

long space_heap_grow(struct process *process, size_t size) {
    uintptr_t va = vmspace_grow_heap(process->vmspace, size);
    return va ? (long) va : E_NO_MEMORY;
}
