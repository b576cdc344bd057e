// Host unit tests for libs/wasm's fuel: straight-line code and bulk
// operations are paid for by their length, fills and copies stop between
// chunks and resume exactly, and the start function can be left to the
// embedder. Run from test_wasm.c's main (wasm_fuel_tests).
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <wasm/wasm.h>

int wasm_fuel_tests(void);

#define MIB (1024u * 1024u)
#define WORDS_PER_FUEL 16 // the engine's promise (wasm.h): a unit pays for at most this
#define TAIL_WORDS 512    // what may run unpaid before a stop: a segment (about 256)

static unsigned live_blocks;

static void *plain_alloc(void *ctx, size_t size) {
    (void) ctx;
    void *ptr = malloc(size ? size : 1);
    if (ptr)
        live_blocks++;
    return ptr;
}

static void plain_free(void *ctx, void *ptr, size_t size) {
    (void) ctx, (void) size;
    live_blocks--;
    free(ptr);
}

static const struct wasm_allocator alloc = {plain_alloc, plain_free, NULL};

struct loaded {
    uint8_t *bytes;
    struct wasm_module *module;
    struct wasm_instance *instance;
    struct wasm_exec *exec;
};

// Loads and instantiates (with the exec, or leaving start to the caller).
static void load(const uint8_t *bytes, size_t len, bool run_start, struct loaded *l) {
    *l = (struct loaded){0};
    assert_int_equal(wasm_exec_create(&alloc, 4096, 200, &l->exec), WASM_OK);
    assert_int_equal(wasm_module_load(&alloc, bytes, len, &l->module, NULL), WASM_OK);
    assert_int_equal(wasm_instance_create(l->module, &alloc, NULL, NULL, run_start ? l->exec : NULL,
                                          &l->instance), WASM_OK);
}

static void unload(struct loaded *l) {
    wasm_instance_free(l->instance);
    wasm_module_free(l->module);
    wasm_exec_free(l->exec);
    free(l->bytes);
    assert_int_equal(live_blocks, 0); // everything returned
}

static int setup(void **state) {
    (void) state;
    live_blocks = 0;
    return 0;
}

static struct wasm_extern export_of(struct loaded *l, const char *name, enum wasm_extern_kind kind) {
    struct wasm_extern ext;
    assert_true(wasm_instance_export(l->instance, name, strlen(name), &ext));
    assert_int_equal(ext.kind, kind);
    return ext;
}

// Calls func in slices of `slice` fuel until it ends; returns the status
// and the number of stops in *stops.
static int call_sliced(struct loaded *l, struct wasm_func *func, const wasm_value *args,
                       wasm_value *results, uint64_t slice, unsigned *stops) {
    *stops = 0;
    wasm_exec_set_fuel(l->exec, slice);
    int status = wasm_exec_call(l->exec, func, args, results);
    while (status == WASM_OUT_OF_FUEL) {
        ++*stops;
        wasm_exec_set_fuel(l->exec, slice);
        status = wasm_exec_resume(l->exec, results);
    }
    return status;
}

// --- straight-line code ------------------------------------------------------

struct buf {
    uint8_t *data;
    size_t len;
};

static void put(struct buf *b, const void *bytes, size_t n) {
    b->data = realloc(b->data, b->len + n);
    assert_non_null(b->data);
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
}

static void put_uleb(struct buf *b, uint64_t v) {
    do {
        uint8_t byte = (uint8_t) (v & 0x7F);
        v >>= 7;
        if (v)
            byte |= 0x80;
        put(b, &byte, 1);
    } while (v);
}

#define STEP_WORDS 6 // global.get; i32.const+i32.add fused; global.set: 2 words each

/* (module
     (global $g (export "g") (mut i32) (i32.const 0))
     (func $big   ;; `steps` times:
       (global.set $g (i32.add (global.get $g) (i32.const 1))))
     (func (export "run") (param i32)
       (block (loop
         (br_if 1 (i32.eqz (local.get 0)))
         (call $big)
         (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
         (br 0))))) */
