// The kernel allocator: size classes, large blocks, accounting and quotas.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include "host_memory.h"
#include "kmalloc.h"

static void *arena;

static int setup(void **state) {
    (void) state;
    arena = host_memory_init();
    return 0;
}

static uint64_t free_memory(void) { return page_free_count() * PAGE_SIZE + kmalloc_free_bytes(); }

static void test_sizes(void **state) {
    (void) state;
    struct account app = {.name = "app", .limit = 1 << 20, .refs = 1};
    uint64_t before = free_memory();
    size_t sizes[] = {0, 1, 15, 16, 17, 100, 1000, 2032, 2033, 4096, 10000, 65536};
    void *blocks[12];
    for (int i = 0; i < 12; i++) {
        blocks[i] = kmalloc(sizes[i], &app);
        assert_non_null(blocks[i]);
        assert_int_equal((uintptr_t) blocks[i] % 16, 0);
        memset(blocks[i], i, sizes[i]); // ASan checks the block is that big
    }
    assert_true(app.used > 65536);
    assert_int_equal(app.refs, 13);
    for (int i = 0; i < 12; i++)
        kfree(blocks[i]);
    assert_int_equal(app.used, 0);
    assert_int_equal(app.refs, 1);
    assert_int_equal(free_memory(), before);
    kfree(NULL);
}

static void test_quota(void **state) {
    (void) state;
    struct account app = {.name = "app", .limit = 1500, .refs = 1};
    void *a = kmalloc(500, &app);
    assert_non_null(a);
    assert_null(kmalloc(500, &app)); // a second 1024-byte block is over
    assert_null(kmalloc(5000, &app));
    kfree(a);
    assert_non_null(a = kzalloc(900, &app));
    for (int i = 0; i < 900; i++)
        assert_int_equal(((char *) a)[i], 0);
    kfree(a);
}

static bool released;
static void release(struct account *account) {
    (void) account;
    released = true;
}

// The account lives on while blocks charged to it do.
static void test_account_release(void **state) {
    (void) state;
    struct account app = {.name = "app", .limit = 1 << 20, .refs = 1, .release = release};
    void *block = kmalloc(64, &app);
    account_uncharge(&app, 0); // the owner goes away
    assert_false(released);
    kfree(block);
    assert_true(released);
}

static void test_reuse(void **state) {
    (void) state;
    void *a = kmalloc(100, &kernel_account);
    kfree(a);
    void *b = kmalloc(100, &kernel_account);
    assert_ptr_equal(a, b);
    kfree(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_quota),
        cmocka_unit_test(test_account_release),
        cmocka_unit_test(test_reuse),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
