// test_kill: waits delay_ms, then ends the app `target` as a fault would
// (its restart policy decides what follows): for tests of recovery.
#include <aster/aster.h>

void main(struct env *env) {
    sleep_ns(env_int(env, "delay_ms") * 1000000);
    char report[FAULT_REPORT_MAX];
    error_t err = sys_fault_inject(env_str(env, "target"), FAULT_END, 0, report);
    if (err)
        ERROR("cannot end %s: %s", env_str(env, "target"), error_name(err));
    else
        INFO("ended %s", env_str(env, "target"));
}
