// riscv64 implementation of the port interface (kernel/arch.h): interrupts,
// the kernel address space, time, console and power.
#include "../../arch.h"
#include "../../page.h"
#include "csr.h"
#include "hv.h"
#include "pagetable.h"
#include "sbi.h"
#include "trap_frame.h"
#include <string.h>

extern char __kernel_start[], __text_start[], __text_end[], __rodata_end[], __kernel_end[];
extern void trap_entry(void);
extern void arch_thread_trampoline(void);

uint64_t boot_instret __attribute__((section(".data"))); // written before .bss is cleared

static uint64_t *kernel_root;     // the kernel's own page table, once built
static uint64_t timer_hz = 10000000;
static volatile uint8_t *uart;    // 16550 registers, once known
static volatile uint32_t *poweroff_device;

#define MAX_RAM_REGIONS 8
static struct {
    paddr_t base;
    uint64_t size;
} ram_regions[MAX_RAM_REGIONS];
static int num_ram_regions;

void arch_early_init(void) {
    csr_write(stvec, (uint64_t) trap_entry);
    csr_write(scounteren, 7); // user mode may read cycle, time and instret
    csr_write(sie, 0);
    csr_clear(sstatus, SSTATUS_SIE);
}

void *paddr_to_ptr(paddr_t paddr) { return (void *) (paddr + KERNEL_DIRECT_MAP_BASE); }

paddr_t ptr_to_paddr(const void *ptr) {
    vaddr_t va = (vaddr_t) ptr;
    if (va >= KERNEL_IMAGE_VBASE)
        return va - KERNEL_IMAGE_VBASE + KERNEL_IMAGE_PBASE;
    return va - KERNEL_DIRECT_MAP_BASE;
}

uint64_t arch_ram0_start, arch_ram0_end;

bool arch_is_kernel_ram_slow(const void *ptr, size_t len) {
    vaddr_t start = (vaddr_t) ptr, end = start + len;
    if (end < start)
        return false;
    if (start >= (vaddr_t) __kernel_start && end <= (vaddr_t) __kernel_end)
        return true;
    for (int i = 0; i < num_ram_regions; i++) {
        vaddr_t base = (vaddr_t) paddr_to_ptr(ram_regions[i].base);
        if (start >= base && end <= base + ram_regions[i].size)
            return true;
    }
    return false;
}

static void map_image_range(char *start, char *end, uint64_t flags) {
    error_t err = pagetable_map(kernel_root, (vaddr_t) start, ptr_to_paddr(start),
                                ALIGN_UP((uint64_t) (end - start), PAGE_SIZE), flags | PTE_G, &kernel_account);
    if (err)
        PANIC("cannot map the kernel image: %s", error_name(err));
}

// Builds the kernel's page table: the image with per-section permissions and
// every RAM region in the direct map. Devices are added by arch_map_device.
void arch_vm_init(void) {
    kernel_root = pagetable_create(&kernel_account);
    if (!kernel_root)
        PANIC("no memory for the kernel page table");
    map_image_range(__kernel_start, __text_end, PTE_R | PTE_X);
    map_image_range(__text_end, __rodata_end, PTE_R);
    map_image_range(__rodata_end, __kernel_end, PTE_R | PTE_W);
    for (int i = 0; i < num_ram_regions; i++) {
        error_t err = pagetable_map(kernel_root, (vaddr_t) paddr_to_ptr(ram_regions[i].base),
                                    ram_regions[i].base, ram_regions[i].size, PTE_R | PTE_W | PTE_G,
                                    &kernel_account);
        if (err)
            PANIC("cannot map RAM: %s", error_name(err));
    }
    pagetable_activate(kernel_root);
}

void *arch_vm_create(struct account *account) { return pagetable_create_user(kernel_root, account); }

// A change to the running space's tables must be fenced before the CPU may
// use it (without Svvptc, even a new mapping: the walk may have cached the
// invalid entry). Other spaces are flushed whole when switched to.
static inline void flush_if_active(void *vm, vaddr_t va) {
    if (vm == pagetable_active)
        __asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
    else if (vm == hv_loaded_root) // a guest space in hgatp: the operand is the address >> 2
        __asm__ volatile("hfence.gvma %0, zero" ::"r"(va >> 2) : "memory");
}

