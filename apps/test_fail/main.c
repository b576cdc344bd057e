// A test app that fails on purpose, so the harness proves it sees failures.
#include <aster/aster.h>
#include <aster/test.h>

void main(struct env *env) {
    (void) env;
    EXPECT_EQ(1 + 1, 3);
    test_finish();
}
