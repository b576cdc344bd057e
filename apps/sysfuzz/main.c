// The system-call fuzzer: `calls` system calls through the raw entry, half
// random calls with hostile arguments (calls.c), half steps of random
// sequences of real operations (ops.c), from a seeded random source: the
// same seed makes the same calls. It checks what it can see from inside
// (every result is a value or a known error; the kernel counts exactly the
// handles it believes it holds), and at the end that its echo server still
// answers. A kernel panic or hang is seen from outside (the system test).
//
// To replay a run: the same seed, and `calls` up to the failing one;
// `trace_from` logs every call from that number on.
#include "sysfuzz.h"
#include <string.h>

struct fuzz fuzz;
uint8_t *scratch;

// Handles the fuzzer holds outside the pool (its connection to echo).
static uint32_t fixed_handles;

void pool_add(handle_t handle) {
    if (handle <= 0)
        return;
    if (fuzz.pool_len == POOL_MAX) { // no room to track it: give it back
        sys_handle_close(handle);
        return;
    }
    fuzz.pool[fuzz.pool_len++] = handle;
}

void pool_forget(handle_t handle) {
    for (uint32_t i = 0; i < fuzz.pool_len; i++) {
        if (fuzz.pool[i] == handle) {
            fuzz.pool[i] = fuzz.pool[--fuzz.pool_len];
            fuzz.closed[fuzz.closed_next++ % CLOSED_MAX] = handle;
            return;
        }
    }
    if (handle == fuzz.echo) {
        fuzz.echo = HANDLE_INVALID;
        fixed_handles--;
    }
}

handle_t pool_pick(void) { return fuzz.pool_len ? fuzz.pool[rand_below(fuzz.pool_len)] : 0; }

int64_t fuzz_call(int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t n) {
    int64_t result = aster_syscall(a0, a1, a2, a3, a4, n);
    fuzz.calls++;
    fuzz.succeeded += result >= 0;
    if (fuzz.trace)
        INFO("call %llu: %lld(%llx, %llx, %llx, %llx, %llx) = %lld", (unsigned long long) fuzz.calls, (long long) n,
             (unsigned long long) a0, (unsigned long long) a1, (unsigned long long) a2, (unsigned long long) a3,
             (unsigned long long) a4, (long long) result);
    // A value, or one of the errors there are; E_NOT_SUPPORTED alone for
    // numbers past the table.
    bool known = n >= 0 && n < SYS_COUNT;
    bool ok = result >= 0 ? known : (result >= E_BAD_MESSAGE && (known || result == E_NOT_SUPPORTED));
    if (!known && result != E_NOT_SUPPORTED)
        ok = false;
    if (!ok) {
        fuzz.unexpected++;
        ERROR("FAIL: call %llu: number %lld returned %lld", (unsigned long long) fuzz.calls, (long long) n,
              (long long) result);
    }
    return result;
}

// Our own bookkeeping is whole: the kernel never wrote where we did not
// ask it to (a corrupted pool would have the fuzzer chase ghosts).
static bool state_intact(void) {
    bool intact = fuzz.pool_len <= POOL_MAX;
    for (uint32_t i = 0; intact && i < fuzz.pool_len; i++)
        intact = fuzz.pool[i] > 0;
    if (!intact) {
        fuzz.unexpected++;
        ERROR("FAIL: our memory changed under us by call %llu (pool of %u)", (unsigned long long) fuzz.calls,
              fuzz.pool_len);
    }
    return intact;
}

// The kernel's count of our handles must be ours (threads still running
// hold none).
static void check_handles(void) {
    struct memory_stats stats;
    if (fuzz_call((int64_t) (uintptr_t) &stats, 0, 0, 0, 0, SYS_MEMORY_STATS) != OK)
        return;
    if (stats.app_handles != fuzz.pool_len + fixed_handles) {
        fuzz.unexpected++;
        ERROR("FAIL: after call %llu the kernel counts %llu handles, we hold %u", (unsigned long long) fuzz.calls,
              (unsigned long long) stats.app_handles, fuzz.pool_len + fixed_handles);
    }
}

// The echo server still answers a new connection within a second (our
// earlier connections may still wait to be accepted: E_BUSY for a while).
static bool echo_answers(void) {
    handle_t poll = (handle_t) sys_poll_create();
    int64_t echo = E_BUSY;
    for (int i = 0; i < 100 && echo == E_BUSY; i++)
        if ((echo = sys_service_reconnect("echo", 4)) == E_BUSY)
            sys_poll_wait(poll, 10000000);
    bool answered = false;
    if (!IS_ERROR(echo) && msg_send_data((handle_t) echo, "still there?", 12) == OK) {
        static struct msg_buffer buf;
        struct msg reply;
        sys_poll_add(poll, (handle_t) echo, EVENT_READABLE | EVENT_PEER_CLOSED);
        answered = sys_poll_wait(poll, 1000000000) > 0 && msg_recv((handle_t) echo, &buf, &reply) == MSG_DATA
                && reply.data.len == 12 && memcmp(reply.data.data, "still there?", 12) == 0;
    }
    if (!IS_ERROR(echo))
        sys_handle_close((handle_t) echo);
    sys_handle_close(poll);
    return answered;
}

void main(struct env *env) {
    uint64_t seed = (uint64_t) env_int(env, "seed"), calls = (uint64_t) env_int(env, "calls");
    uint64_t trace_from = (uint64_t) env_int(env, "trace_from");
    if (seed == 0)
        seed = (uint64_t) sys_time_now() ^ 0x5eed;
    fuzz.rng = seed * 0x9e3779b97f4a7c15ull | 1;
    fuzz.echo = env_channel(env, "echo");
    fixed_handles = fuzz.echo > 0;
    void *heap;
    error_t err = sys_heap_grow(SCRATCH_SIZE + SCRATCH_GUARD, &heap);
    if (err) {
        ERROR("FAIL: no memory for the scratch area: %s", error_name(err));
        return;
    }
    scratch = heap;
    INFO("seed %llu, %llu calls", (unsigned long long) seed, (unsigned long long) calls);
    int64_t start = sys_time_now();
    uint64_t steps = 0;
    while (fuzz.calls < calls && (steps % 1024 || state_intact())) {
        fuzz.trace = trace_from && fuzz.calls + 1 >= trace_from;
        if (chance(50))
            fuzz_random_call();
        else
            fuzz_operation();
        if (++steps % 1024 == 0)
            check_handles();
        if (steps % (1u << 18) == 0)
            INFO("%llu calls", (unsigned long long) fuzz.calls);
    }
    if (state_intact()) {
        fuzz_release_all();
        check_handles();
    }
    int64_t ms = (sys_time_now() - start) / 1000000;
    bool echo = echo_answers();
    if (!echo) {
        fuzz.unexpected++;
        ERROR("FAIL: the echo server does not answer");
    }
    INFO("done: %llu calls (%llu succeeded) in %lld ms (%llu calls/s), %llu unexpected results, echo %s",
         (unsigned long long) fuzz.calls, (unsigned long long) fuzz.succeeded, (long long) ms,
         (unsigned long long) (ms > 0 ? fuzz.calls * 1000 / (uint64_t) ms : 0),
         (unsigned long long) fuzz.unexpected, echo ? "still serving" : "NOT serving");
    sys_system_exit(fuzz.unexpected ? 1 : 0);
}
