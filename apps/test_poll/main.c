// System test: poll sets (level-triggered readiness, several waiters,
// timeouts) and threads.
#include <aster/aster.h>
#include <aster/test.h>

static char buf[64];

static void test_events(void) {
    handle_t a, b, poll = sys_poll_create();
    EXPECT_EQ(sys_channel_create(&a, &b), OK);
    EXPECT_EQ(sys_poll_try_wait(poll), E_EMPTY);
    EXPECT_EQ(sys_poll_add(poll, b, EVENT_READABLE | EVENT_PEER_CLOSED), OK);
    EXPECT_EQ(sys_poll_add(poll, b, EVENT_READABLE), E_ALREADY_EXISTS);
    EXPECT_EQ(sys_poll_try_wait(poll), E_EMPTY);
    // Level-triggered: READABLE is reported until the message is received.
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 0, 1), "x", NULL), OK);
    for (int i = 0; i < 3; i++) {
        int64_t r = sys_poll_try_wait(poll);
        EXPECT_EQ(POLL_RESULT_HANDLE(r), b);
        EXPECT_EQ(POLL_RESULT_EVENTS(r), EVENT_READABLE);
    }
    EXPECT_TRUE(!IS_ERROR(sys_channel_recv(b, buf, sizeof(buf), NULL)));
    EXPECT_EQ(sys_poll_try_wait(poll), E_EMPTY);
    // WRITABLE goes away while the peer's queue is full and comes back.
    EXPECT_EQ(sys_poll_add(poll, a, EVENT_WRITABLE), OK);
    EXPECT_EQ(POLL_RESULT_HANDLE(sys_poll_try_wait(poll)), a);
    for (int i = 0; i < CHANNEL_QUEUE_MAX; i++)
        sys_channel_send(a, MSGINFO(1, 0, 0), NULL, NULL);
    EXPECT_EQ(sys_poll_update(poll, b, 0), OK);
    EXPECT_EQ(sys_poll_try_wait(poll), E_EMPTY);
    sys_channel_recv(b, buf, sizeof(buf), NULL);
    int64_t r = sys_poll_try_wait(poll);
    EXPECT_EQ(POLL_RESULT_HANDLE(r), a);
    EXPECT_EQ(POLL_RESULT_EVENTS(r), EVENT_WRITABLE);
    // update and remove.
    EXPECT_EQ(sys_poll_remove(poll, a), OK);
    EXPECT_EQ(sys_poll_remove(poll, a), E_NOT_FOUND);
    EXPECT_EQ(sys_poll_update(poll, a, EVENT_READABLE), E_NOT_FOUND);
    EXPECT_EQ(sys_poll_update(poll, b, EVENT_READABLE | EVENT_PEER_CLOSED), OK);
    EXPECT_EQ(POLL_RESULT_EVENTS(sys_poll_try_wait(poll)), EVENT_READABLE);
    while (!IS_ERROR(sys_channel_recv(b, buf, sizeof(buf), NULL)))
        ;
    // PEER_CLOSED when the other end goes.
    EXPECT_EQ(sys_handle_close(a), OK);
    r = sys_poll_try_wait(poll);
    EXPECT_EQ(POLL_RESULT_HANDLE(r), b);
    EXPECT_EQ(POLL_RESULT_EVENTS(r), EVENT_PEER_CLOSED);
    // A closed handle leaves every poll set.
    EXPECT_EQ(sys_handle_close(b), OK);
    EXPECT_EQ(sys_poll_try_wait(poll), E_EMPTY);
    // Argument checks.
    EXPECT_EQ(sys_poll_add(poll, poll, EVENT_READABLE), E_NOT_SUPPORTED);
    EXPECT_EQ(sys_poll_add(poll, 4000, EVENT_READABLE), E_INVALID_HANDLE);
    EXPECT_EQ(sys_channel_create(&a, &b), OK);
    EXPECT_EQ(sys_poll_add(poll, a, 1u << 9), E_INVALID_ARG);
    EXPECT_EQ(sys_poll_add(a, b, EVENT_READABLE), E_WRONG_TYPE);
    EXPECT_EQ(sys_poll_wait(a, 0), E_WRONG_TYPE);
    sys_handle_close(a);
    sys_handle_close(b);
    sys_handle_close(poll);
}

static void test_timeout(void) {
    handle_t poll = sys_poll_create();
    int64_t start = sys_time_now();
    EXPECT_EQ(sys_poll_wait(poll, 2000000), E_TIMED_OUT);
    EXPECT_TRUE(sys_time_now() - start >= 2000000);
    sys_handle_close(poll);
}

static handle_t shared_poll, wake_a, wake_b;
static volatile int woken;

static void waiter(void *arg) {
    int64_t r = sys_poll_wait(shared_poll, -1);
    if (POLL_RESULT_HANDLE(r) == wake_b && POLL_RESULT_EVENTS(r) == EVENT_READABLE)
        woken += (int) (long) arg;
    sys_thread_exit();
}

static void sleep_ms(int ms) {
    handle_t poll = sys_poll_create();
    sys_poll_wait(poll, (int64_t) ms * 1000000);
    sys_handle_close(poll);
}

