// riscv64 constants and types used through kernel/arch.h.
#pragma once
#include <stdint.h>

// Sv39 kernel layout: the upper half of the address space belongs to the
// kernel and is shared by every address space; the lower half is for apps.
#define KERNEL_DIRECT_MAP_BASE 0xffffffc000000000ull // VA of physical address 0
#define KERNEL_DIRECT_MAP_SIZE (64ull << 30)         // 64 GiB of RAM at most
#define KERNEL_IMAGE_VBASE     0xffffffff80000000ull // VA of KERNEL_IMAGE_PBASE
#define KERNEL_IMAGE_PBASE     0x80000000ull

// Bytes at the top of every kernel stack kept for the trap frame of a user
// thread (a trap from U-mode saves it there; arch_user_enter builds it there).
#define ARCH_USER_FRAME_SIZE (36 * 8)

// A vCPU's guest state that lives in CSRs while it runs (the VS-mode CSRs
// and its G-stage root), saved here while another vCPU has the CPU.
struct arch_vcpu {
    uint64_t hgatp;
    uint64_t vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp;
};

// Callee-saved state switched by arch_switch.
struct arch_context {
    uint64_t ra;
    uint64_t sp;
    uint64_t s[12];
};