static struct buf straight_line_module(uint32_t steps) {
    static const uint8_t head[] = {
        0, 'a', 's', 'm', 1, 0, 0, 0,
        0x01, 0x08, 0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7f, 0x00, // types
        0x03, 0x03, 0x02, 0x00, 0x01,                               // functions
        0x06, 0x06, 0x01, 0x7f, 0x01, 0x41, 0x00, 0x0b,             // global
        0x07, 0x0b, 0x02, 0x01, 'g', 0x03, 0x00, 0x03, 'r', 'u', 'n', 0x00, 0x01};
    static const uint8_t step[] = {0x23, 0x00, 0x41, 0x01, 0x6a, 0x24, 0x00};
    static const uint8_t run[] = {0x00, 0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x45, 0x0d, 0x01, 0x10, 0x00,
                                  0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00, 0x0c, 0x00, 0x0b, 0x0b, 0x0b};
    struct buf big = {0}, code = {0}, module = {0};
    put(&big, "\0", 1);
    for (uint32_t i = 0; i < steps; i++)
        put(&big, step, sizeof step);
    put(&big, "\x0b", 1);
    put(&code, "\x02", 1);
    put_uleb(&code, big.len);
    put(&code, big.data, big.len);
    put_uleb(&code, sizeof run);
    put(&code, run, sizeof run);
    put(&module, head, sizeof head);
    put(&module, "\x0a", 1);
    put_uleb(&module, code.len);
    put(&module, code.data, code.len);
    free(big.data);
    free(code.data);
    return module;
}

// A loop calling a function of 5000 straight-line steps: fuel runs out
// after at most WORDS_PER_FUEL words per unit (a 2-per-iteration charge
// for the loop's branch and call would allow millions of steps).
static void test_straight_line_is_charged(void **state) {
    (void) state;
    struct buf bytes = straight_line_module(5000);
    struct loaded l;
    load(bytes.data, bytes.len, true, &l);
    l.bytes = bytes.data;
    struct wasm_func *run = export_of(&l, "run", WASM_EXTERN_FUNC).as.func;
    struct wasm_global *g = export_of(&l, "g", WASM_EXTERN_GLOBAL).as.global;
    for (uint64_t fuel = 10; fuel <= 100000; fuel *= 10) {
        g->value = 0;
        wasm_value iterations = 1000;
        wasm_exec_set_fuel(l.exec, fuel);
        assert_int_equal(wasm_exec_call(l.exec, run, &iterations, NULL), WASM_OUT_OF_FUEL);
        uint64_t words = g->value * STEP_WORDS;
        // At most one segment runs after the last charge.
        assert_true(words <= WORDS_PER_FUEL * fuel + TAIL_WORDS);
        assert_true(words >= 8 * fuel); // and fuel is not grossly overcharged
        wasm_exec_reset(l.exec);
    }
    // In small slices it runs to the same end as in one piece.
    g->value = 0;
    wasm_value iterations = 3;
    unsigned stops;
    assert_int_equal(call_sliced(&l, run, &iterations, NULL, 7, &stops), WASM_OK);
    assert_int_equal(g->value, 3 * 5000);
    // Each slice may also run one uncharged segment, and lose some fuel
    // to saturation: still bounded.
    assert_true(stops >= 3 * 5000 * STEP_WORDS / (WORDS_PER_FUEL * 7 + TAIL_WORDS));
    unload(&l);
}

// --- bulk memory and tables -------------------------------------------------

/* (module
     (memory (export "mem") 256)
     (table (export "tab") 100000 funcref)
     (elem declare func $fill)
     (func $fill (export "fill") (param i32 i32 i32)
       (memory.fill (local.get 0) (local.get 1) (local.get 2)))
     (func (export "copy") (param i32 i32 i32)
       (memory.copy (local.get 0) (local.get 1) (local.get 2)))
     (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
     (func (export "tfill") (param i32 i32)
       (table.fill 0 (local.get 0) (ref.func $fill) (local.get 1)))
     (func (export "tcopy") (param i32 i32 i32)
       (table.copy 0 0 (local.get 0) (local.get 1) (local.get 2)))) */