// Clears the 4 KiB mappings of [va, va + size); frees the owned pages if
// asked (else they stay the caller's).
static void unmap_range(void *vm, vaddr_t va, uint64_t size, struct account *account, bool free_owned) {
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t *leaf = va + off < (1ull << 38) ? pagetable_leaf(vm, va + off) : NULL;
        if (!leaf)
            continue;
        uint64_t entry = *leaf;
        *leaf = 0;
        flush_if_active(vm, va + off);
        if (free_owned && (entry & PTE_OWNED))
            page_free((entry >> 10) << 12, 1, account);
    }
}

// On failure nothing of the range stays mapped (and the pages stay the caller's).
error_t arch_vm_map(void *vm, vaddr_t va, paddr_t pa, uint64_t size, unsigned flags, struct account *account) {
    uint64_t pte = PTE_U | (flags & VM_READ ? PTE_R : 0) | (flags & VM_WRITE ? PTE_W : 0)
                 | (flags & VM_EXEC ? PTE_X : 0) | (flags & VM_OWNED ? PTE_OWNED : 0)
                 | (flags & VM_DEVICE ? PTE_DEVICE : 0);
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) { // 4 KiB pages: lookups stay simple
        error_t err = pagetable_map(vm, va + off, pa + off, PAGE_SIZE, pte, account);
        if (err) {
            unmap_range(vm, va, off, account, false);
            return err;
        }
        flush_if_active(vm, va + off);
    }
    return OK;
}

void arch_vm_unmap(void *vm, vaddr_t va, uint64_t size, struct account *account) {
    unmap_range(vm, va, size, account, true);
}

bool arch_vm_lookup(void *vm, vaddr_t va, paddr_t *pa, unsigned *flags) {
    if (va >= (1ull << 38))
        return false;
    uint64_t *leaf = pagetable_leaf(vm, va);
    if (!leaf || !(*leaf & PTE_U))
        return false;
    *pa = ((*leaf >> 10) << 12) | (va & (PAGE_SIZE - 1));
    *flags = (*leaf & PTE_R ? VM_READ : 0) | (*leaf & PTE_W ? VM_WRITE : 0) | (*leaf & PTE_X ? VM_EXEC : 0)
           | (*leaf & PTE_OWNED ? VM_OWNED : 0) | (*leaf & PTE_DEVICE ? VM_DEVICE : 0);
    return true;
}

void arch_vm_destroy(void *vm, struct account *account) { pagetable_destroy_user(vm, account); }

void arch_vm_activate(void *vm) { pagetable_activate(vm ? vm : kernel_root); }

void arch_map_ram(paddr_t base, uint64_t size) {
    if (num_ram_regions == MAX_RAM_REGIONS || base + size > KERNEL_DIRECT_MAP_SIZE) {
        WARN("ignoring RAM at %lx (size %lx)", (unsigned long) base, (unsigned long) size);
        return;
    }
    ram_regions[num_ram_regions].base = ALIGN_UP(base, PAGE_SIZE);
    ram_regions[num_ram_regions].size = ALIGN_DOWN(size, PAGE_SIZE);
    if (num_ram_regions++ == 0) {
        arch_ram0_start = (uint64_t) paddr_to_ptr(ram_regions[0].base);
        arch_ram0_end = arch_ram0_start + ram_regions[0].size;
    }
}

void *arch_map_device(paddr_t base, uint64_t size) {
    paddr_t start = ALIGN_DOWN(base, PAGE_SIZE);
    uint64_t len = ALIGN_UP(base + size, PAGE_SIZE) - start;
    if (base + size < base || base + size > KERNEL_DIRECT_MAP_SIZE)
        return NULL;
    if (kernel_root) {
        error_t err = pagetable_map(kernel_root, (vaddr_t) paddr_to_ptr(start), start, len,
                                    PTE_R | PTE_W | PTE_G, &kernel_account);
        if (err && err != E_ALREADY_EXISTS)
            return NULL;
        __asm__ volatile("sfence.vma" ::: "memory");
    }
    return paddr_to_ptr(base);
}

// WFI with interrupts masked wakes on any pending interrupt, so one that
// arrives just before it is not missed; unmasking then takes it.
void arch_idle(void) {
    __asm__ volatile("wfi\n csrsi sstatus, 2\n csrci sstatus, 2" ::: "memory");
}

void arch_context_init(struct arch_context *ctx, void *stack_top, void (*entry)(void *), void *arg) {
    *ctx = (struct arch_context){0};
    ctx->ra = (uint64_t) arch_thread_trampoline;
    ctx->sp = ALIGN_DOWN((uint64_t) stack_top, 16);
    ctx->s[1] = (uint64_t) entry;
    ctx->s[2] = (uint64_t) arg;
}

