// The physical page allocator: runs, reservations, accounting and quotas.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "host_memory.h"

static void *arena;

static int setup(void **state) {
    (void) state;
    arena = host_memory_init();
    return 0;
}

static int teardown(void **state) {
    (void) state;
    free(arena);
    return 0;
}

static void test_alloc_free(void **state) {
    (void) state;
    assert_int_equal(page_free_count(), HOST_PAGES);
    paddr_t a = page_alloc(1, &kernel_account);
    paddr_t b = page_alloc(1, &kernel_account);
    assert_true(a && b && a != b);
    assert_int_equal(a % PAGE_SIZE, 0);
    assert_int_equal(page_free_count(), HOST_PAGES - 2);
    page_free(a, 1, &kernel_account);
    assert_int_equal(page_alloc(1, &kernel_account), a); // first fit reuses it
    page_free(a, 1, &kernel_account);
    page_free(b, 1, &kernel_account);
    assert_int_equal(page_free_count(), HOST_PAGES);
}

static void test_contiguous_runs(void **state) {
    (void) state;
    paddr_t singles[10];
    for (int i = 0; i < 10; i++)
        singles[i] = page_alloc(1, &kernel_account);
    for (int i = 0; i < 10; i += 2) // leave holes of one page
        page_free(singles[i], 1, &kernel_account);
    paddr_t run = page_alloc(4, &kernel_account);
    assert_true(run > singles[9]); // no hole was big enough
    for (int i = 0; i < 4; i++)
        assert_true(run + i * PAGE_SIZE >= (paddr_t) (uintptr_t) arena);
    assert_int_equal(page_alloc(HOST_PAGES, &kernel_account), 0); // too big
    page_free(run, 4, &kernel_account);
    for (int i = 1; i < 10; i += 2)
        page_free(singles[i], 1, &kernel_account);
    assert_int_equal(page_free_count(), HOST_PAGES);
    paddr_t all = page_alloc(HOST_PAGES, &kernel_account);
    assert_int_equal(all, (paddr_t) (uintptr_t) arena);
    assert_int_equal(page_alloc(1, &kernel_account), 0);
    page_free(all, HOST_PAGES, &kernel_account);
}

// A 16 KiB-aligned run of four pages (a G-stage root table), however the
// free pages lie.
static void test_aligned_runs(void **state) {
    (void) state;
    paddr_t one = page_alloc(1, &kernel_account); // the next free page is now unaligned
    paddr_t run = page_alloc_aligned(4, 16384, &kernel_account);
    assert_true(run != 0);
    assert_int_equal(run % 16384, 0);
    assert_true(run + 4 * PAGE_SIZE <= one || run >= one + PAGE_SIZE);
    assert_int_equal(page_alloc_aligned(4, 12288, &kernel_account), 0); // not a power of two
    assert_int_equal(page_alloc_aligned(HOST_PAGES, 16384, &kernel_account), 0);
    page_free(run, 4, &kernel_account);
    page_free(one, 1, &kernel_account);
    assert_int_equal(page_free_count(), HOST_PAGES);
}

static void test_reserve(void **state) {
    (void) state;
    paddr_t base = (paddr_t) (uintptr_t) arena;
    page_reserve(base + 100, 2 * PAGE_SIZE); // partial pages round outward
    assert_int_equal(page_free_count(), HOST_PAGES - 3);
    assert_true(page_alloc(1, &kernel_account) == base + 3 * PAGE_SIZE);
    page_free(base + 3 * PAGE_SIZE, 1, &kernel_account);
    page_add_free(base, 3 * PAGE_SIZE);
    page_reserve(base - 100 * PAGE_SIZE, 50 * PAGE_SIZE); // outside: ignored
    assert_int_equal(page_free_count(), HOST_PAGES);
}

static void test_quota(void **state) {
    (void) state;
    struct account app = {.name = "app", .limit = 3 * PAGE_SIZE, .refs = 1};
    paddr_t a = page_alloc(2, &app);
    assert_true(a != 0);
    assert_int_equal(app.used, 2 * PAGE_SIZE);
    assert_int_equal(page_alloc(2, &app), 0); // over the quota
    assert_int_equal(app.used, 2 * PAGE_SIZE);
    page_free(a, 2, &app);
    assert_int_equal(app.used, 0);
    assert_int_equal(app.refs, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_free),
        cmocka_unit_test(test_contiguous_runs),
        cmocka_unit_test(test_aligned_runs),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_quota),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
