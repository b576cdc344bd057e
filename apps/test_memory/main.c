// System test of what keeps kernel memory from leaking or being held by
// one app (each part runs alone, with the quotas its system test sets):
//   slabs   messages of each size class fill memory and go: every page comes
//           back (free memory exactly as before), so a large heap fits; a
//           heap growth that fails half-way leaves nothing behind; a user-mode
//           app sees nothing past the end of the boot file system
//   spawn   with the memory quota almost spent, thread_spawn either fails
//           with no thread started or succeeds: never both
//   cycles  channels that would keep each other alive are refused
//   reconnect  connections made by service_reconnect are charged to the
//           client (parked in messages, they cannot take more kernel memory
//           than its quota) and a client cannot queue more than a few
#include <aster/aster.h>
#include <aster/test.h>
#include <string.h>

static struct memory_stats stats(void) {
    struct memory_stats s;
    EXPECT_EQ(sys_memory_stats(&s), OK);
    return s;
}

// --- slabs

#define MAX_PAIRS 1900
static handle_t pairs[MAX_PAIRS][2];
static char payload[MESSAGE_DATA_MAX];

// Fills channel pairs with messages of `len` data bytes until they hold
// `budget` bytes of the app's memory; returns the pairs made.
static int fill(size_t len, uint64_t budget) {
    uint64_t start = stats().app_used;
    int n = 0;
    while (n < MAX_PAIRS && stats().app_used - start < budget) {
        if (sys_channel_create(&pairs[n][0], &pairs[n][1]) != OK)
            break;
        for (int i = 0; i < CHANNEL_QUEUE_MAX; i++)
            EXPECT_EQ(sys_channel_send(pairs[n][0], MSGINFO(1, 0, len), payload, NULL), OK);
        n++;
    }
    return n;
}

static void close_pairs(int n) {
    for (int i = 0; i < n; i++) {
        EXPECT_EQ(sys_handle_close(pairs[i][0]), OK);
        EXPECT_EQ(sys_handle_close(pairs[i][1]), OK);
    }
}

// Messages of 120, 228, 488, 988 and 1988 bytes in the kernel (header
// included): one size class each, 128 to 2032 bytes.
static void test_slabs_go_back(void) {
    static const size_t lengths[] = {32, 140, 400, 900, 1900};
    const uint64_t budget = 24u << 20;
    close_pairs(fill(lengths[0], budget)); // the handle table grows to its size for good
    uint64_t baseline = stats().free_bytes;
    for (size_t c = 0; c < sizeof(lengths) / sizeof(lengths[0]); c++) {
        int n = fill(lengths[c], budget);
        EXPECT_TRUE(stats().app_used >= budget);
        close_pairs(n);
        EXPECT_EQ(stats().free_bytes, baseline);
        INFO("%zu-byte messages: %d channels filled and closed, free memory back to %llu bytes", lengths[c], n,
             (unsigned long long) stats().free_bytes);
    }
    EXPECT_TRUE(stats().slab_free < stats().slab_bytes);
    void *heap = NULL;
    EXPECT_EQ(sys_heap_grow(48u << 20, &heap), OK);
    EXPECT_TRUE(heap != NULL);
}

// Growing the heap by more than is free fails part-way through; what it had
// mapped must go again, or the heap end is stuck on it for good.
static void test_heap_growth_failing_half_way(void) {
#if defined(__wasm__)
    INFO("heap rollback: not in wasm mode (its memory grows by copying, all or nothing)");
#else
    error_t result;
    void *memory;
    int grown = 0;
    while (!(result = sys_heap_grow(64u << 20, &memory)))
        grown++;
    EXPECT_EQ(result, E_NO_MEMORY);
    EXPECT_TRUE(grown <= 1);
    EXPECT_EQ(sys_heap_grow(4u << 20, &memory), OK);
#endif
}

