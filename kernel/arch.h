// The port interface: everything the portable kernel needs from a CPU
// architecture. Only kernel/arch/<isa>/ implements it.
#pragma once
#include "common.h"
#include <arch_defs.h> // the port's constants: struct arch_context, address layout

// Boot: installs the trap vector with interrupts off (before anything else).
void arch_early_init(void);
// Records physical RAM [base, base + size) for the direct map (before vm_init).
void arch_map_ram(paddr_t base, uint64_t size);
// Builds and switches to the kernel's own page table (needs the page allocator).
void arch_vm_init(void);
// Maps a device's registers and returns their kernel address (NULL on failure).
void *arch_map_device(paddr_t base, uint64_t size);

// Physical <-> kernel virtual addresses for RAM.
void *paddr_to_ptr(paddr_t paddr);
paddr_t ptr_to_paddr(const void *ptr);
// arch_is_kernel_ram(ptr, len), in <arch_inline.h>: true if [ptr, ptr + len)
// is mapped kernel RAM or kernel image data.

// User address spaces (the lower half; the kernel's half is shared).
#define VM_READ  (1u << 0)
#define VM_WRITE (1u << 1)
#define VM_EXEC  (1u << 2)
#define VM_OWNED (1u << 3) // the page belongs to the space: freed with it
#define VM_DEVICE (1u << 4) // device registers: the kernel never reads or writes them
struct account;
// A new, empty user address space, or NULL. Its page tables (and pages
// mapped VM_OWNED) are charged to `account`.
void *arch_vm_create(struct account *account);
// Maps 4 KiB pages [va, va + size) -> [pa, pa + size) for the user.
error_t arch_vm_map(void *vm, vaddr_t va, paddr_t pa, uint64_t size, unsigned flags,
                    struct account *account);
// Removes the mappings of [va, va + size) there are (4 KiB pages), freeing
// the pages mapped VM_OWNED (charged to `account`). Tables stay.
void arch_vm_unmap(void *vm, vaddr_t va, uint64_t size, struct account *account);
// The page containing va: its physical address and VM_* flags; false if unmapped.
bool arch_vm_lookup(void *vm, vaddr_t va, paddr_t *pa, unsigned *flags);
// Frees the space: its tables and the pages mapped VM_OWNED.
void arch_vm_destroy(void *vm, struct account *account);
// Switches to a space (NULL: the kernel's own).
void arch_vm_activate(void *vm);
// Test-only fault injection: the user registers of a thread that has
// entered user mode and is not running, saved at the top of its kernel
// stack. Index 0 is the pc, 1..ARCH_USER_REGISTERS-1 the others (x1..x31).
#define ARCH_USER_REGISTERS 32
uint64_t *arch_user_register(void *kernel_stack_top, unsigned index);
const char *arch_user_register_name(unsigned index);
// The length of the instruction whose first two bytes are `first`.
unsigned arch_instruction_length(uint16_t first);
// The hypervisor extension (vm mode). A guest-physical address space (its
// G-stage tables) is made by arch_guest_space_create and then used with
// arch_vm_map, arch_vm_unmap and arch_vm_lookup like a user address space
// (the same layout of addresses, all below 2^38); arch_guest_space_destroy
// frees it. Guests run in VS-mode with no address translation of their own.
// Sets up the hypervisor CSRs: call once at boot on a CPU that has the H
// extension (the device tree says so); vm mode is available only then.
void arch_hv_init(void);
bool arch_hv_available(void);
void *arch_guest_space_create(struct account *account);
void arch_guest_space_destroy(void *space, struct account *account);
// A vCPU of the guest space: its CSRs at their reset values.
void arch_vcpu_init(struct arch_vcpu *vcpu, void *space);
// Forgets a vCPU about to be freed (its CSRs may still be loaded).
void arch_vcpu_release(struct arch_vcpu *vcpu);
// Enters the guest at pc (VS-mode) with sp and a0 = arg; traps from it
// land on kernel_stack_top as user traps do. Does not return.
NORETURN void arch_guest_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg, void *kernel_stack_top,
                               struct arch_vcpu *vcpu);
// Why a vCPU left its guest. Interrupts (the timer, devices) stay with the
// kernel and are not exits: a guest that loops is preempted like any app.
enum vcpu_exit_reason {
    VCPU_EXIT_HYPERCALL,           // ecall from the guest: args a0..a4, number in args[5]
    VCPU_EXIT_GUEST_PAGE_FAULT,    // address: the guest-physical address
    VCPU_EXIT_VIRTUAL_INSTRUCTION, // a privileged instruction or CSR the guest may not use
    VCPU_EXIT_ILLEGAL_INSTRUCTION,
    VCPU_EXIT_OTHER,               // any other exception (misaligned access, breakpoint, ...)
};
struct vcpu_exit {
    enum vcpu_exit_reason reason;
    const char *cause; // the exception's name, for every exit but a hypercall
    uint64_t pc;       // the guest's
    uint64_t address;  // the faulting address (guest-physical for a page fault)
    long args[6];      // a hypercall's
};
// vm mode's handling of an exit (kernel/isolation/vm.c), called by the
// port's trap code: a hypercall's result, which the guest gets in a0; a
// guest-page fault it resolved returns (the guest retries the access);
// any other exit ends the app and does not return.
long vcpu_exit(const struct vcpu_exit *exit);
// Enters user mode at pc with sp and a0 = arg; the kernel stack for traps
// from this thread tops at kernel_stack_top. Does not return.
NORETURN void arch_user_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg, void *kernel_stack_top);

// Interrupts: save-and-disable (arch_irq_save), restore, enable; and the
// time counter (arch_time_ticks). They are on every system call's path, so
// the port defines them inline in <arch_inline.h>.
#include <arch_inline.h>
// Waits (interrupts enabled) until some interrupt is pending.
void arch_idle(void);

// Context switching. A new thread starts in `entry(arg)` on `stack_top`,
// with interrupts enabled.
void arch_context_init(struct arch_context *ctx, void *stack_top, void (*entry)(void *), void *arg);
void arch_switch(struct arch_context *prev, struct arch_context *next);

// Time: a free-running counter at `arch_timer_hz()` and a one-shot deadline.
uint64_t arch_timer_hz(void);
void arch_set_timer_hz(uint64_t hz);
void arch_timer_arm(uint64_t deadline_ticks);
// Retired-instruction counter, for benchmarks.
uint64_t arch_instret(void);
// Instruction count at kernel entry.
extern uint64_t boot_instret;

// Device interrupts (the platform's interrupt controller). Sources are
// numbered 1..N; a claimed source raises no new interrupt until completed.
void arch_irq_controller_init(paddr_t base, uint64_t size, int32_t context, uint32_t sources);
bool arch_irq_source_valid(uint32_t irq);
void arch_irq_source_enable(uint32_t irq);
void arch_irq_source_disable(uint32_t irq);
// The next pending source (0: none) and, once handled, its completion.
uint32_t arch_irq_claim(void);
void arch_irq_complete(uint32_t irq);

// Console output (polling). Before the UART is known, output goes to firmware.
void arch_console_putc(char c);
void arch_console_init(paddr_t uart_base, uint64_t size);

// Ends the machine: status 0 = success. Uses the test device when known.
void arch_set_poweroff_device(paddr_t base, uint64_t size);
NORETURN void arch_poweroff(int status);

// Calls fn for each return address found on the current stack, innermost
// first; stack_top bounds the search (NULL: the boot stack).
void arch_backtrace(void (*fn)(uint64_t pc, void *ctx), void *ctx, const void *stack_top);