uint64_t arch_timer_hz(void) { return timer_hz; }
void arch_set_timer_hz(uint64_t hz) { timer_hz = hz; }
uint64_t arch_instret(void) { return csr_read(instret); }

void arch_timer_arm(uint64_t deadline_ticks) {
    sbi_call(SBI_EXT_TIME, 0, (long) deadline_ticks, 0, 0);
    csr_set(sie, SIE_STIE);
}

#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20

void arch_console_putc(char c) {
    if (!uart) {
        sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, c, 0, 0);
        return;
    }
    while (!(uart[UART_LSR] & UART_LSR_THRE))
        ;
    uart[UART_THR] = c;
}

void arch_console_init(paddr_t uart_base, uint64_t size) { uart = arch_map_device(uart_base, size); }

void arch_set_poweroff_device(paddr_t base, uint64_t size) {
    poweroff_device = arch_map_device(base, size);
}

void arch_poweroff(int status) {
    if (poweroff_device) // sifive_test: 0x5555 passes, (code << 16) | 0x3333 fails
        *poweroff_device = status == 0 ? 0x5555 : ((uint32_t) status << 16) | 0x3333;
    sbi_call(SBI_EXT_SRST, 0, 0, status == 0 ? 0 : 1, 0);
    for (;;)
        __asm__ volatile("wfi");
}

// Is `pc` a return address: in kernel text, just after a call instruction
// (jal ra / jalr ra, or the compressed c.jalr)?
static bool is_return_address(uint64_t pc) {
    if (pc < (uint64_t) __text_start + 4 || pc >= (uint64_t) __text_end || pc % 2)
        return false;
    uint16_t half = *(const uint16_t *) (pc - 2);
    uint32_t word = *(const uint16_t *) (pc - 4) | (uint32_t) half << 16;
    return (word & 0xfff) == 0x0ef || (word & 0x7fff) == 0x0e7 || (half & 0xf07f) == 0x9002;
}

// The kernel is built without frame pointers (they cost a fifth of an IPC
// round trip), so a backtrace scans the stack for words that look like
// return addresses. Like any scan it can include stale entries.
void arch_backtrace(void (*fn)(uint64_t pc, void *ctx), void *ctx, const void *stack_top) {
    extern char boot_stack_top[];
    const uint64_t *sp = __builtin_frame_address(0);
    const uint64_t *top = stack_top ? stack_top : (const void *) boot_stack_top;
    if (top < sp || top - sp > 8192)
        top = sp + 512;
    for (int found = 0; sp < top && found < 24; sp++) {
        if (is_return_address(*sp)) {
            fn(*sp, ctx);
            found++;
        }
    }
}

// Builds a trap frame that "returns" to user mode and leaves through it.
void arch_user_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg, void *kernel_stack_top) {
    extern NORETURN void arch_trap_resume(struct trap_frame *tf);
    arch_irq_save(); // interrupts stay off until sret
    struct trap_frame *tf = (struct trap_frame *) ((uintptr_t) kernel_stack_top - sizeof(*tf));
    memset(tf, 0, sizeof(*tf));
    tf->regs[2] = sp;
    tf->regs[10] = arg;
    tf->sepc = pc;
    // U-mode, interrupts on once there. The FPU and vector unit stay off
    // (FS = VS = 0): their registers are not switched, so using them traps.
    tf->sstatus = (csr_read(sstatus) & ~(SSTATUS_SPP | SSTATUS_SIE | SSTATUS_SUM | SSTATUS_FS | SSTATUS_VS))
                | SSTATUS_SPIE;
    arch_trap_resume(tf);
}

uint64_t *arch_user_register(void *kernel_stack_top, unsigned index) {
    struct trap_frame *tf = (struct trap_frame *) ((uintptr_t) kernel_stack_top - sizeof(*tf));
    return index == 0 ? &tf->sepc : &tf->regs[index % 32];
}

const char *arch_user_register_name(unsigned index) {
    static const char *names[32] = {
        "pc", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
        "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
    };
    return names[index % 32];
}

// RISC-V: 16-bit compressed instructions have low bits other than 11.
unsigned arch_instruction_length(uint16_t first) { return (first & 3) == 3 ? 4 : 2; }
