// Host unit tests for the heap of libs/c (malloc.c). Built with
// -DASTER_LIBC_TEST, which renames our malloc, free, calloc and realloc to
// test_libc_* (libs/c/libc_test_names.h) so they link next to glibc's, which
// cmocka uses. __libc_morecore is defined here over a static arena whose
// limit and layout the tests control. The heap lives for the whole run, so
// the tests share it, and each frees what it allocates.
//
// Build and run from the repository root (one command, split here to fit):
//   cc -std=gnu17 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all
//      -DASTER_LIBC_TEST -Ilibs/c tests/unit/test_malloc.c libs/c/malloc.c libs/c/string.c
//      -lcmocka -o build/host/test_malloc
//   build/host/test_malloc
// (string.c because malloc.c calls our memcpy and memset, test_memcpy here.)

#ifndef ASTER_LIBC_TEST
#error "compile with -DASTER_LIBC_TEST (see the command above)"
#endif

// Our headers, with the renames on, declare test_libc_malloc and friends...
#include "libc_test_names.h"

#include "include/aster_libc.h"
#include "include/stdlib.h"

#define LIBC_TEST_NAMES_OFF
#include "libc_test_names.h"

// ...and glibc's declare the plain names.
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// cmocka needs stdarg.h, stddef.h, stdint.h and setjmp.h first.
#include <cmocka.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KIB ((size_t) 1024)
#define MIB (1024 * KIB)
#define CHUNK (64 * KIB) // the heap's growth unit

// ---- the memory the heap grows into ------------------------------------------

#define ARENA_SIZE (64 * MIB)

static struct {
    _Alignas(16) uint8_t bytes[ARENA_SIZE];
    size_t used;  // bytes handed out, gaps included
    size_t limit; // morecore fails past this many bytes
    size_t gap;   // bytes skipped before each region, to make regions non-contiguous
    int calls;    // successful morecore calls
} arena = {.limit = ARENA_SIZE};

void *__libc_morecore(size_t size) {
    assert_true(size >= CHUNK && size % CHUNK == 0);
    size_t start = arena.used + arena.gap;
    if (start > arena.limit || arena.limit - start < size)
        return NULL;
    arena.used = start + size;
    arena.calls++;
    return arena.bytes + start;
}

// ---- helpers -------------------------------------------------------------------