static const uint8_t bulk_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x11, 0x03, 0x60, 0x03, 0x7f, 0x7f,
    0x7f, 0x00, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x00, 0x03, 0x06, 0x05,
    0x00, 0x00, 0x01, 0x02, 0x00, 0x04, 0x06, 0x01, 0x70, 0x00, 0xa0, 0x8d, 0x06, 0x05, 0x04,
    0x01, 0x00, 0x80, 0x02, 0x07, 0x32, 0x07, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x03, 0x74,
    0x61, 0x62, 0x01, 0x00, 0x04, 0x66, 0x69, 0x6c, 0x6c, 0x00, 0x00, 0x04, 0x63, 0x6f, 0x70,
    0x79, 0x00, 0x01, 0x04, 0x67, 0x72, 0x6f, 0x77, 0x00, 0x02, 0x05, 0x74, 0x66, 0x69, 0x6c,
    0x6c, 0x00, 0x03, 0x05, 0x74, 0x63, 0x6f, 0x70, 0x79, 0x00, 0x04, 0x09, 0x05, 0x01, 0x03,
    0x00, 0x01, 0x00, 0x0a, 0x3a, 0x05, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc,
    0x0b, 0x00, 0x0b, 0x0c, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc, 0x0a, 0x00, 0x00,
    0x0b, 0x06, 0x00, 0x20, 0x00, 0x40, 0x00, 0x0b, 0x0b, 0x00, 0x20, 0x00, 0xd2, 0x00, 0x20,
    0x01, 0xfc, 0x11, 0x00, 0x0b, 0x0c, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc, 0x0e,
    0x00, 0x00, 0x0b};

#define MEMORY_BYTES (16 * MIB)
#define CHUNK_BYTES (64 * 1024) // the most a fill or copy does per fuel point

// A 16 MiB memory.fill with 10 fuel per slice stops between chunks, and
// resumed to its end leaves every byte filled.
static void test_fill_stops_and_resumes(void **state) {
    (void) state;
    struct loaded l;
    load(bulk_wasm, sizeof bulk_wasm, true, &l);
    struct wasm_memory *mem = export_of(&l, "mem", WASM_EXTERN_MEMORY).as.memory;
    struct wasm_func *fill = export_of(&l, "fill", WASM_EXTERN_FUNC).as.func;
    wasm_value args[3] = {0, 0x1AB, MEMORY_BYTES};
    wasm_exec_set_fuel(l.exec, 10);
    assert_int_equal(wasm_exec_call(l.exec, fill, args, NULL), WASM_OUT_OF_FUEL);
    assert_int_equal(mem->data[0], 0xAB);
    assert_int_equal(mem->data[MEMORY_BYTES - 1], 0); // not there yet
    unsigned stops;
    wasm_exec_reset(l.exec);
    assert_int_equal(call_sliced(&l, fill, args, NULL, 10, &stops), WASM_OK);
    assert_true(stops >= MEMORY_BYTES / CHUNK_BYTES);
    for (uint32_t i = 0; i < MEMORY_BYTES; i++)
        if (mem->data[i] != 0xAB)
            fail_msg("byte %u is %#x", i, mem->data[i]);
    unload(&l);
}

