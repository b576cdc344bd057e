// The vm isolation mode: the app runs in a micro-VM of its own, with no
// guest OS: its ELF file (the same one as user mode) is loaded into a
// guest-physical address space (G-stage tables, the user-mode layout) and
// runs in VS-mode with no translation of its own. Its system calls are
// hypercalls (ecall from VS-mode) into the same table; every pointer is a
// guest-physical address checked page by page against the G-stage mappings
// (space.c). Each thread is a vCPU of the same space. A guest-page fault on
// a stack page not yet used maps it (stacks grow as used, vmspace.c); any
// other trap from the guest (another guest-page fault, a privileged or
// virtual instruction) ends the app (kernel/arch: the trap code and hv.c).
#include "space.h"
#include "../kmalloc.h"
#include "../process.h"
#include "../sched.h"
#include "../syscall.h"
#include "../thread.h"
#include "../vmspace.h"

// A vCPU left its guest: a hypercall goes to the system-call table like
// any app's call; every other exit is a fault that ends the app alone.
// Inlined into the trap code (LTO): a hypercall pays no more than a call.
__attribute__((always_inline)) long vcpu_exit(const struct vcpu_exit *exit) {
    if (exit->reason == VCPU_EXIT_HYPERCALL)
        return syscall_dispatch(exit->args[0], exit->args[1], exit->args[2], exit->args[3], exit->args[4],
                                exit->args[5]);
    if (exit->reason == VCPU_EXIT_GUEST_PAGE_FAULT && process_fault_in(exit->address))
        return 0; // an untouched stack page, mapped now: the guest runs the access again
    process_guest_fault(exit->cause, exit->pc, exit->address);
}

// First code of every vCPU thread (in the kernel, on its kernel stack).
static void vcpu_thread_entry(void *unused) {
    (void) unused;
    struct thread *thread = current_thread();
    thread->user_entered = true;
    arch_guest_enter(thread->user_pc, thread->user_sp, thread->user_arg,
                     (char *) thread->stack + thread->stack_size, thread->vcpu);
}

static struct thread *vm_spawn(struct process *process, uintptr_t entry, uintptr_t arg) {
    struct arch_vcpu *vcpu = kmalloc(sizeof(*vcpu), &process->account);
    struct thread *thread = vcpu ? space_spawn(process, entry, arg, vcpu_thread_entry) : NULL;
    if (!thread) {
        kfree(vcpu);
        return NULL;
    }
    arch_vcpu_init(vcpu, process->vmspace->arch);
    thread->vcpu = vcpu;
    thread->vmspace = NULL; // the kernel's own address space stays: a guest has hgatp
    return thread;
}

static error_t vm_load(struct process *process, const void *code, size_t size, const char **reason) {
    if (!size) {
        *reason = "the image has no build of it for vm mode (its user-mode ELF file)";
        return E_NOT_FOUND;
    }
    return space_load(process, vmspace_create_guest(&process->account), code, size, reason);
}

// The first vCPU starts at the ELF's entry with the environment's address.
static struct thread *vm_start(struct process *process) {
    uintptr_t env = space_place_env(process);
    return env ? vm_spawn(process, process->user_entry, env) : NULL;
}

const struct isolation isolation_vm = {
    .name = "vm",
    .load = vm_load,
    .grant = space_grant,
    .start = vm_start,
    .copy_from = space_copy_from,
    .copy_to = space_copy_to,
    .check_writable = space_check_writable,
    .check_entry = space_check_entry,
    .spawn = vm_spawn,
    .heap_grow = space_heap_grow,
    .map_device = space_map_device,
    .dma_alloc = space_dma_alloc,
};
