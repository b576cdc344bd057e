// The riscv64 port's own hypervisor interface (kernel/arch/riscv64 only).
#pragma once
#include "../../arch.h"
#include "trap_frame.h"

#define HSTATUS_GVA  (1ull << 6)
#define HSTATUS_SPV  (1ull << 7)
#define HSTATUS_SPVP (1ull << 8)
#define HSTATUS_HU   (1ull << 9)
#define HSTATUS_VTVM (1ull << 20)
#define HSTATUS_VTW  (1ull << 21)
#define HSTATUS_VTSR (1ull << 22)

// The G-stage root in hgatp, for flushing after changes to it (NULL: none).
extern uint64_t *hv_loaded_root;
// Makes `vcpu` the guest whose CSRs are in the CPU (before entering it).
void hv_vcpu_load(struct arch_vcpu *vcpu);
// Whether the trap that saved `tf` came from a guest (hstatus.SPV); if so,
// marks the frame so that trap_return enters the guest again, and clears
// SPV so that no other sret does.
bool hv_trap_from_guest(struct trap_frame *tf);
