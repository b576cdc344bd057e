// void arch_switch(struct arch_context *prev, struct arch_context *next)
// Saves the callee-saved registers of the running thread into prev and
// resumes next where it last called arch_switch (or at its start).
    .text
    .global arch_switch
arch_switch:
    sd ra, 0(a0)
    sd sp, 8(a0)
    sd s0, 16(a0)
    sd s1, 24(a0)
    sd s2, 32(a0)
    sd s3, 40(a0)
    sd s4, 48(a0)
    sd s5, 56(a0)
    sd s6, 64(a0)
    sd s7, 72(a0)
    sd s8, 80(a0)
    sd s9, 88(a0)
    sd s10, 96(a0)
    sd s11, 104(a0)
    ld ra, 0(a1)
    ld sp, 8(a1)
    ld s0, 16(a1)
    ld s1, 24(a1)
    ld s2, 32(a1)
    ld s3, 40(a1)
    ld s4, 48(a1)
    ld s5, 56(a1)
    ld s6, 64(a1)
    ld s7, 72(a1)
    ld s8, 80(a1)
    ld s9, 88(a1)
    ld s10, 96(a1)
    ld s11, 104(a1)
    ret

// First code of a new thread: s1 = entry, s2 = arg (see arch_context_init).
    .global arch_thread_trampoline
arch_thread_trampoline:
    mv a0, s1
    mv a1, s2
    mv fp, zero
    call thread_start
1:  j 1b
