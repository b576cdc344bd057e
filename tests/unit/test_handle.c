// Handle tables: install, lookup with type and rights, stale handles, limits.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "channel.h"
#include "handle.h"
#include "host_memory.h"

static int setup(void **state) {
    (void) state;
    host_memory_init();
    return 0;
}

static void test_install_lookup(void **state) {
    (void) state;
    struct account app = {.name = "app", .limit = 1 << 20, .refs = 1};
    struct handle_table table;
    handle_table_init(&table, &app, 100);
    struct channel *a, *b;
    assert_int_equal(channel_create(&app, &a, &b), OK);
    handle_t ha = handle_install(&table, &a->object, RIGHT_READ | RIGHT_POLL);
    handle_t hb = handle_install(&table, &b->object, RIGHT_ALL);
    assert_true(ha > 0 && hb > 0 && ha != hb);
    struct handle_entry *entry;
    assert_int_equal(handle_lookup(&table, ha, OBJECT_CHANNEL, RIGHT_READ, &entry), OK);
    assert_ptr_equal(entry->object, &a->object);
    assert_int_equal(handle_lookup(&table, ha, OBJECT_POLL, 0, &entry), E_WRONG_TYPE);
    assert_int_equal(handle_lookup(&table, ha, 0, RIGHT_WRITE, &entry), E_NO_RIGHT);
    assert_int_equal(handle_lookup(&table, 0, 0, 0, &entry), E_INVALID_HANDLE);
    assert_int_equal(handle_lookup(&table, -1, 0, 0, &entry), E_INVALID_HANDLE);
    assert_int_equal(handle_lookup(&table, 99999, 0, 0, &entry), E_INVALID_HANDLE);
    // A removed handle stays invalid after its slot is reused.
    struct object *object;
    handle_remove(&table, ha, &object, NULL);
    handle_t again = handle_install(&table, object, RIGHT_READ);
    assert_true(again != ha);
    assert_int_equal(again & 0xfff, ha & 0xfff); // same slot, new generation
    assert_int_equal(handle_lookup(&table, ha, 0, 0, &entry), E_INVALID_HANDLE);
    assert_int_equal(handle_lookup(&table, again, 0, 0, &entry), OK);
    handle_table_destroy(&table);
    assert_int_equal(app.used, 0);
}

static void test_limit(void **state) {
    (void) state;
    struct account app = {.name = "app", .limit = 1 << 20, .refs = 1};
    struct handle_table table;
    handle_table_init(&table, &app, 40);
    int installed = 0;
    for (int i = 0; i < 30; i++) {
        struct channel *a, *b;
        assert_int_equal(channel_create(&app, &a, &b), OK);
        handle_t ha = handle_install(&table, &a->object, RIGHT_ALL);
        handle_t hb = handle_install(&table, &b->object, RIGHT_ALL);
        if (IS_ERROR(ha))
            object_unref(&a->object);
        if (IS_ERROR(hb))
            object_unref(&b->object);
        installed += !IS_ERROR(ha) + !IS_ERROR(hb);
        if (IS_ERROR(hb))
            assert_int_equal(hb, E_TOO_MANY_HANDLES);
    }
    assert_int_equal(installed, 40);
    assert_int_equal(handle_reserve(&table, 1), E_TOO_MANY_HANDLES);
    handle_table_destroy(&table);
    assert_int_equal(app.used, 0);
}

// After handle_reserve(n), n installs succeed even with no memory left:
// a call can make its object knowing its handle will fit.
static void test_reserve(void **state) {
    (void) state;
    struct account app = {.name = "app", .limit = 1 << 20, .refs = 1};
    struct handle_table table;
    handle_table_init(&table, &app, 100);
    assert_int_equal(handle_reserve(&table, 20), OK);
    assert_true(table.capacity >= 20);
    struct channel *ends[20];
    for (int i = 0; i < 20; i += 2)
        assert_int_equal(channel_create(&app, &ends[i], &ends[i + 1]), OK);
    app.limit = app.used; // nothing more can be charged
    for (int i = 0; i < 20; i++)
        assert_true(handle_install(&table, &ends[i]->object, RIGHT_ALL) > 0);
    assert_int_equal(handle_reserve(&table, 20), E_NO_MEMORY); // the table would have to grow
    assert_int_equal(table.count, 20);
    app.limit = 1 << 20;
    handle_table_destroy(&table);
    assert_int_equal(app.used, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_install_lookup),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_reserve),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
