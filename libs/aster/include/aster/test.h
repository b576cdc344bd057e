// A tiny test vocabulary for apps that check the system from inside:
// EXPECT_* log each failure with its location; test_finish ends the run with
// the result as QEMU's exit status.
#pragma once
#include <stdint.h>

#define EXPECT_EQ(actual, expected)                                            \
    test_expect_eq(#actual, (int64_t) (actual), (int64_t) (expected), __FILE__, __LINE__)
#define EXPECT_TRUE(cond) EXPECT_EQ(!!(cond), 1)

void test_expect_eq(const char *expr, int64_t actual, int64_t expected, const char *file, int line);
int test_failures(void);
// Logs "TEST PASSED" or "TEST FAILED" and powers off with status 0 or 1.
__attribute__((noreturn)) void test_finish(void);
