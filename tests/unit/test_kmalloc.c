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

static uint64_t free_memory(void) { return kmalloc_free_pages() * PAGE_SIZE; }

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

// Every size goes to the smallest class that holds it with its header.
static void test_class_boundaries(void **state) {
    (void) state;
    struct account app = {.name = "app", .limit = 1 << 20, .refs = 1};
    const size_t classes[] = {32, 64, 128, 240, 496, 1008, 2032};
    size_t class = 0;
    for (size_t size = 0; size <= 2016; size++) {
        while (classes[class] < size + 16)
            class++;
        void *block = kmalloc(size, &app);
        assert_non_null(block);
        assert_int_equal(app.used, classes[class]);
        kfree(block);
    }
    void *large = kmalloc(2017, &app);
    assert_int_equal(app.used, PAGE_SIZE);
    kfree(large);
}

static void test_reuse(void **state) {
    (void) state;
    void *a = kmalloc(100, &kernel_account);
    kfree(a);
    void *b = kmalloc(100, &kernel_account);
    assert_ptr_equal(a, b);
    kfree(b);
}

// Filling one size class after another with every free page, then freeing
// all of it, leaves the pages free for anyone: a large run fits again.
static void test_empty_slabs_go_back(void **state) {
    (void) state;
    struct account app = {.name = "app", .limit = UINT64_MAX, .refs = 1};
    uint64_t before = kmalloc_free_pages();
    static void *blocks[HOST_PAGES * 128];
    size_t sizes[] = {16, 100, 200, 400, 900, 2000};
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        size_t count = 0;
        while ((blocks[count] = kmalloc(sizes[s], &app)))
            count++;
        assert_true(count > HOST_PAGES / 2);
        assert_int_equal(page_free_count(), 0);
        while (count > 0)
            kfree(blocks[--count]);
        assert_int_equal(kmalloc_free_pages(), before);
        assert_true(page_free_count() >= before - 7); // at most one empty slab per class kept
    }
    void *run = kmalloc((HOST_PAGES - 16) * PAGE_SIZE, &app);
    assert_non_null(run);
    kfree(run);
    assert_int_equal(app.used, 0);
    assert_int_equal(kmalloc_free_pages(), before);
}

// The statistics tell slab pages in use from free ones.
static void test_stats(void **state) {
    (void) state;
    struct kmalloc_stats before, during, after;
    kmalloc_stats(&before);
    void *blocks[40];
    for (int i = 0; i < 40; i++)
        assert_non_null(blocks[i] = kmalloc(990, &kernel_account)); // 1008-byte blocks, 4 per page
    kmalloc_stats(&during);
    assert_true(during.slab_pages - during.empty_slab_pages >= before.slab_pages - before.empty_slab_pages + 10);
    kfree(blocks[0]);
    kmalloc_stats(&during);
    assert_int_equal(during.slab_free_bytes, before.slab_free_bytes + 1008);
    for (int i = 1; i < 40; i++)
        kfree(blocks[i]);
    kmalloc_stats(&after);
    assert_int_equal(after.slab_free_bytes, before.slab_free_bytes);
    assert_int_equal(after.slab_pages - after.empty_slab_pages, before.slab_pages - before.empty_slab_pages);
    assert_true(after.empty_slab_pages <= 7);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_quota),
        cmocka_unit_test(test_account_release),
        cmocka_unit_test(test_reuse),
        cmocka_unit_test(test_class_boundaries),
        cmocka_unit_test(test_empty_slabs_go_back),
        cmocka_unit_test(test_stats),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
