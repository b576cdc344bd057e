// Benchmark: how long an app takes to start. The kernel, booted with the
// argument "bench", logs the instruction count when it begins to create
// each app ("bench created NAME N"); this app reads the count as its first
// act and logs it with its first system call. The difference is the cost
// of making the app (loading its code, its environment, its first thread)
// and getting it running.
#include <aster/aster.h>
#include <aster/counter.h>

void main(struct env *env) {
    uint64_t now = read_instret();
    INFO("bench first_call %llu", (unsigned long long) now);
    (void) env;
    sys_system_exit(0);
}