// xorshift64*: the same sequence on every run.
static uint64_t rng_state;
static uint64_t rng(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static uint8_t pattern_byte(uint8_t seed, size_t i) { return (uint8_t) (seed + i * 7 + (i >> 8)); }

static void fill(void *ptr, size_t size, uint8_t seed) {
    uint8_t *bytes = ptr;
    for (size_t i = 0; i < size; i++)
        bytes[i] = pattern_byte(seed, i);
}

// Whether the first `size` bytes still hold the pattern.
static bool holds(const void *ptr, size_t size, uint8_t seed) {
    const uint8_t *bytes = ptr;
    for (size_t i = 0; i < size; i++)
        if (bytes[i] != pattern_byte(seed, i))
            return false;
    return true;
}

// A block from our heap: non-NULL, 16-byte aligned, inside the arena.
static void check_block(const void *ptr, size_t size) {
    assert_non_null(ptr);
    assert_int_equal((uintptr_t) ptr % 16, 0);
    const uint8_t *bytes = ptr;
    assert_true(bytes >= arena.bytes && bytes + size <= arena.bytes + arena.used);
}

// ---- the shadow model -------------------------------------------------------------

#define SLOTS 256

struct slot {
    uint8_t *ptr; // NULL when empty
    size_t size;
    uint8_t seed;
};

static struct slot slots[SLOTS];

static int by_address(const void *a, const void *b) {
    const struct slot *x = a, *y = b;
    return (x->ptr > y->ptr) - (x->ptr < y->ptr);
}

// Every live block holds its pattern and no two overlap.
static void check_slots(void) {
    static struct slot live[SLOTS];
    size_t count = 0;
    for (size_t i = 0; i < SLOTS; i++) {
        if (!slots[i].ptr)
            continue;
        check_block(slots[i].ptr, slots[i].size);
        if (!holds(slots[i].ptr, slots[i].size, slots[i].seed))
            fail_msg("slot %zu (%zu bytes at %p) was overwritten", i, slots[i].size, (void *) slots[i].ptr);
        live[count++] = slots[i];
    }
    qsort(live, count, sizeof(live[0]), by_address);
    for (size_t i = 1; i < count; i++)
        assert_true(live[i - 1].ptr + live[i - 1].size <= live[i].ptr);
}

static void free_slots(void) {
    for (size_t i = 0; i < SLOTS; i++) {
        test_libc_free(slots[i].ptr);
        slots[i].ptr = NULL;
    }
}

// Mostly small sizes, some pages, a few large.
static size_t random_size(void) {
    uint64_t r = rng() % 100;
    if (r < 70)
        return rng() % 129;
    if (r < 95)
        return rng() % 4097;
    return rng() % (200 * KIB);
}

// One random step: allocate (malloc or calloc), free, or realloc a slot.
static void random_step(void) {
    struct slot *s = &slots[rng() % SLOTS];
    size_t size = random_size();
    uint8_t seed = (uint8_t) rng();
    uint64_t op = rng() % 4;
    if (!s->ptr) {
        if (op == 0) {
            s->ptr = test_libc_calloc(1, size);
            check_block(s->ptr, size);
            for (size_t i = 0; i < size; i++)
                assert_int_equal(s->ptr[i], 0);
        } else {
            s->ptr = test_libc_malloc(size);
        }
    } else if (op < 2) {
        test_libc_free(s->ptr);
        s->ptr = NULL;
        return;
    } else {
        uint8_t *moved = test_libc_realloc(s->ptr, size);
        check_block(moved, size);
        size_t kept = size < s->size ? size : s->size;
        if (!holds(moved, kept, s->seed))
            fail_msg("realloc from %zu to %zu bytes lost data", s->size, size);
        s->ptr = moved;
    }
    check_block(s->ptr, size);
    s->size = size;
    s->seed = seed;
    fill(s->ptr, size, seed);
}

static void random_run(uint64_t seed, int steps) {
    rng_state = seed;
    for (int step = 1; step <= steps; step++) {
        random_step();
        if (step % 500 == 0)
            check_slots();
    }
    check_slots();
    free_slots();
}

// ---- tests -----------------------------------------------------------------------

// Runs first, on a fresh arena: after everything is freed, the heap is one
// block again, so it can hand out all of it without growing.
static void test_everything_freed_coalesces(void **state) {
    (void) state;
    random_run(1, 20000);
    assert_true(arena.calls > 0);
    int calls = arena.calls;
    void *all = test_libc_malloc(arena.used - 32); // one header and the last region's epilogue
    check_block(all, arena.used - 32);
    memset(all, 0xee, arena.used - 32);
    assert_int_equal(arena.calls, calls);
    test_libc_free(all);
    // The same sequence again needs no more memory.
    size_t used = arena.used;
    random_run(1, 20000);
    assert_int_equal(arena.used, used);
}

static void test_random_against_shadow(void **state) {
    (void) state;
    for (uint64_t seed = 2; seed < 6; seed++)
        random_run(seed, 10000);
}

// Repeating one workload does not grow the heap after the first round.
static void test_reuse_after_free(void **state) {
    (void) state;
    static void *blocks[1000];
    size_t used_after_first = 0;
    for (int round = 0; round < 50; round++) {
        rng_state = 42; // the same sizes each round
        for (size_t i = 0; i < ARRAY_SIZE(blocks); i++) {
            size_t size = random_size();
            blocks[i] = test_libc_malloc(size);
            check_block(blocks[i], size);
            memset(blocks[i], (int) i, size);
        }
        // Free in an order that leaves holes first, then fills them.
        for (size_t i = 0; i < ARRAY_SIZE(blocks); i += 2)
            test_libc_free(blocks[i]);
        for (size_t i = 1; i < ARRAY_SIZE(blocks); i += 2)
            test_libc_free(blocks[i]);
        if (round == 0)
            used_after_first = arena.used;
        assert_int_equal(arena.used, used_after_first);
    }
}

static void test_alignment_and_small_sizes(void **state) {
    (void) state;
    static uint8_t *blocks[300];
    for (size_t size = 0; size < ARRAY_SIZE(blocks); size++) {
        blocks[size] = test_libc_malloc(size);
        check_block(blocks[size], size);
        fill(blocks[size], size, (uint8_t) size);
    }
    // malloc(0) gives distinct pointers.
    uint8_t *zero = test_libc_malloc(0);
    check_block(zero, 0);
    assert_ptr_not_equal(zero, blocks[0]);
    for (size_t size = 0; size < ARRAY_SIZE(blocks); size++) {
        assert_true(holds(blocks[size], size, (uint8_t) size));
        test_libc_free(blocks[size]);
    }
    test_libc_free(zero);
    test_libc_free(NULL);
}

static void test_calloc_zeroes(void **state) {
    (void) state;
    // Dirty some memory, then calloc must hand it back zeroed.
    uint8_t *dirty = test_libc_malloc(8 * KIB);
    memset(dirty, 0xff, 8 * KIB);
    test_libc_free(dirty);
    uint8_t *zeroed = test_libc_calloc(8, KIB);
    check_block(zeroed, 8 * KIB);
    for (size_t i = 0; i < 8 * KIB; i++)
        assert_int_equal(zeroed[i], 0);
    test_libc_free(zeroed);
    void *empty = test_libc_calloc(0, 100);
    check_block(empty, 0);
    test_libc_free(empty);
    // count * size overflows.
    assert_null(test_libc_calloc(SIZE_MAX, 2));
    assert_null(test_libc_calloc(SIZE_MAX / 2 + 1, 2));
    assert_null(test_libc_calloc((size_t) 1 << 32, (size_t) 1 << 32));
    assert_null(test_libc_calloc(2, SIZE_MAX));
}

static void test_realloc_semantics(void **state) {
    (void) state;
    // NULL: like malloc.
    uint8_t *p = test_libc_realloc(NULL, 100);
    check_block(p, 100);
    fill(p, 100, 1);
    // Shrinking stays in place and keeps the data.
    uint8_t *q = test_libc_realloc(p, 40);
    assert_ptr_equal(q, p);
    assert_true(holds(q, 40, 1));
    // Growing into the free space just released stays in place too.
    q = test_libc_realloc(p, 100);
    assert_ptr_equal(q, p);
    assert_true(holds(q, 40, 1));
    fill(q, 100, 2);
    test_libc_free(q);
    // Growing past a block in use moves, with the data. First find two
    // blocks that touch (a 100-byte request takes 128 bytes with its header).
    static uint8_t *tried[100];
    size_t num_tried = 0;
    uint8_t *first, *neighbour;
    for (;;) {
        first = test_libc_malloc(100);
        neighbour = test_libc_malloc(100);
        if (neighbour == first + 128)
            break;
        assert_true(num_tried + 2 <= ARRAY_SIZE(tried));
        tried[num_tried++] = first;
        tried[num_tried++] = neighbour;
    }
    for (size_t i = 0; i < num_tried; i++)
        test_libc_free(tried[i]);
    fill(first, 100, 2);
    uint8_t *moved = test_libc_realloc(first, 10 * KIB);
    check_block(moved, 10 * KIB);
    assert_ptr_not_equal(moved, first);
    assert_true(holds(moved, 100, 2));
    fill(moved, 10 * KIB, 3);
    // Size 0: a minimal block, the old one released.
    uint8_t *tiny = test_libc_realloc(moved, 0);
    check_block(tiny, 0);
    // Too large: NULL, the block untouched.
    fill(tiny, 1, 4);
    assert_null(test_libc_realloc(tiny, SIZE_MAX));
    assert_null(test_libc_realloc(tiny, SIZE_MAX - 15));
    assert_null(test_libc_realloc(tiny, PTRDIFF_MAX));
    assert_true(holds(tiny, 1, 4));
    test_libc_free(tiny);
    test_libc_free(neighbour);
}

static void test_large_blocks(void **state) {
    (void) state;
    uint8_t *big = test_libc_malloc(3 * MIB);
    check_block(big, 3 * MIB);
    fill(big, 3 * MIB, 5);
    uint8_t *small = test_libc_malloc(64);
    uint8_t *bigger = test_libc_realloc(big, 5 * MIB);
    check_block(bigger, 5 * MIB);
    assert_true(holds(bigger, 3 * MIB, 5));
    uint8_t *odd = test_libc_malloc(CHUNK - 16); // exactly one chunk with its header
    check_block(odd, CHUNK - 16);
    memset(odd, 1, CHUNK - 16);
    test_libc_free(bigger);
    test_libc_free(small);
    test_libc_free(odd);
}

// Regions that do not touch each other are separate heaps for merging, and
// everything still works.
static void test_noncontiguous_regions(void **state) {
    (void) state;
    arena.gap = 4096;
    int calls = arena.calls;
    uint8_t *blocks[8];
    for (size_t i = 0; i < ARRAY_SIZE(blocks); i++) {
        blocks[i] = test_libc_malloc(i * 512 * KIB + 1); // growing sizes force new regions
        check_block(blocks[i], i * 512 * KIB + 1);
        fill(blocks[i], i * 512 * KIB + 1, (uint8_t) i);
    }
    assert_true(arena.calls > calls);
    random_run(7, 5000);
    for (size_t i = 0; i < ARRAY_SIZE(blocks); i++) {
        assert_true(holds(blocks[i], i * 512 * KIB + 1, (uint8_t) i));
        test_libc_free(blocks[i]);
    }
    arena.gap = 0;
}

// Out of memory: NULL, never a crash; freed memory serves again.
static void test_exhaustion(void **state) {
    (void) state;
    arena.limit = arena.used + 256 * KIB; // past whatever the heap holds already free
    static void *blocks[200000];
    size_t count = 0;
    while ((blocks[count] = test_libc_malloc(KIB)) != NULL) {
        memset(blocks[count], 0x77, KIB);
        assert_true(++count < ARRAY_SIZE(blocks));
    }
    assert_true(count > 256);
    assert_null(test_libc_malloc(KIB));
    assert_null(test_libc_calloc(1, KIB));
    void *last = blocks[count - 1];
    assert_null(test_libc_realloc(last, 64 * KIB)); // cannot grow, the block is kept
    for (size_t i = 0; i < count; i++)
        test_libc_free(blocks[i]);
    // The same again, from freed memory only.
    int calls = arena.calls;
    size_t again = 0;
    while ((blocks[again] = test_libc_malloc(KIB)) != NULL)
        again++;
    assert_int_equal(again, count);
    assert_int_equal(arena.calls, calls);
    for (size_t i = 0; i < again; i++)
        test_libc_free(blocks[i]);
    arena.limit = ARENA_SIZE;
}

static void test_impossible_sizes(void **state) {
    (void) state;
    int calls = arena.calls;
    assert_null(test_libc_malloc(SIZE_MAX));
    assert_null(test_libc_malloc(SIZE_MAX - 15));
    assert_null(test_libc_malloc(SIZE_MAX / 2));
    assert_null(test_libc_malloc(PTRDIFF_MAX));
    assert_null(test_libc_malloc(ARENA_SIZE)); // representable, but the hook refuses
    assert_int_equal(arena.calls, calls);
    void *p = test_libc_malloc(1);
    check_block(p, 1);
    test_libc_free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_everything_freed_coalesces), // first: needs a fresh arena
        cmocka_unit_test(test_random_against_shadow),      cmocka_unit_test(test_reuse_after_free),
        cmocka_unit_test(test_alignment_and_small_sizes),  cmocka_unit_test(test_calloc_zeroes),
        cmocka_unit_test(test_realloc_semantics),          cmocka_unit_test(test_large_blocks),
        cmocka_unit_test(test_noncontiguous_regions),      cmocka_unit_test(test_exhaustion),
        cmocka_unit_test(test_impossible_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL) != 0;
}
