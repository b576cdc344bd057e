// The user isolation mode: the app is its own ELF, in its own address space
// (Sv39), running in U-mode. System calls arrive by ecall (arch trap code)
// into the same table; every pointer is checked page by page against the
// app's mappings (space.c, vmspace_copy_*).
#include "space.h"
#include "../process.h"
#include "../sched.h"
#include "../thread.h"
#include "../vmspace.h"

// First code of every user thread (in the kernel, on its kernel stack).
static void user_thread_entry(void *unused) {
    (void) unused;
    struct thread *thread = current_thread();
    thread->user_entered = true;
    arch_user_enter(thread->user_pc, thread->user_sp, thread->user_arg,
                    (char *) thread->stack + thread->stack_size);
}

static struct thread *user_spawn(struct process *process, uintptr_t entry, uintptr_t arg) {
    return space_spawn(process, entry, arg, user_thread_entry);
}

static error_t user_load(struct process *process, const void *code, size_t size, const char **reason) {
    if (!size) {
        *reason = "the image has no user-mode build of it";
        return E_NOT_FOUND;
    }
    return space_load(process, vmspace_create(&process->account), code, size, reason);
}

// The first thread starts at the ELF's entry with the environment's address.
static struct thread *user_start(struct process *process) {
    uintptr_t env = space_place_env(process);
    return env ? user_spawn(process, process->user_entry, env) : NULL;
}

const struct isolation isolation_user = {
    .name = "user",
    .load = user_load,
    .grant = space_grant,
    .start = user_start,
    .copy_from = space_copy_from,
    .copy_to = space_copy_to,
    .check_writable = space_check_writable,
    .check_entry = space_check_entry,
    .spawn = user_spawn,
    .heap_grow = space_heap_grow,
    .map_device = space_map_device,
    .dma_alloc = space_dma_alloc,
};
