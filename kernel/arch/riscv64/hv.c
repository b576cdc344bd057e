// The hypervisor extension (H) for vm mode: the hypervisor CSRs, G-stage
// address spaces (Sv39x4) and the vCPU state that lives in CSRs.
//
// A guest runs in VS-mode with no translation of its own (vsatp Bare): its
// addresses are guest-physical, translated by the G-stage tables of its
// space (hgatp). Every exception and interrupt of a guest traps to the
// kernel (hedeleg = hideleg = 0); sret, wfi and any satp or sfence.vma use
// in the guest trap as virtual instructions (VTSR, VTW, VTVM), which end
// the app. The VS-mode CSRs are switched lazily: they stay loaded until
// another vCPU enters.
#include "../../arch.h"
#include "../../page.h"
#include "csr.h"
#include "hv.h"
#include "pagetable.h"
#include <string.h>

#define HGATP_SV39X4 (8ull << 60)
#define ROOT_PAGES   4          // the 16 KiB root: 2048 entries for 41-bit guest addresses

static bool available;
static struct arch_vcpu *loaded;  // whose VS CSRs and hgatp are in the CPU
uint64_t *hv_loaded_root;         // the G-stage root in hgatp (NULL: none)

void arch_hv_init(void) {
    csr_write(hedeleg, 0);
    csr_write(hideleg, 0);
    csr_write(hvip, 0);
    csr_write(hcounteren, 7); // the guest may read cycle, time and instret
    csr_write(hgatp, 0);
    csr_clear(hstatus, HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU);
    csr_set(hstatus, HSTATUS_VTSR | HSTATUS_VTW | HSTATUS_VTVM);
    __asm__ volatile("hfence.gvma zero, zero" ::: "memory");
    available = true;
}

bool arch_hv_available(void) { return available; }

void *arch_guest_space_create(struct account *account) {
    paddr_t root = page_alloc_aligned(ROOT_PAGES, ROOT_PAGES * PAGE_SIZE, account);
    if (!root)
        return NULL;
    memset(paddr_to_ptr(root), 0, ROOT_PAGES * PAGE_SIZE);
    return paddr_to_ptr(root);
}

void arch_guest_space_destroy(void *space, struct account *account) {
    if (space == hv_loaded_root) { // never leave freed tables in hgatp
        csr_write(hgatp, 0);
        __asm__ volatile("hfence.gvma zero, zero" ::: "memory");
        hv_loaded_root = NULL;
    }
    pagetable_destroy_levels(space, account);
    page_free(ptr_to_paddr(space), ROOT_PAGES, account);
}

void arch_vcpu_init(struct arch_vcpu *vcpu, void *space) {
    *vcpu = (struct arch_vcpu){.hgatp = HGATP_SV39X4 | (ptr_to_paddr(space) >> 12)};
}

static void save(struct arch_vcpu *vcpu) {
    vcpu->vsstatus = csr_read(vsstatus);
    vcpu->vsie = csr_read(vsie);
    vcpu->vstvec = csr_read(vstvec);
    vcpu->vsscratch = csr_read(vsscratch);
    vcpu->vsepc = csr_read(vsepc);
    vcpu->vscause = csr_read(vscause);
    vcpu->vstval = csr_read(vstval);
    vcpu->vsatp = csr_read(vsatp);
}

void hv_vcpu_load(struct arch_vcpu *vcpu) {
    if (loaded == vcpu)
        return;
    if (loaded)
        save(loaded);
    csr_write(vsstatus, vcpu->vsstatus);
    csr_write(vsie, vcpu->vsie);
    csr_write(vstvec, vcpu->vstvec);
    csr_write(vsscratch, vcpu->vsscratch);
    csr_write(vsepc, vcpu->vsepc);
    csr_write(vscause, vcpu->vscause);
    csr_write(vstval, vcpu->vstval);
    csr_write(vsatp, vcpu->vsatp);
    uint64_t *root = paddr_to_ptr((vcpu->hgatp & ((1ull << 44) - 1)) << 12);
    if (root != hv_loaded_root) { // another guest's space: its translations go
        csr_write(hgatp, vcpu->hgatp);
        __asm__ volatile("hfence.gvma zero, zero" ::: "memory");
        hv_loaded_root = root;
    }
    loaded = vcpu;
}

void arch_vcpu_release(struct arch_vcpu *vcpu) {
    if (loaded == vcpu)
        loaded = NULL;
}

void arch_guest_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg, void *kernel_stack_top, struct arch_vcpu *vcpu) {
    extern NORETURN void arch_trap_resume(struct trap_frame *tf);
    arch_irq_save(); // interrupts stay off until sret
    struct trap_frame *tf = (struct trap_frame *) ((uintptr_t) kernel_stack_top - sizeof(*tf));
    memset(tf, 0, sizeof(*tf));
    tf->regs[0] = TF_GUEST; // trap_return enters the guest (hstatus.SPV)
    tf->regs[2] = sp;
    tf->regs[10] = arg;
    tf->sepc = pc;
    // VS-mode, HS interrupts on once there (they always are while V = 1);
    // no float or vector unit.
    tf->sstatus = (csr_read(sstatus) & ~(SSTATUS_SIE | SSTATUS_SUM | SSTATUS_FS | SSTATUS_VS))
                | SSTATUS_SPP | SSTATUS_SPIE;
    hv_vcpu_load(vcpu);
    arch_trap_resume(tf);
}

bool hv_trap_from_guest(struct trap_frame *tf) {
    if (!(csr_read(hstatus) & HSTATUS_SPV))
        return false;
    csr_clear(hstatus, HSTATUS_SPV); // the next sret is not to a guest unless trap_return says so
    tf->regs[0] = TF_GUEST;
    return true;
}
