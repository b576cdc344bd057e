#include <aster/error.h>
#include <aster/log.h>
#include <aster/syscall.h>
#include <aster/test.h>

static int failures;

void test_expect_eq(const char *expr, int64_t actual, int64_t expected, const char *file, int line) {
    if (actual == expected)
        return;
    failures++;
    if (actual < 0 && actual > -100)
        ERROR("FAIL %s:%d: %s is %lld (%s), expected %lld", file, line, expr, (long long) actual,
              error_name(actual), (long long) expected);
    else
        ERROR("FAIL %s:%d: %s is %lld, expected %lld", file, line, expr, (long long) actual,
              (long long) expected);
}

int test_failures(void) { return failures; }

void test_finish(void) {
    if (failures)
        ERROR("TEST FAILED (%d failures)", failures);
    else
        INFO("TEST PASSED");
    error_t err = sys_system_exit(failures ? 1 : 0);
    ERROR("cannot end the run: %s (add [permissions] power_off = true to app.toml)", error_name(err));
    sys_thread_exit();
}
