// Fails on purpose, for the fault-containment tests: in user mode the kernel
// must end this app alone, report why, and free what it held; its echo
// server then sees the channel close.
#include <aster/aster.h>
#include <string.h>

// The kernel's text on riscv64 (the cast keeps other targets compiling).
static volatile uintptr_t kernel_address = (uintptr_t) 0xffffffff80200000ull;

// Recurses until the stack runs into its guard page (depth stops it only
// far past any stack size).
static __attribute__((noinline)) int recurse(volatile char *previous, long depth) {
    volatile char frame[512];
    frame[0] = previous ? previous[0] + 1 : 0;
    return depth > 0 ? recurse(frame, depth - 1) + frame[1] : 0;
}

static void fault(const char *how) {
    if (strcmp(how, "load") == 0)
        INFO("read %d", *(volatile int *) kernel_address); // the kernel's own text
    else if (strcmp(how, "store") == 0)
        *(volatile int *) 0x10 = 1;
#if defined(__riscv)
    else if (strcmp(how, "illegal") == 0)
        __asm__ volatile(".word 0"); // an all-zero instruction is illegal
    else if (strcmp(how, "misaligned") == 0) {
        static volatile uint64_t words[2];
        uintptr_t odd = (uintptr_t) words + 1;
        __asm__ volatile("amoadd.w zero, zero, (%0)" ::"r"(odd) : "memory");
    } else if (strcmp(how, "float") == 0) // the FPU is off for apps: its registers are not switched
        __asm__ volatile(".word 0xf0000053"); // fmv.w.x ft0, zero
    // Privileged instructions and CSRs no app may use (in vm mode the guest
    // runs in VS-mode: still not these).
    else if (strcmp(how, "sret") == 0)
        __asm__ volatile("sret");
    else if (strcmp(how, "wfi") == 0)
        __asm__ volatile("wfi");
    else if (strcmp(how, "satp") == 0)
        __asm__ volatile("csrw satp, zero");
    else if (strcmp(how, "sfence") == 0)
        __asm__ volatile("sfence.vma");
    else if (strcmp(how, "hstatus") == 0) // the hypervisor's own status
        __asm__ volatile("csrw 0x600, zero");
    else if (strcmp(how, "mstatus") == 0) // the firmware's
        __asm__ volatile("csrw mstatus, zero");
#else
    else if (strcmp(how, "illegal") == 0)
        __builtin_trap();
#endif
    else if (strcmp(how, "stack") == 0)
        recurse(NULL, 1L << 30);
    else if (strcmp(how, "jump") == 0)
        ((void (*)(void)) 0x4000)();
    else if (strcmp(how, "bad_syscall") == 0)
        INFO("bad pointer: %s", error_name(sys_channel_send(1, MSGINFO(5, 0, 8), (void *) kernel_address, NULL)));
}

void main(struct env *env) {
    handle_t echo = env_channel(env, "echo");
    const char *how = env_str(env, "fault");
    msg_send_data(echo, "hello", 5); // so the echo server knows us
    INFO("about to fail: %s", how);
    fault(how);
    INFO("still alive after \"%s\"", how);
}