static void test_nothing_past_the_bootfs(const struct env *env) {
    size_t size;
    const uint8_t *files = env_blob(env, "files", &size);
    EXPECT_TRUE(files != NULL && size > 0);
    uintptr_t end = ((uintptr_t) files + size + 4095) & ~(uintptr_t) 4095;
#if defined(__riscv)
    if ((intptr_t) files < 0) // kernel mode: the image in kernel memory, trusted
        return;
#endif
    int nonzero = 0;
    for (const uint8_t *p = files + size; (uintptr_t) p < end; p++)
        nonzero += *p != 0;
    EXPECT_EQ(nonzero, 0);
}

// --- spawn

static volatile int started;

static void mark_started(void *unused) {
    (void) unused;
    started++;
    sys_thread_exit();
}

static handle_t sleeper; // an empty poll set: waiting on it sleeps

static void sleep_ms(int ms) { EXPECT_EQ(sys_poll_wait(sleeper, (int64_t) ms * 1000000), E_TIMED_OUT); }

#define SPAWN_PAIRS 64

// Spends the quota with queued messages, then gives it back 128 bytes at a
// time, trying thread_spawn at each step until one succeeds. A failed spawn
// must have started nothing (it could fail after making the thread runnable,
// when its handle did not fit).
static void test_spawn_fails_whole(void) {
    static handle_t queues[SPAWN_PAIRS][2];
    sleeper = (handle_t) sys_poll_create();
    // Fill the handle table to 256 handles, its capacity (it doubles from
    // 16), so that the next handle needs a bigger table: memory that the
    // thread's handle competes for. No handle is made after this but the
    // thread's.
    while (stats().app_handles + 2 * SPAWN_PAIRS < 256)
        EXPECT_TRUE(!IS_ERROR(sys_timer_create()));
    for (int i = 0; i < SPAWN_PAIRS; i++)
        EXPECT_EQ(sys_channel_create(&queues[i][0], &queues[i][1]), OK);
    // Quota spent: 2032-byte messages, then 128-byte ones, until none fits.
    int big = 0, small = 0;
    for (int i = 0; i < SPAWN_PAIRS / 2; i++)
        while (sys_channel_send(queues[i][0], MSGINFO(1, 0, 1900), payload, NULL) == OK)
            big++;
    for (int i = SPAWN_PAIRS / 2; i < SPAWN_PAIRS; i++)
        while (sys_channel_send(queues[i][0], MSGINFO(1, 0, 8), payload, NULL) == OK)
            small++;
    EXPECT_TRUE(big > 0);
    int step = 0, failed = 0;
    for (; step < 4000; step++) {
        int64_t thread = sys_thread_spawn(mark_started, NULL);
        if (!IS_ERROR(thread)) {
            sleep_ms(1);
            EXPECT_EQ(started, 1);
            sys_handle_close((handle_t) thread);
            break;
        }
        failed++;
        sleep_ms(1);
        EXPECT_EQ(started, 0);
        // Give back one message: the small ones first (they are in the
        // later queues), then the big ones.
        int queue = SPAWN_PAIRS;
        while (queue-- > 0 && IS_ERROR(sys_channel_recv(queues[queue][1], payload, sizeof(payload), NULL)))
            ;
        EXPECT_TRUE(queue >= 0);
    }
    INFO("spawn: %d attempts failed whole before one succeeded (%d + %d messages queued)", failed, big, small);
    EXPECT_TRUE(failed > 0 && step < 4000);
}

// --- cycles

