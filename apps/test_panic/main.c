// Faults on purpose. An in-kernel app is trusted code, so its fault is a
// kernel bug: the system test checks the panic report it produces.
#include <aster/aster.h>

static __attribute__((noinline)) void store_to(volatile int *address) { *address = 42; }

void main(struct env *env) {
    (void) env;
    INFO("about to store to an unmapped address");
    store_to((volatile int *) 0x10);
}
