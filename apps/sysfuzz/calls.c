// Random raw system calls: every number (also past the table), with each
// argument drawn from the classes where kernels go wrong: 0, -1, small
// integers, real and just-closed handles, pointers into our scratch memory,
// straddling its end, into the kernel, unmapped, misaligned, and lengths
// that overflow. Only the two calls that would end the fuzzer itself are
// left out (thread_exit on this thread, system_exit).
#include "sysfuzz.h"
#include <string.h>

// Addresses that are not ours to write (per target), and one that is
// ours but read-only (our own code, where there is one).
#if defined(__wasm__)
static const int64_t foreign[] = {0, 8, 0xfff, 0x7ff00000, 0xfffffff0, 0xffffffff, -1, -4096};
#else
static const int64_t foreign[] = {
    0, 8, 0x3000,
    (int64_t) 0xffffffff80200000ull, // the kernel image
    (int64_t) 0xffffffc080000000ull, // the kernel's direct map of RAM
    (int64_t) 0x1000100000ull,       // the heap area past what is grown (scratch and guard)
    (int64_t) 0x3f00010000ull,       // above the first stack
    (int64_t) 0x7ffffffffff0ull,     // past the user half
    -1, -4096,
};
#endif

static int64_t pick_handle(void) {
    switch (rand_below(10)) {
    case 0: return 0;
    case 1: return -1;
    case 2: return rand_below(64);
    case 3: return fuzz.closed[rand_below(CLOSED_MAX)];
    case 4: return (int64_t) rand64();
    case 5: return (int32_t) rand64();
    default: return pool_pick();
    }
}

static int64_t pick_pointer(void) {
    switch (rand_below(8)) {
    case 0: return foreign[rand_below(sizeof(foreign) / sizeof(foreign[0]))];
    case 1: return (int64_t) (uintptr_t) (scratch + SCRATCH_SIZE - rand_below(64)); // straddles the end
    case 2: return (int64_t) (uintptr_t) (scratch + rand_below(SCRATCH_SIZE)) | 1; // misaligned
    case 3: return (int64_t) rand64();
#if !defined(__wasm__)
    case 4: return (int64_t) (uintptr_t) &fuzz_random_call; // our code: read-only
#endif
    default: return (int64_t) (uintptr_t) (scratch + (rand_below(SCRATCH_SIZE / 2) & ~7u));
    }
}

static int64_t pick_length(void) {
    switch (rand_below(8)) {
    case 0: return 0;
    case 1: return -1;
    case 2: return MESSAGE_DATA_MAX;
    case 3: return MESSAGE_DATA_MAX + 1;
    case 4: return (int64_t) rand64();
    case 5: return 1ll << 32;
    default: return rand_below(256);
    }
}

static int64_t pick_int(void) {
    switch (rand_below(6)) {
    case 0: return 0;
    case 1: return -1;
    case 2: return rand_below(16);
    case 3: return (int64_t) rand64();
    case 4: return (int32_t) rand64();
    default: return rand_below(1u << 20);
    }
}

// A msginfo: mostly well-formed (any type, 0-3 handles, a length), or junk.
static int64_t pick_msginfo(void) {
    if (chance(20))
        return pick_int();
    return MSGINFO(rand_below(0x10000), rand_below(4), rand_below(64) == 0 ? rand_below(8192) : rand_below(128));
}

// Small timeouts only: this thread must never wait forever (waiter threads
// do that; ops.c).
static int64_t pick_timeout(void) { return chance(50) ? 0 : rand_below(200000); }

// The kinds of each call's arguments.
enum arg { NONE, HANDLE, POINTER, LENGTH, INT, MSGINFO_, TIMEOUT, EVENTS, RIGHTS };
static const uint8_t arg_kinds[SYS_COUNT][4] = {
    [SYS_LOG_WRITE] = {POINTER, LENGTH},
    [SYS_LOG_READ] = {POINTER, LENGTH},
    [SYS_HANDLE_CLOSE] = {HANDLE},
    [SYS_HANDLE_RESTRICT] = {HANDLE, RIGHTS},
    [SYS_CHANNEL_CREATE] = {POINTER, POINTER},
    [SYS_CHANNEL_SEND] = {HANDLE, MSGINFO_, POINTER, POINTER},
    [SYS_CHANNEL_RECV] = {HANDLE, POINTER, LENGTH, POINTER},
    [SYS_POLL_ADD] = {HANDLE, HANDLE, EVENTS},
    [SYS_POLL_UPDATE] = {HANDLE, HANDLE, EVENTS},
    [SYS_POLL_REMOVE] = {HANDLE, HANDLE},
    [SYS_POLL_WAIT] = {HANDLE, TIMEOUT},
    [SYS_POLL_TRY_WAIT] = {HANDLE},
    [SYS_TIMER_SET] = {HANDLE, INT},
    [SYS_THREAD_SPAWN] = {POINTER, INT},
    [SYS_MEMORY_STATS] = {POINTER},
    [SYS_HEAP_GROW] = {INT},
    [SYS_SERVICE_RECONNECT] = {POINTER, LENGTH},
    [SYS_APP_LIST] = {POINTER, LENGTH},
    [SYS_INTERRUPT_CREATE] = {INT},
    [SYS_INTERRUPT_ACK] = {HANDLE},
    [SYS_MMIO_MAP] = {INT, LENGTH},
    [SYS_DMA_ALLOC] = {LENGTH, POINTER},
};

