// Spins forever without a system call: preemption must keep the rest of the
// system running.
#include <aster/aster.h>

void main(struct env *env) {
    (void) env;
    INFO("spinning forever");
    for (volatile unsigned long i = 0;; i++)
        ;
}
