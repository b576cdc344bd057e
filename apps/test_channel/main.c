// System test: every channel rule, checked from inside an app.
#include <aster/aster.h>
#include <aster/test.h>
#include <string.h>

static char buf[MESSAGE_DATA_MAX + 16];

static void test_basic(void) {
    handle_t a, b;
    EXPECT_EQ(sys_channel_create(&a, &b), OK);
    EXPECT_EQ(sys_channel_recv(b, buf, sizeof(buf), NULL), E_EMPTY);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(7, 0, 5), "hello", NULL), OK);
    int64_t info = sys_channel_recv(b, buf, sizeof(buf), NULL);
    EXPECT_EQ(MSGINFO_TYPE(info), 7);
    EXPECT_EQ(MSGINFO_LEN(info), 5);
    EXPECT_EQ(memcmp(buf, "hello", 5), 0);
    // Both directions work, and an empty message is a message.
    EXPECT_EQ(sys_channel_send(b, MSGINFO(3, 0, 0), NULL, NULL), OK);
    EXPECT_EQ(MSGINFO_TYPE(sys_channel_recv(a, buf, sizeof(buf), NULL)), 3);
    // The largest message goes through intact.
    for (int i = 0; i < MESSAGE_DATA_MAX; i++)
        buf[i] = (char) (i * 7);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 0, MESSAGE_DATA_MAX), buf, NULL), OK);
    memset(buf, 0, sizeof(buf));
    EXPECT_EQ(MSGINFO_LEN(sys_channel_recv(b, buf, sizeof(buf), NULL)), MESSAGE_DATA_MAX);
    int intact = 1;
    for (int i = 0; i < MESSAGE_DATA_MAX; i++)
        intact &= buf[i] == (char) (i * 7);
    EXPECT_TRUE(intact);
    EXPECT_EQ(sys_handle_close(a), OK);
    EXPECT_EQ(sys_handle_close(b), OK);
}

static void test_limits(void) {
    handle_t a, b;
    EXPECT_EQ(sys_channel_create(&a, &b), OK);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 0, MESSAGE_DATA_MAX + 1), buf, NULL), E_TOO_LARGE);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 0, 1) | (1u << 13), buf, NULL), E_INVALID_ARG);
    // A receive buffer that is too small leaves the message queued.
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 0, 100), buf, NULL), OK);
    EXPECT_EQ(sys_channel_recv(b, buf, 99, NULL), E_TOO_LARGE);
    EXPECT_EQ(MSGINFO_LEN(sys_channel_recv(b, buf, 100, NULL)), 100);
    // The queue holds CHANNEL_QUEUE_MAX messages; then E_FULL, in order.
    for (int i = 0; i < CHANNEL_QUEUE_MAX; i++)
        EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 0, sizeof(i)), &i, NULL), OK);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 0, 1), buf, NULL), E_FULL);
    // The other direction is unaffected.
    EXPECT_EQ(sys_channel_send(b, MSGINFO(1, 0, 1), buf, NULL), OK);
    int in_order = 1;
    for (int i = 0; i < CHANNEL_QUEUE_MAX; i++) {
        int value = -1;
        EXPECT_EQ(MSGINFO_LEN(sys_channel_recv(b, &value, sizeof(value), NULL)), sizeof(value));
        in_order &= value == i;
    }
    EXPECT_TRUE(in_order);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 0, 1), buf, NULL), OK);
    sys_handle_close(a);
    sys_handle_close(b);
}

static void test_peer_closed(void) {
    handle_t a, b;
    EXPECT_EQ(sys_channel_create(&a, &b), OK);
    for (int i = 0; i < 3; i++)
        EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 0, sizeof(i)), &i, NULL), OK);
    EXPECT_EQ(sys_handle_close(a), OK);
    // Nothing is lost: queued messages are still delivered, then E_NO_PEER.
    for (int i = 0; i < 3; i++) {
        int value = -1;
        EXPECT_EQ(MSGINFO_LEN(sys_channel_recv(b, &value, sizeof(value), NULL)), sizeof(value));
        EXPECT_EQ(value, i);
    }
    EXPECT_EQ(sys_channel_recv(b, buf, sizeof(buf), NULL), E_NO_PEER);
    EXPECT_EQ(sys_channel_send(b, MSGINFO(1, 0, 1), buf, NULL), E_NO_PEER);
    sys_handle_close(b);
}

