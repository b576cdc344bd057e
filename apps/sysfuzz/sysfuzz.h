// The system-call fuzzer's shared state: a seeded random source, the handles
// it believes it holds, and the scratch memory that the kernel may write.
#pragma once
#include <aster/aster.h>

#define POOL_MAX    192  // live handles tracked
#define CLOSED_MAX  32   // recently closed handles, to try again
#define SCRATCH_SIZE (64 * 1024)
// Past the scratch memory, room for the longest write a call can make from
// inside it (log_read: 16 KiB), so that nothing else of ours is hit.
#define SCRATCH_GUARD (64 * 1024)

struct fuzz {
    uint64_t rng;
    uint64_t calls;                 // system calls made so far
    uint64_t succeeded;             // of those, calls that did not fail
    uint64_t unexpected;            // results outside what the call may return
    handle_t pool[POOL_MAX];        // handles we hold (channels, polls, timers, threads)
    uint32_t pool_len;
    handle_t closed[CLOSED_MAX];    // handles we closed or sent away
    uint32_t closed_next;
    handle_t echo;                  // our connection to the echo service (may be closed by fuzzing)
    bool trace;                     // log every call
};

extern struct fuzz fuzz;
// Memory the kernel may write into at random (SCRATCH_SIZE bytes, then the
// guard): nothing else lives there.
extern uint8_t *scratch;

static inline uint64_t rand64(void) { // xorshift64*
    uint64_t x = fuzz.rng;
    x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
    fuzz.rng = x;
    return x * 0x2545f4914f6cdd1dull;
}
static inline uint32_t rand_below(uint32_t n) { return (uint32_t) ((rand64() >> 32) % n); }
static inline bool chance(uint32_t percent) { return rand_below(100) < percent; }

// Pool bookkeeping: a handle we now hold, one we no longer hold.
void pool_add(handle_t handle);
void pool_forget(handle_t handle);
handle_t pool_pick(void);

// One system call, through the raw entry, checked against the results it
// may give; returns its result.
int64_t fuzz_call(int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t n);

// One random raw system call with arguments drawn from the interesting
// classes (calls.c).
void fuzz_random_call(void);
// One step of a random sequence of real operations (ops.c).
void fuzz_operation(void);
// Closes every handle in the pool (before the final checks).
void fuzz_release_all(void);
