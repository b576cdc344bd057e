// The user isolation mode: the app is its own ELF, in its own address space,
// running in U-mode. System calls arrive by ecall (arch trap code) into the
// same table; every pointer is checked page by page against the app's
// mappings (vmspace_copy_*).
#include "../kmalloc.h"
#include "../process.h"
#include "../sched.h"
#include "../thread.h"
#include "../vmspace.h"
#include <aster/env.h>
#include <stdio.h>

static error_t user_copy_from(struct process *process, void *dst, uintptr_t src, size_t len) {
    return vmspace_copy_from(process->vmspace, dst, src, len);
}

static error_t user_copy_to(struct process *process, uintptr_t dst, const void *src, size_t len) {
    return vmspace_copy_to(process->vmspace, dst, src, len);
}

static error_t user_check_writable(struct process *process, uintptr_t addr, size_t len) {
    return vmspace_check(process->vmspace, addr, len, VM_WRITE);
}

static error_t user_check_entry(struct process *process, uintptr_t entry) {
    return entry % 2 ? E_BAD_ADDRESS : vmspace_check(process->vmspace, entry, 2, VM_EXEC);
}

// First code of every user thread (in the kernel, on its kernel stack).
static void user_thread_entry(void *unused) {
    (void) unused;
    struct thread *thread = current_thread();
    thread->user_entered = true;
    arch_user_enter(thread->user_pc, thread->user_sp, thread->user_arg,
                    (char *) thread->stack + thread->stack_size);
}

static struct thread *user_spawn(struct process *process, uintptr_t entry, uintptr_t arg) {
    uintptr_t stack_top = vmspace_new_stack(process->vmspace);
    if (!stack_top)
        return NULL;
    struct thread *thread = thread_create(process, user_thread_entry, NULL);
    if (!thread) { // the stack waits for the next thread
        vmspace_release_stack(process->vmspace, stack_top);
        return NULL;
    }
    thread->user_pc = entry;
    thread->user_sp = stack_top;
    thread->user_arg = arg;
    return thread;
}

// Its own address space with its ELF file loaded.
static error_t user_load(struct process *process, const void *code, size_t size, const char **reason) {
    static char text[96]; // (startup is one thread)
    if (!size) {
        *reason = "the image has no user-mode build of it";
        return E_NOT_FOUND;
    }
    const char *why = "out of memory";
    process->vmspace = vmspace_create(&process->account);
    error_t err = process->vmspace ? vmspace_load_elf(process->vmspace, code, size, &process->user_entry, &why)
                                   : E_NO_MEMORY;
    if (err) {
        snprintf(text, sizeof(text), "cannot load its ELF file: %s", why);
        *reason = text;
    }
    return err;
}

// Mapped read-only into the app, not copied.
static uintptr_t user_grant(struct process *process, const void *data, size_t size) {
    return vmspace_share(process->vmspace, data, size);
}

// The environment moves into the app's memory (read-only); the first thread
// starts at the ELF's entry with its address.
static struct thread *user_start(struct process *process) {
    struct env *env = process->env;
    uintptr_t env_va = vmspace_place(process->vmspace, env, env->size);
    kfree(env);
    process->env = NULL;
    return env_va ? user_spawn(process, process->user_entry, env_va) : NULL;
}

static long user_heap_grow(struct process *process, size_t size) {
    uintptr_t va = vmspace_grow_heap(process->vmspace, size);
    return va ? (long) va : E_NO_MEMORY;
}

const struct isolation isolation_user = {
    .name = "user",
    .load = user_load,
    .grant = user_grant,
    .start = user_start,
    .copy_from = user_copy_from,
    .copy_to = user_copy_to,
    .check_writable = user_check_writable,
    .check_entry = user_check_entry,
    .spawn = user_spawn,
    .heap_grow = user_heap_grow,
};
