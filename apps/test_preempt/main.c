// System test: with a spinning app elsewhere and a spinning thread here, this
// app's main thread still gets the CPU, and so does the spinning thread.
#include <aster/aster.h>
#include <aster/test.h>

static volatile unsigned long spins;

static void spin(void *arg) {
    (void) arg;
    for (;;)
        spins++;
}

void main(struct env *env) {
    (void) env;
    EXPECT_TRUE(sys_thread_spawn(spin, NULL) > 0);
    handle_t timer = sys_timer_create(), poll = sys_poll_create();
    sys_poll_add(poll, timer, EVENT_READABLE);
    unsigned long last = spins;
    for (int round = 1; round <= 3; round++) {
        sys_timer_set(timer, 30000000);
        EXPECT_EQ(POLL_RESULT_HANDLE(sys_poll_wait(poll, -1)), timer);
        INFO("round %d: still running beside the spinners", round);
        EXPECT_TRUE(spins > last);
        last = spins;
    }
    test_finish();
}