// memory.copy in slices equals memmove, in both overlap directions.
static void test_copy_resumes_both_directions(void **state) {
    (void) state;
    static const uint32_t cases[][3] = {
        {MIB + 5, 0, MEMORY_BYTES - MIB - 5}, // dst > src: copied from the end
        {3, MIB, MEMORY_BYTES - MIB},         // dst < src: from the front
        {7, 7, MEMORY_BYTES - 7},             // onto itself
    };
    struct loaded l;
    load(bulk_wasm, sizeof bulk_wasm, true, &l);
    struct wasm_memory *mem = export_of(&l, "mem", WASM_EXTERN_MEMORY).as.memory;
    struct wasm_func *copy = export_of(&l, "copy", WASM_EXTERN_FUNC).as.func;
    uint8_t *want = malloc(MEMORY_BYTES);
    assert_non_null(want);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (uint32_t i = 0; i < MEMORY_BYTES; i++)
            mem->data[i] = want[i] = (uint8_t) (i * 7 + (i >> 11) + c);
        memmove(want + cases[c][0], want + cases[c][1], cases[c][2]);
        wasm_value args[3] = {cases[c][0], cases[c][1], cases[c][2]};
        unsigned stops;
        assert_int_equal(call_sliced(&l, copy, args, NULL, 10, &stops), WASM_OK);
        assert_true(stops >= cases[c][2] / CHUNK_BYTES);
        assert_memory_equal(mem->data, want, MEMORY_BYTES);
    }
    free(want);
    unload(&l);
}

// Out of bounds anywhere in the range traps before a byte is written.
static void test_bulk_bounds_before_writes(void **state) {
    (void) state;
    struct loaded l;
    load(bulk_wasm, sizeof bulk_wasm, true, &l);
    struct wasm_memory *mem = export_of(&l, "mem", WASM_EXTERN_MEMORY).as.memory;
    struct wasm_func *fill = export_of(&l, "fill", WASM_EXTERN_FUNC).as.func;
    struct wasm_func *copy = export_of(&l, "copy", WASM_EXTERN_FUNC).as.func;
    memset(mem->data, 0x11, MEMORY_BYTES);
    wasm_value fill_args[3] = {MEMORY_BYTES - 100, 0xCD, 200};
    wasm_value copy_args[][3] = {{0, MEMORY_BYTES - 10, 100}, {MEMORY_BYTES - 10, 0, 100},
                                 {0, 1, MEMORY_BYTES}};
    for (uint64_t fuel = 1; fuel <= UINT64_MAX / 2; fuel = fuel * 1000 + 1) {
        wasm_exec_set_fuel(l.exec, fuel);
        assert_int_equal(wasm_exec_call(l.exec, fill, fill_args, NULL), WASM_TRAP_MEMORY_OOB);
        for (size_t c = 0; c < 3; c++) {
            wasm_exec_set_fuel(l.exec, fuel);
            assert_int_equal(wasm_exec_call(l.exec, copy, copy_args[c], NULL), WASM_TRAP_MEMORY_OOB);
        }
    }
    for (uint32_t i = 0; i < MEMORY_BYTES; i++)
        if (mem->data[i] != 0x11)
            fail_msg("byte %u was written", i);
    unload(&l);
}