static void test_channel_cycles(void) {
    uint64_t before = 0;
    for (int round = 0; round < 50; round++) {
        if (round == 1)
            before = stats().app_used; // the handle table has grown to its size
        handle_t a, b, c, d, e, f;
        EXPECT_EQ(sys_channel_create(&a, &b), OK);
        EXPECT_EQ(sys_channel_create(&c, &d), OK);
        EXPECT_EQ(sys_channel_create(&e, &f), OK);
        // B's queue holds C: B may no longer travel, so sending it into C's
        // queue (B and C would keep each other alive) is refused.
        EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 1, 0), NULL, &c), OK);
        EXPECT_EQ(sys_channel_send(d, MSGINFO(1, 1, 0), NULL, &b), E_BUSY);
        // Three long: C's queue holds E, E's would hold B: refused at B.
        EXPECT_EQ(sys_channel_send(d, MSGINFO(1, 1, 0), NULL, &e), OK);
        EXPECT_EQ(sys_channel_send(f, MSGINFO(1, 1, 0), NULL, &b), E_BUSY);
        // Data in a queue does not stop a channel from travelling, and a
        // channel may travel again once its queued channels are received.
        EXPECT_EQ(sys_channel_send(f, MSGINFO(1, 0, 4), "data", NULL), OK);
        handle_t got[MESSAGE_HANDLES_MAX];
        EXPECT_EQ(sys_channel_recv(b, payload, sizeof(payload), got), MSGINFO(1, 1, 0));
        handle_t c2 = got[0];
        EXPECT_EQ(sys_channel_send(f, MSGINFO(1, 1, 0), NULL, &b), OK); // E holds B, B holds nothing
        EXPECT_EQ(sys_handle_close(a), OK);
        EXPECT_EQ(sys_handle_close(c2), OK);
        EXPECT_EQ(sys_handle_close(d), OK);
        EXPECT_EQ(sys_handle_close(f), OK);
    }
    EXPECT_EQ(stats().app_used, before); // everything closed really went
}

// --- reconnect

#define PARKING_LOTS 64

// Reconnects again and again and parks every new channel in a message
// (past the handle quota), until the memory quota stops it.
static void test_reconnect_is_charged_to_the_client(void) {
    static handle_t lots[PARKING_LOTS][2];
    sleeper = (handle_t) sys_poll_create();
    for (int i = 0; i < PARKING_LOTS; i++)
        EXPECT_EQ(sys_channel_create(&lots[i][0], &lots[i][1]), OK);
    struct memory_stats before = stats();
    int made = 0, busy = 0, lot = 0;
    int64_t result = OK;
    for (int i = 0; i < 20000; i++) {
        result = sys_service_reconnect("echo", 4);
        if (result == E_BUSY) { // 4 waiting to be accepted: let the server run
            busy++;
            sleep_ms(1);
            continue;
        }
        if (IS_ERROR(result))
            break;
        made++;
        handle_t channel = (handle_t) result;
        while (lot < PARKING_LOTS && sys_channel_send(lots[lot][0], MSGINFO(1, 1, 0), NULL, &channel) == E_FULL)
            lot++;
        if (lot == PARKING_LOTS)
            break;
    }
    struct memory_stats after = stats();
    INFO("reconnect: %d connections made, %d times busy, stopped by %s; kernel memory taken %llu bytes, "
         "charged to us %llu", made, busy, error_name(result),
         (unsigned long long) (before.free_bytes - after.free_bytes),
         (unsigned long long) (after.app_used - before.app_used));
    EXPECT_EQ(result, E_NO_MEMORY);
    EXPECT_TRUE(busy > 0);
    // What the kernel gave out is what we are charged for, give or take the
    // slabs' free blocks and what the server holds for the clients it took.
    EXPECT_TRUE(before.free_bytes - after.free_bytes <= after.app_used - before.app_used + (128u << 10));
}

void main(struct env *env) {
    const char *part = env_str(env, "part");
    if (strcmp(part, "slabs") == 0) {
        test_nothing_past_the_bootfs(env);
        test_slabs_go_back();
        test_heap_growth_failing_half_way();
    } else if (strcmp(part, "spawn") == 0) {
        test_spawn_fails_whole();
    } else if (strcmp(part, "cycles") == 0) {
        test_channel_cycles();
    } else if (strcmp(part, "reconnect") == 0) {
        test_reconnect_is_charged_to_the_client();
    } else {
        ERROR("FAIL: unknown part \"%s\"", part);
    }
    test_finish();
}
