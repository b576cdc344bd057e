// Random sequences of real operations, so that the raw calls meet objects
// in every state: channel pairs with queues, handles in flight, poll sets
// with threads waiting on them (which other steps close or wake), timers,
// threads that exit at once, and the quotas filled and given back.
#include "sysfuzz.h"

#define WAITERS_MAX 4

static volatile int waiters;   // threads blocked in a wait without timeout
static volatile int quick_ran; // threads that started and exited at once

static void quick_thread(void *unused) {
    (void) unused;
    quick_ran++;
    sys_thread_exit();
}

// Waits forever on a poll set until something ends the wait: a message
// on a channel in the set, or the set's handle being closed.
static void waiter_thread(void *poll) {
    sys_poll_wait((handle_t) (intptr_t) poll, -1);
    waiters--;
    sys_thread_exit();
}

static void make_pair(void) {
    handle_t a, b;
    if (fuzz_call((int64_t) (uintptr_t) &a, (int64_t) (uintptr_t) &b, 0, 0, 0, SYS_CHANNEL_CREATE) == OK) {
        pool_add(a);
        pool_add(b);
    }
}

static void send_data(void) {
    size_t len = rand_below(chance(5) ? MESSAGE_DATA_MAX + 1 : 256);
    fuzz_call(pool_pick(), MSGINFO(MSG_DATA, 0, len), (int64_t) (uintptr_t) scratch, 0, 0, SYS_CHANNEL_SEND);
}

static void send_handles(void) {
    handle_t handles[MESSAGE_HANDLES_MAX];
    int count = 1 + (int) rand_below(MESSAGE_HANDLES_MAX);
    for (int i = 0; i < count; i++)
        handles[i] = pool_pick();
    int64_t result = fuzz_call(pool_pick(), MSGINFO(MSG_CONNECT, count, 0), 0, (int64_t) (uintptr_t) handles, 0,
                               SYS_CHANNEL_SEND);
    if (result == OK)
        for (int i = 0; i < count; i++)
            pool_forget(handles[i]);
}

static void receive(void) {
    handle_t handles[MESSAGE_HANDLES_MAX];
    int64_t result = fuzz_call(pool_pick(), (int64_t) (uintptr_t) scratch, MESSAGE_DATA_MAX,
                               (int64_t) (uintptr_t) handles, 0, SYS_CHANNEL_RECV);
    if (!IS_ERROR(result))
        for (int i = 0; i < MSGINFO_HANDLES(result); i++)
            pool_add(handles[i]);
}

static void close_one(void) {
    handle_t handle = pool_pick();
    if (fuzz_call(handle, 0, 0, 0, 0, SYS_HANDLE_CLOSE) == OK)
        pool_forget(handle);
}

static void poll_step(void) {
    handle_t poll = pool_pick();
    switch (rand_below(5)) {
    case 0: {
        int64_t made = fuzz_call(0, 0, 0, 0, 0, SYS_POLL_CREATE);
        if (!IS_ERROR(made))
            pool_add((handle_t) made);
        break;
    }
    case 1: fuzz_call(poll, pool_pick(), rand_below(8), 0, 0, SYS_POLL_ADD); break;
    case 2: fuzz_call(poll, pool_pick(), rand_below(8), 0, 0, SYS_POLL_UPDATE); break;
    case 3: fuzz_call(poll, pool_pick(), 0, 0, 0, SYS_POLL_REMOVE); break;
    default: fuzz_call(poll, rand_below(3) * 100000, 0, 0, 0, SYS_POLL_WAIT); break;
    }
}

static void timer_step(void) {
    if (chance(30)) {
        int64_t made = fuzz_call(0, 0, 0, 0, 0, SYS_TIMER_CREATE);
        if (!IS_ERROR(made))
            pool_add((handle_t) made);
        return;
    }
    int64_t ns = chance(50) ? (int64_t) rand_below(100000) : (chance(50) ? -1 : (int64_t) rand64());
    fuzz_call(pool_pick(), ns, 0, 0, 0, SYS_TIMER_SET);
}

static void thread_step(void) {
    bool wait = waiters < WAITERS_MAX && chance(40);
    handle_t poll = HANDLE_INVALID;
    if (wait) { // a poll set of its own, watching one of our channels
        int64_t made = fuzz_call(0, 0, 0, 0, 0, SYS_POLL_CREATE);
        if (IS_ERROR(made))
            return;
        poll = (handle_t) made;
        pool_add(poll);
        fuzz_call(poll, pool_pick(), EVENT_READABLE | EVENT_PEER_CLOSED, 0, 0, SYS_POLL_ADD);
        waiters++;
    }
    void (*entry)(void *) = wait ? waiter_thread : quick_thread;
    int64_t thread = fuzz_call((int64_t) (uintptr_t) entry, poll, 0, 0, 0, SYS_THREAD_SPAWN);
    if (IS_ERROR(thread)) {
        waiters -= wait;
        return;
    }
    pool_add((handle_t) thread);
}

// Fills the handle and memory quotas with queued channels, then gives it
// all back (rarely: it is many calls).
static void exhaust_quotas(void) {
    static handle_t ends[1024][2];
    int pairs = 0;
    while (pairs < 1024
           && fuzz_call((int64_t) (uintptr_t) &ends[pairs][0], (int64_t) (uintptr_t) &ends[pairs][1], 0, 0, 0,
                        SYS_CHANNEL_CREATE) == OK)
        pairs++;
    for (int i = 0; i < pairs; i++)
        while (fuzz_call(ends[i][0], MSGINFO(MSG_DATA, 0, 2000), (int64_t) (uintptr_t) scratch, 0, 0,
                         SYS_CHANNEL_SEND) == OK)
            ;
    for (int i = 0; i < pairs; i++) {
        fuzz_call(ends[i][0], 0, 0, 0, 0, SYS_HANDLE_CLOSE);
        fuzz_call(ends[i][1], 0, 0, 0, 0, SYS_HANDLE_CLOSE);
    }
}

void fuzz_operation(void) {
    switch (rand_below(20)) {
    case 0: case 1: case 2: make_pair(); break;
    case 3: case 4: case 5: send_data(); break;
    case 6: case 7: send_handles(); break;
    case 8: case 9: case 10: receive(); break;
    case 11: case 12: close_one(); break;
    case 13: case 14: poll_step(); break;
    case 15: timer_step(); break;
    case 16: thread_step(); break;
    case 17: {
        int64_t made = fuzz_call((int64_t) (uintptr_t) "echo", 4, 0, 0, 0, SYS_SERVICE_RECONNECT);
        if (!IS_ERROR(made))
            pool_add((handle_t) made);
        break;
    }
    case 18: fuzz_call(pool_pick(), rand_below(32), 0, 0, 0, SYS_HANDLE_RESTRICT); break;
    default:
        if (rand_below(500) == 0)
            exhaust_quotas();
        else
            make_pair();
    }
}

void fuzz_release_all(void) {
    while (fuzz.pool_len > 0) {
        handle_t handle = fuzz.pool[fuzz.pool_len - 1];
        fuzz_call(handle, 0, 0, 0, 0, SYS_HANDLE_CLOSE);
        pool_forget(handle);
    }
}

int fuzz_waiters(void) { return waiters; }
int fuzz_quick_threads(void) { return quick_ran; }
