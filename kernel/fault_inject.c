// Test-only fault injection, for the fault-injection campaign
// (apps/faultinj): corrupts a running user-mode app the way a hardware
// fault or a wild write would, so the tests can show that whatever the app
// then does, the kernel stands and the app's supervisor brings it back.
// Only an app granted [permissions] inject_faults may ask for it.
#include "fault_inject.h"
#include "arch.h"
#include "process.h"
#include "thread.h"
#include "vmspace.h"
#include <stdio.h>

// A random thread of the app whose user registers are saved (it has entered
// user mode and is not running: the caller is another app).
static struct thread *pick_thread(struct process *process, uint64_t random) {
    uint32_t candidates = 0;
    LIST_FOR_EACH (thread, &process->threads, struct thread, process_link)
        candidates += thread->user_entered;
    if (!candidates)
        return NULL;
    uint32_t pick = (uint32_t) (random % candidates);
    LIST_FOR_EACH (thread, &process->threads, struct thread, process_link)
        if (thread->user_entered && pick-- == 0)
            return thread;
    return NULL;
}

static void *frame_top(struct thread *thread) { return (char *) thread->stack + thread->stack_size; }

// A random page of the app's own memory (its code and data, heap and
// stacks; not memory it shares, such as the boot file system), found by
// trying random addresses in those areas.
static bool pick_page(struct vmspace *vmspace, uint64_t random, uintptr_t *va, paddr_t *pa, const char **area) {
    for (int tries = 0; tries < 64; tries++, random = random * 6364136223846793005ull + 1442695040888963407ull) {
        uintptr_t start, end;
        switch ((random >> 60) % 3) {
        case 0: start = USER_BASE, end = vmspace->elf_end, *area = "code and data"; break;
        case 1: start = USER_HEAP_BASE, end = vmspace->heap_end, *area = "heap"; break;
        default: start = vmspace->stack_top, end = USER_STACK_TOP, *area = "stacks"; break;
        }
        if (end <= start)
            continue;
        uintptr_t address = ALIGN_DOWN(start + (random >> 8) % (end - start), PAGE_SIZE);
        unsigned flags;
        if (arch_vm_lookup(vmspace->arch, address, pa, &flags) && (flags & VM_OWNED)) {
            *va = address;
            return true;
        }
    }
    return false;
}

error_t fault_inject(struct process *target, enum fault_kind kind, uint64_t random, char *report, size_t size) {
    if (!target->vmspace)
        return E_NOT_SUPPORTED; // user mode only: the other modes keep no registers to flip
    if (kind == FAULT_END) {
        snprintf(report, size, "ended %s", target->name);
        process_end(target, "ended by the fault injector");
        return OK;
    }
    struct thread *thread = pick_thread(target, random);
    if (!thread)
        return E_BUSY; // not running user code yet
    random = random * 0x9e3779b97f4a7c15ull + 1;
    unsigned bit = (unsigned) (random >> 58); // 0..63
    uint64_t *pc = arch_user_register(frame_top(thread), 0);
    switch (kind) {
    case FAULT_REGISTER: {
        unsigned index = random % 8 == 0 ? 0 : 1 + (unsigned) ((random >> 32) % (ARCH_USER_REGISTERS - 1));
        uint64_t *reg = arch_user_register(frame_top(thread), index);
        *reg ^= 1ull << bit;
        snprintf(report, size, "flipped bit %u of %s (pc %lx)", bit, arch_user_register_name(index),
                 (unsigned long) *pc);
        return OK;
    }
    case FAULT_MEMORY: {
        uintptr_t va;
        paddr_t pa;
        const char *area;
        if (!pick_page(target->vmspace, random, &va, &pa, &area))
            return E_NOT_FOUND;
        uint32_t word = (uint32_t) (random >> 20) % (PAGE_SIZE / 8);
        ((uint64_t *) paddr_to_ptr(ALIGN_DOWN(pa, PAGE_SIZE)))[word] ^= 1ull << bit;
        snprintf(report, size, "flipped bit %u of the word at %lx (%s)", bit, (unsigned long) (va + word * 8),
                 area);
        return OK;
    }
    case FAULT_SKIP: {
        uint16_t first = 0;
        if (vmspace_copy_from(target->vmspace, &first, *pc, sizeof(first)))
            return E_BAD_ADDRESS; // its pc is already somewhere it cannot run
        snprintf(report, size, "skipped the instruction at pc %lx", (unsigned long) *pc);
        *pc += arch_instruction_length(first);
        return OK;
    }
    default: return E_INVALID_ARG;
    }
}