static void test_handle_transfer(void) {
    handle_t a, b, c, d;
    EXPECT_EQ(sys_channel_create(&a, &b), OK);
    EXPECT_EQ(sys_channel_create(&c, &d), OK);
    // Sending an endpoint through itself or its peer is refused.
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 1, 0), NULL, &a), E_INVALID_ARG);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 1, 0), NULL, &b), E_INVALID_ARG);
    handle_t twice[2] = {c, c};
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 2, 0), NULL, twice), E_INVALID_ARG);
    // One bad handle: nothing is sent, nothing is moved.
    handle_t some_bad[2] = {c, 12345};
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 2, 0), NULL, some_bad), E_INVALID_HANDLE);
    EXPECT_EQ(sys_channel_recv(b, buf, sizeof(buf), NULL), E_EMPTY);
    EXPECT_EQ(sys_handle_restrict(c, RIGHT_ALL), OK); // c is still ours
    // Move c: it leaves our table and arrives as a new handle.
    EXPECT_EQ(sys_channel_send(a, MSGINFO(9, 1, 4), "move", &c), OK);
    EXPECT_EQ(sys_handle_restrict(c, RIGHT_ALL), E_INVALID_HANDLE);
    handle_t received[MESSAGE_HANDLES_MAX] = {0};
    int64_t info = sys_channel_recv(b, buf, sizeof(buf), received);
    EXPECT_EQ(MSGINFO_HANDLES(info), 1);
    EXPECT_EQ(MSGINFO_TYPE(info), 9);
    EXPECT_TRUE(received[0] > 0);
    // The moved endpoint still talks to d.
    EXPECT_EQ(sys_channel_send(received[0], MSGINFO(1, 0, 2), "hi", NULL), OK);
    EXPECT_EQ(MSGINFO_LEN(sys_channel_recv(d, buf, sizeof(buf), NULL)), 2);
    // A message carrying handles dropped with its queue closes them: d sees it.
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 1, 0), NULL, &received[0]), OK);
    EXPECT_EQ(sys_handle_close(b), OK);
    EXPECT_EQ(sys_channel_recv(d, buf, sizeof(buf), NULL), E_NO_PEER);
    sys_handle_close(a);
    sys_handle_close(d);
}

static void test_bad_handles(void) {
    handle_t a, b;
    EXPECT_EQ(sys_channel_create(&a, &b), OK);
    EXPECT_EQ(sys_channel_send(0, MSGINFO(1, 0, 0), NULL, NULL), E_INVALID_HANDLE);
    EXPECT_EQ(sys_channel_send(-5, MSGINFO(1, 0, 0), NULL, NULL), E_INVALID_HANDLE);
    EXPECT_EQ(sys_channel_send(0x7fffffff, MSGINFO(1, 0, 0), NULL, NULL), E_INVALID_HANDLE);
    EXPECT_EQ(sys_handle_close(12345), E_INVALID_HANDLE);
    // A stale handle stays invalid even after its slot is reused.
    EXPECT_EQ(sys_handle_close(a), OK);
    EXPECT_EQ(sys_handle_close(a), E_INVALID_HANDLE);
    handle_t c, d;
    EXPECT_EQ(sys_channel_create(&c, &d), OK);
    EXPECT_TRUE(c != a && d != a);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 0, 0), NULL, NULL), E_INVALID_HANDLE);
    // Wrong type and wrong rights.
    handle_t poll = sys_poll_create();
    EXPECT_EQ(sys_channel_send(poll, MSGINFO(1, 0, 0), NULL, NULL), E_WRONG_TYPE);
    EXPECT_EQ(sys_timer_set(c, 10), E_WRONG_TYPE);
    EXPECT_EQ(sys_handle_restrict(c, RIGHT_READ | RIGHT_POLL), OK);
    EXPECT_EQ(sys_channel_send(c, MSGINFO(1, 0, 0), NULL, NULL), E_NO_RIGHT);
    EXPECT_EQ(sys_handle_restrict(d, RIGHT_WRITE), OK);
    EXPECT_EQ(sys_channel_recv(d, buf, sizeof(buf), NULL), E_NO_RIGHT);
    EXPECT_EQ(sys_poll_add(poll, d, EVENT_READABLE), E_NO_RIGHT);
    EXPECT_EQ(sys_handle_restrict(d, RIGHT_ALL), OK); // rights never grow back
    EXPECT_EQ(sys_channel_recv(d, buf, sizeof(buf), NULL), E_NO_RIGHT);
    EXPECT_EQ(sys_handle_restrict(d, 1u << 20), E_INVALID_ARG);
    sys_handle_close(b);
    sys_handle_close(c);
    sys_handle_close(d);
    sys_handle_close(poll);
}

static void test_bad_addresses(void) {
    handle_t a, b;
    EXPECT_EQ(sys_channel_create(&a, &b), OK);
    EXPECT_EQ(sys_channel_create(NULL, &b), E_BAD_ADDRESS);
    EXPECT_EQ(sys_channel_create(&a, (handle_t *) 0x100), E_BAD_ADDRESS);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 0, 16), (void *) 0x10, NULL), E_BAD_ADDRESS);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 1, 0), NULL, (handle_t *) 0x20), E_BAD_ADDRESS);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 0, 16), (void *) -8L, NULL), E_BAD_ADDRESS);
    EXPECT_EQ(sys_channel_recv(b, buf, sizeof(buf), NULL), E_EMPTY);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 0, 4), "data", NULL), OK);
    EXPECT_EQ(sys_channel_recv(b, (void *) 0x30, 64, NULL), E_BAD_ADDRESS);
    EXPECT_EQ(MSGINFO_LEN(sys_channel_recv(b, buf, sizeof(buf), NULL)), 4); // still queued
    EXPECT_EQ(sys_log_write((const char *) 0x40, 10), E_BAD_ADDRESS);
    EXPECT_EQ(sys_log_write("x", -1), E_INVALID_ARG);
    EXPECT_EQ(sys_memory_stats((struct memory_stats *) 0x50), E_BAD_ADDRESS);
    EXPECT_EQ(aster_syscall(0, 0, 0, 0, 0, 999), E_NOT_SUPPORTED);
    EXPECT_EQ(aster_syscall(0, 0, 0, 0, 0, -1), E_NOT_SUPPORTED);
    sys_handle_close(a);
    sys_handle_close(b);
}