// table.fill and table.copy stop between chunks too; memory.grow pays
// for the bytes it copies.
static void test_table_ops_and_grow(void **state) {
    (void) state;
    struct loaded l;
    load(bulk_wasm, sizeof bulk_wasm, true, &l);
    struct wasm_table *tab = export_of(&l, "tab", WASM_EXTERN_TABLE).as.table;
    struct wasm_func *fill = export_of(&l, "fill", WASM_EXTERN_FUNC).as.func;
    unsigned stops;
    wasm_value fill_args[2] = {0, 100000};
    assert_int_equal(call_sliced(&l, export_of(&l, "tfill", WASM_EXTERN_FUNC).as.func, fill_args,
                                 NULL, 3, &stops), WASM_OK);
    assert_true(stops >= 100000 / 8192);
    for (uint32_t i = 0; i < 100000; i++)
        assert_ptr_equal((void *) (uintptr_t) tab->elems[i], fill);
    // The copy only moves words: fake distinct entries show its direction.
    wasm_value *want = malloc(100000 * sizeof *want);
    assert_non_null(want);
    for (uint32_t i = 0; i < 100000; i++)
        tab->elems[i] = want[i] = i + 1;
    memmove(want + 10, want, 90000 * sizeof *want);
    wasm_value copy_args[3] = {10, 0, 90000};
    assert_int_equal(call_sliced(&l, export_of(&l, "tcopy", WASM_EXTERN_FUNC).as.func, copy_args,
                                 NULL, 3, &stops), WASM_OK);
    assert_true(stops >= 90000 / 8192);
    assert_memory_equal(tab->elems, want, 100000 * sizeof *want);
    memset(tab->elems, 0, 100000 * sizeof *want);
    free(want);
    // 1 MiB more: 17 MiB copied and zeroed take all of 100 fuel, so the
    // call stops at its return.
    wasm_value delta = 16, old = 0;
    wasm_exec_set_fuel(l.exec, 100);
    assert_int_equal(wasm_exec_call(l.exec, export_of(&l, "grow", WASM_EXTERN_FUNC).as.func, &delta,
                                    &old), WASM_OUT_OF_FUEL);
    wasm_exec_set_fuel(l.exec, 100);
    assert_int_equal(wasm_exec_resume(l.exec, &old), WASM_OK);
    assert_int_equal(old, 256);
    unload(&l);
}

// --- the start function ------------------------------------------------------

/* (module
     (global $n (export "n") (mut i32) (i32.const 0))
     (func $start
       (loop
         (global.set $n (i32.add (global.get $n) (i32.const 1)))
         (br_if 0 (i32.lt_u (global.get $n) (i32.const 10000)))))
     (start $start)) */
static const uint8_t start_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03,
    0x02, 0x01, 0x00, 0x06, 0x06, 0x01, 0x7f, 0x01, 0x41, 0x00, 0x0b, 0x07, 0x05, 0x01, 0x01,
    0x6e, 0x03, 0x00, 0x08, 0x01, 0x00, 0x0a, 0x17, 0x01, 0x15, 0x00, 0x03, 0x40, 0x23, 0x00,
    0x41, 0x01, 0x6a, 0x24, 0x00, 0x23, 0x00, 0x41, 0x90, 0xce, 0x00, 0x49, 0x0d, 0x00, 0x0b,
    0x0b};

// Instantiated without an exec, the start function waits for the
// embedder, who runs it in slices of fuel.
static void test_deferred_start(void **state) {
    (void) state;
    struct loaded l;
    load(start_wasm, sizeof start_wasm, false, &l);
    struct wasm_global *n = export_of(&l, "n", WASM_EXTERN_GLOBAL).as.global;
    struct wasm_func *start = wasm_instance_start_func(l.instance);
    assert_non_null(start);
    assert_int_equal(n->value, 0); // not run yet
    unsigned stops;
    assert_int_equal(call_sliced(&l, start, NULL, NULL, 5, &stops), WASM_OK);
    assert_int_equal(n->value, 10000);
    assert_true(stops >= 10000 / 10); // an iteration costs 1 of the 5

    unload(&l);
    // Given an exec, instantiation runs it and leaves nothing pending.
    load(start_wasm, sizeof start_wasm, true, &l);
    assert_null(wasm_instance_start_func(l.instance));
    assert_int_equal(export_of(&l, "n", WASM_EXTERN_GLOBAL).as.global->value, 10000);
    unload(&l);
    // Without a start function there is none to run.
    load(bulk_wasm, sizeof bulk_wasm, false, &l);
    assert_null(wasm_instance_start_func(l.instance));
    unload(&l);
}

int wasm_fuel_tests(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_straight_line_is_charged, setup),
        cmocka_unit_test_setup(test_fill_stops_and_resumes, setup),
        cmocka_unit_test_setup(test_copy_resumes_both_directions, setup),
        cmocka_unit_test_setup(test_bulk_bounds_before_writes, setup),
        cmocka_unit_test_setup(test_table_ops_and_grow, setup),
        cmocka_unit_test_setup(test_deferred_start, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
