// The first instruction of a user-mode app: a0 holds the address of its
// environment. main returns into thread_exit; the app ends with its last thread.
    .section .text.start, "ax"
    .global _start
_start:
    call main
    call sys_thread_exit
1:  j 1b