// The log: lines come back stamped with our name; bad arguments are errors.
static void test_log(void) {
    EXPECT_EQ(sys_nop(), OK);
    INFO("log marker %d", 4711);
    static char tail[256];
    int64_t len = sys_log_read(tail, sizeof(tail) - 1);
    EXPECT_TRUE(len > 0 && len < (long) sizeof(tail));
    tail[len > 0 ? len : 0] = '\0';
    EXPECT_TRUE(strstr(tail, "[test_channel] log marker 4711\n") != NULL);
    EXPECT_EQ(sys_log_read(tail, -1), E_INVALID_ARG);
    EXPECT_EQ(sys_log_read((char *) 0x60, 16), E_BAD_ADDRESS);
    EXPECT_EQ(sys_log_read(tail, 0), 0);
    // A line cannot forge another app's: newlines become spaces.
    EXPECT_EQ(sys_log_write("a\n[kernel] forged", 17), 17);
    len = sys_log_read(tail, 64);
    tail[len] = '\0';
    EXPECT_TRUE(strstr(tail, "[test_channel] a [kernel] forged\n") != NULL);
}

// An app's share of the console: past 200 lines in a second, lines are
// dropped (E_FULL) and counted; the kernel says how many when the next
// second opens and the app logs again.
static void test_log_flood(void) {
    int logged = 0, dropped = 0;
    for (int i = 0; i < 400; i++) {
        int64_t result = sys_log_write("flood", 5);
        logged += result == 5;
        dropped += result == E_FULL;
    }
    EXPECT_TRUE(logged >= 150 && logged <= 200);
    EXPECT_EQ(logged + dropped, 400);
    handle_t poll = (handle_t) sys_poll_create();
    sys_poll_wait(poll, 1100000000); // the next second
    sys_handle_close(poll);
    EXPECT_EQ(sys_log_write("after the flood", 15), 15);
}

// The handle quota: creating channels in a loop ends in E_TOO_MANY_HANDLES,
// and closing them all gives the memory back.
static void test_handle_quota(void) {
    struct memory_stats before, after;
    EXPECT_EQ(sys_memory_stats(&before), OK);
    static handle_t handles[2 * 1024];
    int count = 0;
    error_t err = OK;
    while (count + 2 <= (int) (sizeof(handles) / sizeof(handles[0]))) {
        err = sys_channel_create(&handles[count], &handles[count + 1]);
        if (err)
            break;
        count += 2;
    }
    EXPECT_EQ(err, E_TOO_MANY_HANDLES);
    EXPECT_TRUE(count > 500);
    for (int i = 0; i < count; i++)
        EXPECT_EQ(sys_handle_close(handles[i]), OK);
    EXPECT_EQ(sys_memory_stats(&after), OK);
    EXPECT_EQ(after.app_handles, before.app_handles);
    // The handle table keeps its grown array; everything else is returned.
    EXPECT_TRUE(after.app_used <= before.app_used + 64 * 1024);
}

// A buffer deep in the stack, on pages nothing has touched: the kernel
// writes and reads it all the same (user and vm mode map stack pages as
// they are first used, by the app or by a system call).
static __attribute__((noinline)) void test_fresh_stack_pages(void) {
    char deep[40 * 1024];
    handle_t a, b;
    EXPECT_EQ(sys_channel_create(&a, &b), OK);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 0, 5), "fresh", NULL), OK);
    EXPECT_EQ(MSGINFO_LEN(sys_channel_recv(b, deep, MESSAGE_DATA_MAX, NULL)), 5); // writes the lowest pages
    EXPECT_EQ(memcmp(deep, "fresh", 5), 0);
    memcpy(deep + 8192, "again", 5);
    EXPECT_EQ(sys_channel_send(b, MSGINFO(1, 0, 5), deep + 8192, NULL), OK); // reads another
    EXPECT_EQ(MSGINFO_LEN(sys_channel_recv(a, buf, sizeof(buf), NULL)), 5);
    EXPECT_EQ(memcmp(buf, "again", 5), 0);
    sys_handle_close(a);
    sys_handle_close(b);
}

void main(struct env *env) {
    (void) env;
    test_fresh_stack_pages();
    test_basic();
    test_limits();
    test_peer_closed();
    test_handle_transfer();
    test_bad_handles();
    test_bad_addresses();
    test_log();
    test_log_flood();
    test_handle_quota();
    test_finish();
}
