// Trap entry and exit. sscratch holds the kernel stack top while a thread
// runs in U-mode and zero while the CPU is in S-mode, so the entry can tell
// where it came from and find a kernel stack.
#include "trap_frame.h"

    .text
    .balign 4
    .global trap_entry
trap_entry:
    csrrw sp, sscratch, sp
    bnez sp, from_user
    csrrw sp, sscratch, sp          // from S-mode: back to the same stack
    addi sp, sp, -TRAP_FRAME_SIZE
    sd t0, TF_REG(5)(sp)
    addi t0, sp, TRAP_FRAME_SIZE
    sd t0, TF_REG(2)(sp)            // the interrupted sp
    j save_rest

from_user:                          // sp = kernel stack top, sscratch = user sp
    addi sp, sp, -TRAP_FRAME_SIZE
    sd t0, TF_REG(5)(sp)
    csrr t0, sscratch
    sd t0, TF_REG(2)(sp)
    csrw sscratch, zero

save_rest:
    sd ra, TF_REG(1)(sp)
    sd gp, TF_REG(3)(sp)
    sd tp, TF_REG(4)(sp)
    sd t1, TF_REG(6)(sp)
    sd t2, TF_REG(7)(sp)
    sd s0, TF_REG(8)(sp)
    sd s1, TF_REG(9)(sp)
    sd a0, TF_REG(10)(sp)
    sd a1, TF_REG(11)(sp)
    sd a2, TF_REG(12)(sp)
    sd a3, TF_REG(13)(sp)
    sd a4, TF_REG(14)(sp)
    sd a5, TF_REG(15)(sp)
    sd a6, TF_REG(16)(sp)
    sd a7, TF_REG(17)(sp)
    sd s2, TF_REG(18)(sp)
    sd s3, TF_REG(19)(sp)
    sd s4, TF_REG(20)(sp)
    sd s5, TF_REG(21)(sp)
    sd s6, TF_REG(22)(sp)
    sd s7, TF_REG(23)(sp)
    sd s8, TF_REG(24)(sp)
    sd s9, TF_REG(25)(sp)
    sd s10, TF_REG(26)(sp)
    sd s11, TF_REG(27)(sp)
    sd t3, TF_REG(28)(sp)
    sd t4, TF_REG(29)(sp)
    sd t5, TF_REG(30)(sp)
    sd t6, TF_REG(31)(sp)
    csrr t0, sepc
    sd t0, TF_SEPC(sp)
    csrr t0, sstatus
    sd t0, TF_SSTATUS(sp)
    csrr t0, scause
    sd t0, TF_SCAUSE(sp)
    csrr t0, stval
    sd t0, TF_STVAL(sp)
    sd zero, TF_REG(0)(sp)          // not a guest's frame (trap_handler may say it is)

    mv a0, sp
    call trap_handler

    .global trap_return
trap_return:                        // sp = the trap frame to resume
    j 2f

// void arch_trap_resume(struct trap_frame *tf): leaves through a frame.
    .global arch_trap_resume
arch_trap_resume:
    mv sp, a0
2:
    ld t0, TF_SSTATUS(sp)
    ld t1, TF_REG(0)(sp)
    bnez t1, 3f                     // returning to a guest
    andi t1, t0, 1 << 8             // SPP: returning to S-mode?
    bnez t1, 1f
4:  addi t1, sp, TRAP_FRAME_SIZE    // returning to U-mode (or a guest): kernel stack top
    csrw sscratch, t1
1:  csrw sstatus, t0
    ld t0, TF_SEPC(sp)
    csrw sepc, t0
    ld ra, TF_REG(1)(sp)
    ld gp, TF_REG(3)(sp)
    ld tp, TF_REG(4)(sp)
    ld t0, TF_REG(5)(sp)
    ld t1, TF_REG(6)(sp)
    ld t2, TF_REG(7)(sp)
    ld s0, TF_REG(8)(sp)
    ld s1, TF_REG(9)(sp)
    ld a0, TF_REG(10)(sp)
    ld a1, TF_REG(11)(sp)
    ld a2, TF_REG(12)(sp)
    ld a3, TF_REG(13)(sp)
    ld a4, TF_REG(14)(sp)
    ld a5, TF_REG(15)(sp)
    ld a6, TF_REG(16)(sp)
    ld a7, TF_REG(17)(sp)
    ld s2, TF_REG(18)(sp)
    ld s3, TF_REG(19)(sp)
    ld s4, TF_REG(20)(sp)
    ld s5, TF_REG(21)(sp)
    ld s6, TF_REG(22)(sp)
    ld s7, TF_REG(23)(sp)
    ld s8, TF_REG(24)(sp)
    ld s9, TF_REG(25)(sp)
    ld s10, TF_REG(26)(sp)
    ld s11, TF_REG(27)(sp)
    ld t3, TF_REG(28)(sp)
    ld t4, TF_REG(29)(sp)
    ld t5, TF_REG(30)(sp)
    ld t6, TF_REG(31)(sp)
    ld sp, TF_REG(2)(sp)
    sret

3:  li t1, (1 << 7) | (1 << 8)      // hstatus.SPV and SPVP: sret enters VS-mode
    csrs hstatus, t1
    j 4b