// Several threads wait on one poll set; one message wakes them all.
static void test_several_waiters(void) {
    shared_poll = sys_poll_create();
    EXPECT_EQ(sys_channel_create(&wake_a, &wake_b), OK);
    EXPECT_EQ(sys_poll_add(shared_poll, wake_b, EVENT_READABLE), OK);
    EXPECT_TRUE(sys_thread_spawn(waiter, (void *) 1) > 0);
    EXPECT_TRUE(sys_thread_spawn(waiter, (void *) 10) > 0);
    sleep_ms(5); // both are blocked now
    EXPECT_EQ(woken, 0);
    EXPECT_EQ(sys_channel_send(wake_a, MSGINFO(1, 0, 0), NULL, NULL), OK);
    sleep_ms(5);
    EXPECT_EQ(woken, 11);
    EXPECT_EQ(sys_thread_spawn(NULL, NULL), E_BAD_ADDRESS);
    EXPECT_EQ(sys_thread_spawn((void (*)(void *)) 0x1234, NULL), E_BAD_ADDRESS);
}

static handle_t closing_poll;
static volatile int64_t closed_result;

static void waiter_forever(void *unused) {
    (void) unused;
    closed_result = sys_poll_wait(closing_poll, -1);
    sys_thread_exit();
}

// Closing the handle of a poll set that a thread waits on (with no timeout)
// ends that wait; a thread handle cannot be polled.
static void test_close_wakes_waiters(void) {
    closing_poll = sys_poll_create();
    closed_result = 1;
    int64_t thread = sys_thread_spawn(waiter_forever, NULL);
    EXPECT_TRUE(thread > 0);
    sleep_ms(5); // it is blocked now
    EXPECT_EQ(closed_result, 1);
    EXPECT_EQ(sys_handle_close(closing_poll), OK);
    sleep_ms(5);
    EXPECT_EQ(closed_result, E_INVALID_HANDLE);
    sys_handle_close((handle_t) thread);
    // The same when its handle was sent away and the message is dropped
    // unreceived (its channel closed): the set's last reference goes.
    closing_poll = sys_poll_create();
    closed_result = 1;
    thread = sys_thread_spawn(waiter_forever, NULL);
    sleep_ms(5);
    handle_t a, b;
    EXPECT_EQ(sys_channel_create(&a, &b), OK);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 1, 0), NULL, &closing_poll), OK);
    sleep_ms(5);
    EXPECT_EQ(closed_result, 1); // the set lives on in the message
    EXPECT_EQ(sys_handle_close(b), OK);
    EXPECT_EQ(sys_handle_close(a), OK);
    sleep_ms(5);
    EXPECT_EQ(closed_result, E_INVALID_HANDLE);
    handle_t poll = sys_poll_create();
    EXPECT_EQ(sys_poll_add(poll, (handle_t) thread, EVENT_READABLE), E_NOT_SUPPORTED);
    sys_handle_close((handle_t) thread);
    sys_handle_close(poll);
}

static void test_timers(void) {
    handle_t poll = sys_poll_create();
    handle_t timer = sys_timer_create();
    EXPECT_EQ(sys_poll_add(poll, timer, EVENT_READABLE), OK);
    EXPECT_EQ(sys_poll_try_wait(poll), E_EMPTY);
    int64_t start = sys_time_now();
    EXPECT_EQ(sys_timer_set(timer, 3000000), OK);
    int64_t r = sys_poll_wait(poll, -1);
    EXPECT_EQ(POLL_RESULT_HANDLE(r), timer);
    EXPECT_TRUE(sys_time_now() - start >= 3000000);
    EXPECT_EQ(POLL_RESULT_HANDLE(sys_poll_try_wait(poll)), timer); // stays fired
    EXPECT_EQ(sys_timer_set(timer, -1), OK);                        // disarm clears it
    EXPECT_EQ(sys_poll_try_wait(poll), E_EMPTY);
    EXPECT_EQ(sys_poll_wait(poll, 5000000), E_TIMED_OUT);
    EXPECT_EQ(sys_timer_set(timer, 0), OK); // fires at once
    EXPECT_EQ(POLL_RESULT_HANDLE(sys_poll_wait(poll, 1000000)), timer);
    int64_t t1 = sys_time_now(), t2 = sys_time_now();
    EXPECT_TRUE(t2 >= t1 && t1 > 0);
    sys_handle_close(timer);
    sys_handle_close(poll);
}

static handle_t churn_out;

static void short_lived(void *arg) {
    sys_channel_send(churn_out, MSGINFO(1, 0, sizeof(arg)), &arg, NULL);
    sys_thread_exit();
}

// Threads that come and go give back what they held (stacks included).
static void test_thread_churn(void) {
    handle_t in, poll = sys_poll_create();
    EXPECT_EQ(sys_channel_create(&churn_out, &in), OK);
    sys_poll_add(poll, in, EVENT_READABLE);
    struct memory_stats before, after;
    for (long round = 0; round < 200; round++) {
        if (round == 20)
            sys_memory_stats(&before); // after the first stacks exist
        int64_t thread = sys_thread_spawn(short_lived, (void *) round);
        EXPECT_TRUE(thread > 0);
        long echoed = -1;
        sys_poll_wait(poll, -1);
        EXPECT_EQ(MSGINFO_LEN(sys_channel_recv(in, &echoed, sizeof(echoed), NULL)), sizeof(echoed));
        EXPECT_EQ(echoed, round);
        sys_handle_close((handle_t) thread);
        sleep_ms(1); // let it finish exiting
    }
    sys_memory_stats(&after);
    EXPECT_TRUE(after.app_used <= before.app_used + 4096);
    sys_handle_close(in);
    sys_handle_close(churn_out);
    sys_handle_close(poll);
}

void main(struct env *env) {
    (void) env;
    test_events();
    test_timeout();
    test_several_waiters();
    test_close_wakes_waiters();
    test_timers();
    test_thread_churn();
    test_finish();
}
