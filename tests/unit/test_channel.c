// Channel queues and poll readiness on the host (no blocking waits).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include "channel.h"
#include "host_memory.h"
#include "poll.h"

static struct account app = {.name = "app", .limit = 1 << 22, .refs = 1};

static int setup(void **state) {
    (void) state;
    host_memory_init();
    return 0;
}

// Checks, then queues, as the system-call layer does.
static error_t send(struct channel *channel, struct message *message) {
    error_t err = channel_can_send(channel);
    if (err)
        message_free(message);
    else
        channel_enqueue(channel, message);
    return err;
}

static struct message *make_message(int value) {
    struct message *m = message_alloc(sizeof(value), &app);
    m->info = MSGINFO(1, 0, sizeof(value));
    memcpy(m->data, &value, sizeof(value));
    return m;
}

static void test_queue_rules(void **state) {
    (void) state;
    struct channel *a, *b;
    assert_int_equal(channel_create(&app, &a, &b), OK);
    error_t err;
    assert_null(channel_peek(b, &err));
    assert_int_equal(err, E_EMPTY);
    assert_int_equal(channel_events(a), EVENT_WRITABLE);
    for (int i = 0; i < CHANNEL_QUEUE_MAX; i++)
        assert_int_equal(send(a, make_message(i)), OK);
    assert_int_equal(channel_can_send(a), E_FULL);
    assert_int_equal(channel_events(a), 0);
    assert_int_equal(channel_events(b), EVENT_READABLE | EVENT_WRITABLE);
    for (int i = 0; i < CHANNEL_QUEUE_MAX; i++) {
        struct message *m = channel_peek(b, &err);
        assert_non_null(m);
        assert_int_equal(*(int *) m->data, i);
        channel_pop(b, m);
        message_free(m);
    }
    // Peer closed with messages queued: drained first, then E_NO_PEER.
    assert_int_equal(send(a, make_message(42)), OK);
    object_unref(&a->object);
    assert_int_equal(channel_events(b), EVENT_READABLE | EVENT_PEER_CLOSED);
    struct message *m = channel_peek(b, &err);
    assert_int_equal(*(int *) m->data, 42);
    channel_pop(b, m);
    message_free(m);
    assert_null(channel_peek(b, &err));
    assert_int_equal(err, E_NO_PEER);
    assert_int_equal(channel_can_send(b), E_NO_PEER);
    object_unref(&b->object);
    assert_int_equal(app.used, 0);
}

// A message carrying an endpoint keeps it alive; dropping the queue closes it.
static void test_nested_endpoints(void **state) {
    (void) state;
    struct channel *a, *b, *c, *d;
    channel_create(&app, &a, &b);
    channel_create(&app, &c, &d);
    struct message *m = message_alloc(0, &app);
    m->info = MSGINFO(1, 1, 0);
    m->handles[0].object = &c->object; // moves our reference
    m->handles[0].rights = RIGHT_ALL;
    m->num_handles = 1;
    assert_true(channel_may_travel(c));
    channel_count_carried(b, m, +1); // as the sender's move of handles does
    assert_int_equal(send(a, m), OK);
    assert_false(channel_may_travel(b)); // b holds c in its queue
    assert_true(channel_may_travel(a) && channel_may_travel(d));
    assert_int_equal(channel_events(d) & EVENT_PEER_CLOSED, 0);
    object_unref(&b->object); // b's queue (holding c) is dropped
    assert_int_equal(channel_events(d) & EVENT_PEER_CLOSED, EVENT_PEER_CLOSED);
    object_unref(&a->object);
    object_unref(&d->object);
    assert_int_equal(app.used, 0);
}

