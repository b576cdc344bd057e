// Trap dispatch: interrupts go to the portable timer and scheduler code;
// an exception in the kernel is a bug and ends in a readable panic report.
#include "../../arch.h"
#include "../../ksyms.h"
#include "../../process.h"
#include "../../syscall.h"
#include "../../timer.h"
#include "csr.h"
#include "../../interrupt.h"
#include "hv.h"
#include "../../sched.h"
#include "../../thread.h"
#include "trap_frame.h"

static const char *exception_names[] = {
    [0] = "instruction address misaligned",
    [1] = "instruction access fault",
    [2] = "illegal instruction",
    [3] = "breakpoint",
    [4] = "load address misaligned",
    [5] = "load access fault",
    [6] = "store address misaligned",
    [7] = "store access fault",
    [8] = "environment call from U-mode",
    [9] = "environment call from S-mode",
    [12] = "instruction page fault",
    [13] = "load page fault",
    [15] = "store page fault",
};

static const char *exception_name(uint64_t cause) {
    if (cause < ARRAY_SIZE(exception_names) && exception_names[cause])
        return exception_names[cause];
    return "unknown exception";
}

static const char *reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
    "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
    "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static void print_symbol(const char *label, uint64_t pc) {
    uint64_t offset;
    const char *name = ksym_lookup(pc, &offset);
    printk("    %s %016lx %s+0x%lx\n", label, (unsigned long) pc, name ? name : "?",
           (unsigned long) (name ? offset : 0));
}

static NORETURN void kernel_exception(struct trap_frame *tf) {
    printk("\n*** kernel exception: %s (scause %lu)\n", exception_name(tf->scause),
           (unsigned long) tf->scause);
    printk("    address %016lx  sstatus %016lx\n", (unsigned long) tf->stval,
           (unsigned long) tf->sstatus);
    print_symbol("pc", tf->sepc);
    print_symbol("ra", tf->regs[1]);
    for (int i = 1; i < 32; i++)
        printk("    %-4s %016lx%s", reg_names[i], (unsigned long) tf->regs[i], i % 4 == 3 ? "\n" : "");
    printk("\n");
    panic("%s at pc %lx", exception_name(tf->scause), (unsigned long) tf->sepc);
}

#define CAUSE_ECALL_FROM_U  8
#define CAUSE_LOAD_PAGE_FAULT 13
#define CAUSE_STORE_PAGE_FAULT 15
#define CAUSE_ECALL_FROM_VS 10

static const char *guest_exception_names[] = {
    [20] = "instruction guest-page fault",
    [21] = "load guest-page fault",
    [22] = "virtual instruction",
    [23] = "store guest-page fault",
};

#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_VIRTUAL_INSTRUCTION 22

// A trap from a guest (vm mode), told to vm mode as a vCPU exit. Guest-page
// faults carry the guest-physical address (htval holds it shifted by 2).
static void guest_trap(struct trap_frame *tf, uint64_t htval) {
    uint64_t cause = tf->scause;
    struct vcpu_exit exit = {.pc = tf->sepc, .address = tf->stval};
    if (cause == CAUSE_ECALL_FROM_VS) {
        exit.reason = VCPU_EXIT_HYPERCALL;
        for (int i = 0; i < 5; i++)
            exit.args[i] = (long) tf->regs[10 + i];
        exit.args[5] = (long) tf->regs[17];
        tf->sepc += 4;
        tf->regs[10] = (uint64_t) vcpu_exit(&exit);
        return;
    }
    exit.cause = exception_name(cause);
    if (cause < ARRAY_SIZE(guest_exception_names) && guest_exception_names[cause])
        exit.cause = guest_exception_names[cause];
    if (cause == CAUSE_VIRTUAL_INSTRUCTION) {
        exit.reason = VCPU_EXIT_VIRTUAL_INSTRUCTION;
    } else if (cause == CAUSE_ILLEGAL_INSTRUCTION) {
        exit.reason = VCPU_EXIT_ILLEGAL_INSTRUCTION;
    } else if (cause >= 20 && cause <= 23) {
        exit.reason = VCPU_EXIT_GUEST_PAGE_FAULT;
        exit.address = (htval << 2) | (tf->stval & 3);
    } else {
        exit.reason = VCPU_EXIT_OTHER;
    }
    vcpu_exit(&exit);
}

// An exception from user mode other than a system call: a first touch of
// a stack page (mapped now: the access runs again), or a fault that ends
// the app. Out of line, as the other rare paths: the system-call path
// keeps its few registers.
static NOINLINE void user_exception(struct trap_frame *tf) {
    if ((tf->scause == CAUSE_LOAD_PAGE_FAULT || tf->scause == CAUSE_STORE_PAGE_FAULT) && process_fault_in(tf->stval))
        return;
    process_fault(exception_name(tf->scause), tf->sepc, tf->stval);
}

// A trap from user mode: a system call, or an exception.
static void user_trap(struct trap_frame *tf) {
    if (tf->scause == CAUSE_ECALL_FROM_U) {
        tf->sepc += 4;
        tf->regs[10] = syscall_dispatch(tf->regs[10], tf->regs[11], tf->regs[12], tf->regs[13],
                                        tf->regs[14], tf->regs[17]);
        return;
    }
    user_exception(tf);
}

// Device interrupts: each pending source goes to its interrupt object.
static NOINLINE void external_interrupts(void) {
    for (uint32_t source; (source = arch_irq_claim()) != 0;)
        interrupt_fire(source);
}

static void interrupt(uint64_t cause) {
    uint64_t irq = cause & ~SCAUSE_INTERRUPT;
    if (irq == IRQ_S_EXTERNAL) {
        external_interrupts();
        return;
    }
    if (irq != IRQ_S_TIMER)
        PANIC("unexpected interrupt %lu", (unsigned long) irq);
    csr_clear(sie, SIE_STIE); // re-enabled by the next arch_timer_arm
    timer_interrupt();
}

// A trap from a guest, out of line: the other traps' path stays short.
static NOINLINE void guest_trap_handler(struct trap_frame *tf, struct thread *thread) {
    uint64_t htval = csr_read(htval); // before any other trap
    if (tf->scause & SCAUSE_INTERRUPT)
        interrupt(tf->scause);
    else
        guest_trap(tf, htval);
    process_return_to_user();   // ends the thread if its app was ended
    hv_vcpu_load(thread->vcpu); // another vCPU may have run meanwhile
}

void trap_handler(struct trap_frame *tf) {
    uint64_t cause = tf->scause;
    struct thread *thread = current_thread();
    if (__builtin_expect(thread->vcpu != NULL, 0) && hv_trap_from_guest(tf))
        return guest_trap_handler(tf, thread);
    bool from_user = !(tf->sstatus & SSTATUS_SPP);
    if (cause & SCAUSE_INTERRUPT)
        interrupt(cause);
    else if (from_user)
        user_trap(tf);
    else
        kernel_exception(tf);
    if (from_user)
        process_return_to_user(); // ends the thread if its app was ended
    else if (cause & SCAUSE_INTERRUPT)
        process_interrupted(); // the same for a kernel-mode app
}
