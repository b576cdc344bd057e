// The trap frame layout, shared by trap.S and C. x0 is not saved; slot 0
// says where trap_return goes back to: TF_GUEST for a guest (vm mode),
// else 0 (user or kernel mode, by sstatus.SPP).
#pragma once

#define TF_GUEST 1

#define TF_REG(n)       ((n) * 8)
#define TF_SEPC         (32 * 8)
#define TF_SSTATUS      (33 * 8)
#define TF_SCAUSE       (34 * 8)
#define TF_STVAL        (35 * 8)
#define TRAP_FRAME_SIZE (36 * 8)

#ifndef __ASSEMBLER__
#include <stdint.h>
struct trap_frame {
    uint64_t regs[32]; // regs[n] = xn; regs[0] unused
    uint64_t sepc;
    uint64_t sstatus;
    uint64_t scause;
    uint64_t stval;
};
_Static_assert(sizeof(struct trap_frame) == TRAP_FRAME_SIZE, "trap frame layout");
_Static_assert(TRAP_FRAME_SIZE == 36 * 8, "ARCH_USER_FRAME_SIZE in arch_defs.h");
#endif