// A channel may travel again once the channels queued at it are received.
static void test_queued_channels_counted(void **state) {
    (void) state;
    struct channel *a, *b, *c, *d, *e, *f;
    channel_create(&app, &a, &b);
    channel_create(&app, &c, &d);
    channel_create(&app, &e, &f);
    struct message *m = message_alloc(0, &app);
    m->info = MSGINFO(1, 2, 0);
    m->handles[0].object = &c->object;
    m->handles[1].object = &e->object;
    m->num_handles = 2;
    channel_count_carried(b, m, +1);
    assert_int_equal(send(a, m), OK);
    assert_int_equal(send(a, make_message(7)), OK); // data only
    assert_int_equal(b->queued_channels, 2);
    error_t err;
    struct message *got = channel_peek(b, &err);
    channel_count_carried(b, got, -1); // as the receiver's taking of handles does
    channel_pop(b, got);
    assert_true(channel_may_travel(b));
    got->num_handles = 0; // as a receiver would: the references move to handles
    message_free(got);
    object_unref(&c->object);
    object_unref(&e->object);
    object_unref(&a->object);
    object_unref(&b->object);
    object_unref(&d->object);
    object_unref(&f->object);
    assert_int_equal(app.used, 0);
}

extern int stub_wakeups;

static void test_poll_level_triggered(void **state) {
    (void) state;
    struct handle_table table;
    handle_table_init(&table, &app, 100);
    struct channel *a, *b;
    channel_create(&app, &a, &b);
    handle_t hb = handle_install(&table, &b->object, RIGHT_ALL);
    struct poll *poll = poll_create(&app);
    assert_int_equal(poll_add(poll, &table, hb, &b->object, EVENT_READABLE, &app), OK);
    assert_int_equal(poll_add(poll, &table, hb, &b->object, EVENT_READABLE, &app), E_ALREADY_EXISTS);
    assert_int_equal(poll_wait(poll, 0), E_EMPTY);
    send(a, make_message(1));
    long expected = ((long) EVENT_READABLE << 32) | hb;
    assert_int_equal(poll_wait(poll, 0), expected);
    assert_int_equal(poll_wait(poll, 0), expected); // still ready: level-triggered
    error_t err;
    struct message *m = channel_peek(b, &err);
    channel_pop(b, m);
    message_free(m);
    assert_int_equal(poll_wait(poll, 0), E_EMPTY);
    // Closing the handle removes it from the poll set.
    struct object *object;
    handle_remove(&table, hb, &object, NULL);
    send(a, make_message(2));
    assert_int_equal(poll_wait(poll, 0), E_EMPTY);
    object_unref(object);
    object_unref(&a->object);
    object_unref(&poll->object);
    handle_table_destroy(&table);
    assert_int_equal(app.used, 0);
}

// An item is charged to whoever adds it, not to the poll's creator (a poll
// handle may have been passed to another app).
static void test_poll_items_charged_to_the_caller(void **state) {
    (void) state;
    struct account other = {.name = "other", .limit = 1 << 20, .refs = 1};
    struct handle_table table;
    handle_table_init(&table, &other, 100);
    struct channel *a, *b;
    channel_create(&other, &a, &b);
    handle_t hb = handle_install(&table, &b->object, RIGHT_ALL);
    struct poll *poll = poll_create(&app);
    uint64_t creator_used = app.used, caller_used = other.used;
    assert_int_equal(poll_add(poll, &table, hb, &b->object, EVENT_READABLE, &other), OK);
    assert_int_equal(app.used, creator_used);
    assert_true(other.used > caller_used);
    assert_int_equal(poll_remove(poll, &table, hb), OK);
    assert_int_equal(other.used, caller_used);
    object_unref(&poll->object);
    object_unref(&a->object);
    handle_table_destroy(&table);
    assert_int_equal(other.used, 0);
    assert_int_equal(app.used, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_rules),
        cmocka_unit_test(test_nested_endpoints),
        cmocka_unit_test(test_queued_channels_counted),
        cmocka_unit_test(test_poll_level_triggered),
        cmocka_unit_test(test_poll_items_charged_to_the_caller),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