static int64_t pick(uint8_t kind) {
    switch (kind) {
    case HANDLE: return pick_handle();
    case POINTER: return pick_pointer();
    case LENGTH: return pick_length();
    case MSGINFO_: return pick_msginfo();
    case TIMEOUT: return pick_timeout();
    case EVENTS: return chance(80) ? rand_below(8) : pick_int();
    case RIGHTS: return chance(80) ? rand_below(32) : pick_int();
    case INT: return pick_int();
    default: return chance(90) ? 0 : pick_int();
    }
}

// Handle i of an array the kernel read or wrote (so it is our memory; it
// may be misaligned).
static handle_t read_handle(int64_t address, int i) {
    handle_t handle;
    memcpy(&handle, (const char *) (uintptr_t) address + i * sizeof(handle_t), sizeof(handle));
    return handle;
}

// Results that made or moved handles, taken into the pool.
static void note_result(int64_t n, const int64_t *args, int64_t result) {
    if (IS_ERROR(result))
        return;
    switch (n) {
    case SYS_POLL_CREATE:
    case SYS_TIMER_CREATE:
    case SYS_THREAD_SPAWN:
    case SYS_SERVICE_RECONNECT:
        pool_add((handle_t) result);
        break;
    case SYS_HANDLE_CLOSE:
        pool_forget((handle_t) args[0]);
        break;
    case SYS_CHANNEL_CREATE: // written to our scratch memory (it succeeded)
        pool_add(read_handle(args[0], 0));
        pool_add(read_handle(args[1], 0));
        break;
    case SYS_CHANNEL_SEND: // its handles moved away
        for (int i = 0; i < MSGINFO_HANDLES(args[1]); i++)
            pool_forget(read_handle(args[3], i));
        break;
    case SYS_CHANNEL_RECV:
        for (int i = 0; i < MSGINFO_HANDLES(result); i++)
            pool_add(read_handle(args[3], i));
        break;
    }
}

void fuzz_random_call(void) {
    int64_t n;
    do // every number but the three that end us, some past the table
        n = chance(95) ? (int64_t) rand_below(SYS_COUNT) : pick_int();
    while (n == SYS_THREAD_EXIT || n == SYS_SYSTEM_EXIT || n == SYS_APP_EXIT);
    int64_t args[5] = {0};
    bool known = n >= 0 && n < SYS_COUNT;
    for (int i = 0; i < 5; i++)
        args[i] = known && i < 4 ? pick(arg_kinds[n][i]) : (chance(70) ? 0 : pick_int());
    // No random lines in the log: only calls it must refuse.
    if (n == SYS_LOG_WRITE && args[1] >= 0) {
        args[0] = foreign[3 + rand_below(sizeof(foreign) / sizeof(foreign[0]) - 3)];
        args[1] += args[1] == 0; // (an empty line would be logged)
    }
    // No thread starting anywhere in our own code: addresses it must refuse
    // (in wasm mode an entry is an index into the function table, which is small).
    if (n == SYS_THREAD_SPAWN)
        args[0] = chance(20) ? 0 : foreign[3 + rand_below(sizeof(foreign) / sizeof(foreign[0]) - 3)];
    if (n == SYS_HEAP_GROW && args[0] > 0 && args[0] < (64 << 20))
        args[0] = (int64_t) (64u << 20) + 1; // growing is for good: only sizes it must refuse
    if (n == SYS_POLL_WAIT && args[1] < 0)
        args[1] = 0;
    // Two outputs at one place: we could not tell the first handle made.
    if (n == SYS_CHANNEL_CREATE && args[0] - args[1] < 4 && args[1] - args[0] < 4)
        args[1] = args[0] + 8;
    int64_t result = fuzz_call(args[0], args[1], args[2], args[3], args[4], n);
    note_result(n, args, result);
}
