// Spins without a system call: preemption must keep the rest of the system
// running. With `stack_kib`, it first goes that deep into its stack and
// spins there (a kernel-mode app's stack is where interrupts land: the
// kernel must not do long work on it). With `seconds`, it stops after that
// long and logs "done"; otherwise it spins forever.
#include <aster/aster.h>

static int64_t spin_until_ns;

static void spin(void) {
    if (!spin_until_ns)
        for (volatile unsigned long i = 0;; i++)
            ;
    while (sys_time_now() < spin_until_ns)
        for (volatile int i = 0; i < 1000; i++)
            ;
}

// Each level takes a little over 1 KiB of stack.
static __attribute__((noinline)) int descend(volatile char *previous, int64_t levels) {
    volatile char frame[1024];
    frame[0] = previous ? previous[0] + 1 : 0;
    if (levels > 0)
        return descend(frame, levels - 1) + frame[1];
    spin();
    return frame[0];
}

void main(struct env *env) {
    int64_t seconds = env_int(env, "seconds"), stack_kib = env_int(env, "stack_kib");
    spin_until_ns = seconds > 0 ? sys_time_now() + seconds * 1000000000 : 0;
    INFO("spinning %s", seconds > 0 ? "for a while" : "forever");
    descend(NULL, stack_kib);
    INFO("done");
}
