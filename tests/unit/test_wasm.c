// Host unit tests for libs/wasm: the LEB128 reader, decoder edge cases
// (truncation, corruption, allocation failure), host imports, fuel and
// resumption, and stack exhaustion. The .wast suite (tests/wasm) covers
// instruction semantics; this file covers the C API (test_wasm_fuel.c:
// what fuel pays for, and the deferred start function).
//
//   make -f <wrapper including libs/wasm/wasm.mk> build/host/test_wasm
//   build/host/test_wasm
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <wasm/wasm.h>

// An allocator that checks the free-size contract and can fail on demand.
struct test_heap {
    long allocs_left;  // fail when it reaches 0; negative = never
    size_t live_bytes;
    unsigned live_blocks;
};

static void *heap_alloc(void *ctx, size_t size) {
    struct test_heap *heap = ctx;
    if (heap->allocs_left == 0)
        return NULL;
    if (heap->allocs_left > 0)
        heap->allocs_left--;
    size_t *block = malloc(size + sizeof(size_t));
    if (!block)
        return NULL;
    block[0] = size;
    heap->live_bytes += size;
    heap->live_blocks++;
    return block + 1;
}

static void heap_free(void *ctx, void *ptr, size_t size) {
    struct test_heap *heap = ctx;
    size_t *block = (size_t *) ptr - 1;
    assert_int_equal(block[0], size); // free gets the size alloc was given
    heap->live_bytes -= size;
    heap->live_blocks--;
    free(block);
}

static struct test_heap heap;
static const struct wasm_allocator test_alloc = {heap_alloc, heap_free, &heap};

static int setup(void **state) {
    (void) state;
    heap = (struct test_heap){-1, 0, 0};
    return 0;
}

static int teardown(void **state) {
    (void) state;
    assert_int_equal(heap.live_blocks, 0); // everything returned
    return 0;
}

// --- LEB128 ----------------------------------------------------------------

static bool uleb(const uint8_t *bytes, size_t len, unsigned bits, uint64_t *out, size_t *used) {
    const uint8_t *pos = bytes;
    bool ok = wasm_read_uleb(&pos, bytes + len, bits, out);
    *used = (size_t) (pos - bytes);
    return ok;
}

static bool sleb(const uint8_t *bytes, size_t len, unsigned bits, int64_t *out) {
    const uint8_t *pos = bytes;
    return wasm_read_sleb(&pos, bytes + len, bits, out);
}

static void test_uleb_valid(void **state) {
    (void) state;
    uint64_t v;
    size_t used;
    assert_true(uleb((const uint8_t[]){0x00}, 1, 32, &v, &used));
    assert_int_equal(v, 0);
    assert_true(uleb((const uint8_t[]){0xE5, 0x8E, 0x26, 0xFF}, 4, 32, &v, &used));
    assert_int_equal(v, 624485);
    assert_int_equal(used, 3); // stops after the last byte
    assert_true(uleb((const uint8_t[]){0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 5, 32, &v, &used));
    assert_int_equal(v, 0xFFFFFFFFu);
    // Padding within ceil(32/7) = 5 bytes is allowed by the spec.
    assert_true(uleb((const uint8_t[]){0x80, 0x80, 0x80, 0x80, 0x00}, 5, 32, &v, &used));
    assert_int_equal(v, 0);
    assert_true(uleb((const uint8_t[]){0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01},
                     10, 64, &v, &used));
    assert_int_equal(v, UINT64_MAX);
    assert_true(uleb((const uint8_t[]){0x81, 0x01}, 2, 7 + 7, &v, &used));
    assert_int_equal(v, 129);
}

static void test_uleb_invalid(void **state) {
    (void) state;
    uint64_t v = 42;
    size_t used;
    // Too long: a sixth byte for a u32.
    assert_false(uleb((const uint8_t[]){0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 6, 32, &v, &used));
    // Too large: bits above 32 in the fifth byte.
    assert_false(uleb((const uint8_t[]){0x80, 0x80, 0x80, 0x80, 0x10}, 5, 32, &v, &used));
    assert_false(uleb((const uint8_t[]){0xFF, 0xFF, 0xFF, 0xFF, 0x1F}, 5, 32, &v, &used));
    // Truncated, and empty.
    assert_false(uleb((const uint8_t[]){0x80, 0x80}, 2, 32, &v, &used));
    assert_false(uleb((const uint8_t[]){0x00}, 0, 32, &v, &used));
    // u64: the tenth byte may carry only bit 63.
    assert_false(uleb((const uint8_t[]){0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02},
                      10, 64, &v, &used));
    assert_int_equal(used, 0); // nothing consumed on failure
    assert_int_equal(v, 42);   // and the output untouched
    // Bad widths are refused.
    assert_false(uleb((const uint8_t[]){0x00}, 1, 0, &v, &used));
    assert_false(uleb((const uint8_t[]){0x00}, 1, 65, &v, &used));
}

static void test_sleb(void **state) {
    (void) state;
    int64_t v;
    assert_true(sleb((const uint8_t[]){0x7F}, 1, 32, &v));
    assert_int_equal(v, -1);
    assert_true(sleb((const uint8_t[]){0x80, 0x7F}, 2, 32, &v));
    assert_int_equal(v, -128);
    assert_true(sleb((const uint8_t[]){0x80, 0x80, 0x80, 0x80, 0x78}, 5, 32, &v));
    assert_int_equal(v, INT32_MIN);
    assert_true(sleb((const uint8_t[]){0xFF, 0xFF, 0xFF, 0xFF, 0x07}, 5, 32, &v));
    assert_int_equal(v, INT32_MAX);
    assert_true(sleb((const uint8_t[]){0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, 5, 32, &v)); // padded -1
    assert_int_equal(v, -1);
    // The unused bits of the last byte must copy the sign bit.
    assert_false(sleb((const uint8_t[]){0xFF, 0xFF, 0xFF, 0xFF, 0x4F}, 5, 32, &v));
    assert_false(sleb((const uint8_t[]){0x80, 0x80, 0x80, 0x80, 0x70}, 5, 32, &v));
    assert_false(sleb((const uint8_t[]){0x80, 0x80, 0x80, 0x80, 0x08}, 5, 32, &v));
    // s33 (block types) holds what s32 cannot; bit 32 is its sign.
    assert_true(sleb((const uint8_t[]){0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 5, 33, &v));
    assert_int_equal(v, 0xFFFFFFFFll);
    assert_true(sleb((const uint8_t[]){0x80, 0x80, 0x80, 0x80, 0x70}, 5, 33, &v));
    assert_int_equal(v, -0x100000000ll);
    assert_false(sleb((const uint8_t[]){0x80, 0x80, 0x80, 0x80, 0x10}, 5, 33, &v));
    // s64 extremes and overflow.
    assert_true(sleb((const uint8_t[]){0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F},
                     10, 64, &v));
    assert_int_equal(v, INT64_MIN);
    assert_false(sleb((const uint8_t[]){0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},
                      10, 64, &v));
    assert_false(sleb((const uint8_t[]){0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                                        0x00}, 11, 64, &v));
}

// --- modules used below ----------------------------------------------------

/* (module
     (import "env" "add" (func $add (param i32 i32) (result i32)))
     (memory 1)
     (func (export "count") (param i32) (result i32) (local i32)
       (block (loop
         (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))
         (local.set 1 (call $add (local.get 1) (i32.const 1)))
         (br 0)))
       (local.get 1))
     (func (export "forever") (loop (br 0)))
     (func $deep (export "deep") (param i32) (result i32)
       (if (result i32) (local.get 0)
         (then (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1)))))
         (else (i32.const 0))))) */
static const uint8_t loop_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0f, 0x03, 0x60, 0x02, 0x7f, 0x7f,
    0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x02, 0x0b, 0x01, 0x03, 0x65,
    0x6e, 0x76, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x03, 0x04, 0x03, 0x01, 0x02, 0x01, 0x05,
    0x03, 0x01, 0x00, 0x01, 0x07, 0x1a, 0x03, 0x05, 0x63, 0x6f, 0x75, 0x6e, 0x74, 0x00, 0x01,
    0x07, 0x66, 0x6f, 0x72, 0x65, 0x76, 0x65, 0x72, 0x00, 0x02, 0x04, 0x64, 0x65, 0x65, 0x70,
    0x00, 0x03, 0x0a, 0x3c, 0x03, 0x1d, 0x01, 0x01, 0x7f, 0x02, 0x40, 0x03, 0x40, 0x20, 0x01,
    0x20, 0x00, 0x4f, 0x0d, 0x01, 0x20, 0x01, 0x41, 0x01, 0x10, 0x00, 0x21, 0x01, 0x0c, 0x00,
    0x0b, 0x0b, 0x20, 0x01, 0x0b, 0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b, 0x14, 0x00,
    0x20, 0x00, 0x04, 0x7f, 0x41, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x10, 0x03, 0x6a, 0x05,
    0x41, 0x00, 0x0b, 0x0b};

/* Every section kind: (module
     (type $r (func (result i32)))
     (import "env" "g" (global $ig i32))
     (table $t 2 funcref) (memory 1 2) (global $g (mut i64) (i64.const -5))
     (export "run" (func $run)) (export "mem" (memory 0)) (start $init)
     (elem (i32.const 0) $one $run) (elem $p funcref (ref.func $one) (ref.null func))
     (data (i32.const 8) "hello") (data $d "xy")
     (func $one (result i32) (i32.const 1))
     (func $init (global.set $g (i64.const 7)))
     (func $run (result i32) (local f64)
       (memory.init $d (i32.const 0) (i32.const 0) (i32.const 2))
       (table.init $t $p (i32.const 1) (i32.const 0) (i32.const 1))
       (i32.add (call_indirect (type $r) (i32.const 1))
         (i32.add (i32.load8_u (i32.const 8)) (i32.wrap_i64 (global.get $g))))
       (i32.add (global.get $ig))
       (f64.const 1.5) (local.set 0)
       (i32.add (i32.trunc_f64_s (f64.sqrt (local.get 0)))))) */
static const uint8_t all_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x60, 0x00, 0x01, 0x7f,
    0x60, 0x00, 0x00, 0x02, 0x0a, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x67, 0x03, 0x7f, 0x00,
    0x03, 0x04, 0x03, 0x00, 0x01, 0x00, 0x04, 0x04, 0x01, 0x70, 0x00, 0x02, 0x05, 0x04, 0x01,
    0x01, 0x01, 0x02, 0x06, 0x06, 0x01, 0x7e, 0x01, 0x42, 0x7b, 0x0b, 0x07, 0x0d, 0x02, 0x03,
    0x72, 0x75, 0x6e, 0x00, 0x02, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x08, 0x01, 0x01, 0x09,
    0x11, 0x02, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x00, 0x02, 0x05, 0x70, 0x02, 0xd2, 0x00, 0x0b,
    0xd0, 0x70, 0x0b, 0x0c, 0x01, 0x02, 0x0a, 0x48, 0x03, 0x04, 0x00, 0x41, 0x01, 0x0b, 0x06,
    0x00, 0x42, 0x07, 0x24, 0x01, 0x0b, 0x3a, 0x01, 0x01, 0x7c, 0x41, 0x00, 0x41, 0x00, 0x41,
    0x02, 0xfc, 0x08, 0x01, 0x00, 0x41, 0x01, 0x41, 0x00, 0x41, 0x01, 0xfc, 0x0c, 0x01, 0x00,
    0x41, 0x01, 0x11, 0x00, 0x00, 0x41, 0x08, 0x2d, 0x00, 0x00, 0x23, 0x01, 0xa7, 0x6a, 0x6a,
    0x23, 0x00, 0x6a, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f, 0x21, 0x00, 0x20,
    0x00, 0x9f, 0xaa, 0x6a, 0x0b, 0x0b, 0x0f, 0x02, 0x00, 0x41, 0x08, 0x0b, 0x05, 0x68, 0x65,
    0x6c, 0x6c, 0x6f, 0x01, 0x02, 0x78, 0x79};

// --- imports ---------------------------------------------------------------

static const uint8_t add_types[] = {WASM_I32, WASM_I32, WASM_I32};
static const struct wasm_functype add_type = {2, 1, add_types};
static unsigned add_calls;
static bool add_fails;

static int host_add(void *ctx, struct wasm_exec *exec, wasm_value *values) {
    (void) exec;
    add_calls++;
    if (add_fails)
        return WASM_TRAP_HOST;
    values[0] = (uint32_t) (values[0] + values[1] + (uintptr_t) ctx);
    return WASM_OK;
}

static struct wasm_func add_func = {&add_type, NULL, 0, host_add, NULL, NULL};
static struct wasm_global env_global = {100, WASM_I32, false};

static bool name_is(struct wasm_name name, const char *want) {
    return name.len == strlen(want) && memcmp(name.bytes, want, name.len) == 0;
}

static bool resolve_env(void *ctx, struct wasm_name module, struct wasm_name name,
                        enum wasm_extern_kind kind, struct wasm_extern *out) {
    (void) ctx;
    if (!name_is(module, "env"))
        return false;
    out->kind = kind;
    if (name_is(name, "add"))
        return out->as.func = &add_func, true;
    if (name_is(name, "g"))
        return out->as.global = &env_global, true;
    return false;
}

struct loaded {
    struct wasm_module *module;
    struct wasm_instance *instance;
    struct wasm_exec *exec;
};

// Loads and instantiates; returns the first failing status.
static int load_instance(const uint8_t *bytes, size_t len, struct loaded *out) {
    *out = (struct loaded){0};
    int status = wasm_exec_create(&test_alloc, 4096, 200, &out->exec);
    if (status == WASM_OK)
        status = wasm_module_load(&test_alloc, bytes, len, &out->module, NULL);
    if (status == WASM_OK)
        status = wasm_instance_create(out->module, &test_alloc, resolve_env, NULL, out->exec,
                                      &out->instance);
    return status;
}

static void unload(struct loaded *l) {
    wasm_instance_free(l->instance);
    wasm_module_free(l->module);
    wasm_exec_free(l->exec);
}

static struct wasm_func *export_func(struct loaded *l, const char *name) {
    struct wasm_extern ext;
    assert_true(wasm_instance_export(l->instance, name, strlen(name), &ext));
    assert_int_equal(ext.kind, WASM_EXTERN_FUNC);
    return ext.as.func;
}

// --- decoder edge cases ----------------------------------------------------

static void test_empty_module(void **state) {
    (void) state;
    static const uint8_t empty[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
    struct wasm_module *m;
    struct wasm_error err;
    assert_int_equal(wasm_module_load(&test_alloc, empty, sizeof empty, &m, &err), WASM_OK);
    wasm_module_free(m);
}

static void test_error_reports_offset(void **state) {
    (void) state;
    // A type section whose function type has a bad form byte at offset 11.
    static const uint8_t bad[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 4, 1, 0x61, 0, 0};
    struct wasm_module *m = (void *) 1;
    struct wasm_error err;
    assert_int_equal(wasm_module_load(&test_alloc, bad, sizeof bad, &m, &err), WASM_ERR_MALFORMED);
    assert_null(m);
    assert_string_equal(err.message, "malformed function type");
    assert_int_equal(err.offset, 12);
}

// Every prefix fails with a message, except those that end on a section
// boundary before the function section (valid smaller modules).
static void test_every_truncation_fails_cleanly(void **state) {
    (void) state;
    static const size_t valid_prefixes[] = {8, 18, 30};
    unsigned loaded = 0;
    for (size_t len = 0; len < sizeof all_wasm; len++) {
        struct wasm_module *m;
        struct wasm_error err;
        int status = wasm_module_load(&test_alloc, all_wasm, len, &m, &err);
        if (status == WASM_OK) {
            wasm_module_free(m);
            assert_true(loaded < 3);
            assert_int_equal(len, valid_prefixes[loaded]);
            loaded++;
            continue;
        }
        assert_non_null(err.message);
        assert_true(err.offset <= len);
    }
    assert_int_equal(loaded, 3);
}

// Flips every byte to several values: load must fail or succeed, never
// crash (AddressSanitizer watches); loaded modules must also instantiate
// and run without crashing.
static void test_corruption_never_crashes(void **state) {
    (void) state;
    static const uint8_t values[] = {0x00, 0x01, 0x7F, 0x80, 0xFF, 0x0B, 0x41, 0x10};
    uint8_t copy[sizeof all_wasm];
    for (size_t i = 8; i < sizeof all_wasm; i++)
        for (size_t k = 0; k < sizeof values; k++) {
            memcpy(copy, all_wasm, sizeof copy);
            copy[i] = values[k];
            struct loaded l;
            if (load_instance(copy, sizeof copy, &l) == WASM_OK) {
                struct wasm_extern ext;
                if (wasm_instance_export(l.instance, "run", 3, &ext) &&
                    ext.kind == WASM_EXTERN_FUNC && ext.as.func->type->param_count == 0 &&
                    ext.as.func->type->result_count <= 4) {
                    wasm_value results[4];
                    wasm_exec_set_fuel(l.exec, 10000);
                    wasm_exec_call(l.exec, ext.as.func, NULL, results);
                    wasm_exec_reset(l.exec);
                }
            }
            unload(&l);
        }
}

static void test_all_sections_run(void **state) {
    (void) state;
    struct loaded l;
    assert_int_equal(load_instance(all_wasm, sizeof all_wasm, &l), WASM_OK);
    wasm_value result;
    // 1 (call_indirect) + 'h' + 7 (set by start) + 100 (import) + trunc(sqrt(1.5))
    assert_int_equal(wasm_exec_call(l.exec, export_func(&l, "run"), NULL, &result), WASM_OK);
    assert_int_equal(result, 1 + 'h' + 7 + 100 + 1);
    struct wasm_extern mem;
    assert_true(wasm_instance_export(l.instance, "mem", 3, &mem));
    assert_memory_equal(mem.as.memory->data, "xy", 2);
    unload(&l);
}

// Fails the Nth allocation for every N until everything succeeds: each
// failure must surface as a status, with nothing leaked (teardown checks).
static void test_allocation_failures(void **state) {
    (void) state;
    for (long n = 0;; n++) {
        heap.allocs_left = n;
        struct loaded l;
        int status = load_instance(all_wasm, sizeof all_wasm, &l);
        unload(&l);
        assert_int_equal(heap.live_blocks, 0);
        if (status == WASM_OK)
            break;
        assert_int_equal(status, WASM_ERR_NOMEM);
        assert_true(n < 1000);
    }
    heap.allocs_left = -1;
}

// --- imports, fuel, traps ----------------------------------------------------

static void test_missing_import(void **state) {
    (void) state;
    struct wasm_module *m;
    struct wasm_instance *inst;
    assert_int_equal(wasm_module_load(&test_alloc, loop_wasm, sizeof loop_wasm, &m, NULL), WASM_OK);
    assert_int_equal(wasm_instance_create(m, &test_alloc, NULL, NULL, NULL, &inst), WASM_ERR_LINK);
    assert_null(inst);
    wasm_module_free(m);
}

static void test_host_import_and_trap(void **state) {
    (void) state;
    struct loaded l;
    assert_int_equal(load_instance(loop_wasm, sizeof loop_wasm, &l), WASM_OK);
    wasm_value arg = 50, result;
    add_calls = 0;
    add_fails = false;
    assert_int_equal(wasm_exec_call(l.exec, export_func(&l, "count"), &arg, &result), WASM_OK);
    assert_int_equal(result, 50);
    assert_int_equal(add_calls, 50);
    add_fails = true;
    assert_int_equal(wasm_exec_call(l.exec, export_func(&l, "count"), &arg, &result),
                     WASM_TRAP_HOST);
    add_fails = false;
    // The exec is reusable after a trap.
    assert_int_equal(wasm_exec_call(l.exec, export_func(&l, "count"), &arg, &result), WASM_OK);
    unload(&l);
}

static void test_fuel_stops_infinite_loop(void **state) {
    (void) state;
    struct loaded l;
    assert_int_equal(load_instance(loop_wasm, sizeof loop_wasm, &l), WASM_OK);
    struct wasm_func *forever = export_func(&l, "forever");
    wasm_exec_set_fuel(l.exec, 1000);
    assert_int_equal(wasm_exec_call(l.exec, forever, NULL, NULL), WASM_OUT_OF_FUEL);
    assert_true(wasm_exec_suspended(l.exec));
    assert_int_equal(wasm_exec_fuel(l.exec), 0);
    // A suspended exec refuses new calls until resumed or reset.
    assert_int_equal(wasm_exec_call(l.exec, forever, NULL, NULL), WASM_ERR_ARGS);
    wasm_exec_set_fuel(l.exec, 500);
    assert_int_equal(wasm_exec_resume(l.exec, NULL), WASM_OUT_OF_FUEL);
    wasm_exec_reset(l.exec);
    assert_false(wasm_exec_suspended(l.exec));
    assert_int_equal(wasm_exec_resume(l.exec, NULL), WASM_ERR_ARGS);
    unload(&l);
}

// Running in slices of fuel gives the same result as one long run.
static void test_fuel_resume_completes(void **state) {
    (void) state;
    struct loaded l;
    assert_int_equal(load_instance(loop_wasm, sizeof loop_wasm, &l), WASM_OK);
    struct wasm_func *count = export_func(&l, "count");
    wasm_value arg = 1000, result = 0;
    unsigned slices = 0;
    wasm_exec_set_fuel(l.exec, 7);
    int status = wasm_exec_call(l.exec, count, &arg, &result);
    while (status == WASM_OUT_OF_FUEL) {
        slices++;
        wasm_exec_set_fuel(l.exec, 7);
        status = wasm_exec_resume(l.exec, &result);
    }
    assert_int_equal(status, WASM_OK);
    assert_int_equal(result, 1000);
    assert_true(slices > 100); // ~2 branches + 1 call per iteration
    // Recursion is charged too, and resumes across frames.
    struct wasm_func *deep = export_func(&l, "deep");
    arg = 150;
    wasm_exec_set_fuel(l.exec, 3);
    status = wasm_exec_call(l.exec, deep, &arg, &result);
    while (status == WASM_OUT_OF_FUEL) {
        wasm_exec_set_fuel(l.exec, 3);
        status = wasm_exec_resume(l.exec, &result);
    }
    assert_int_equal(status, WASM_OK);
    assert_int_equal(result, 150);
    unload(&l);
}

static void test_call_depth_exhaustion(void **state) {
    (void) state;
    struct loaded l;
    assert_int_equal(load_instance(loop_wasm, sizeof loop_wasm, &l), WASM_OK);
    struct wasm_func *deep = export_func(&l, "deep");
    wasm_value arg = 150, result;
    assert_int_equal(wasm_exec_call(l.exec, deep, &arg, &result), WASM_OK);
    arg = 250; // the exec allows 200 frames
    assert_int_equal(wasm_exec_call(l.exec, deep, &arg, &result), WASM_TRAP_STACK_EXHAUSTED);
    unload(&l);
    // A small value stack runs out before the frame limit.
    assert_int_equal(load_instance(loop_wasm, sizeof loop_wasm, &l), WASM_OK);
    wasm_exec_free(l.exec);
    assert_int_equal(wasm_exec_create(&test_alloc, 64, 1000, &l.exec), WASM_OK);
    arg = 100;
    assert_int_equal(wasm_exec_call(l.exec, export_func(&l, "deep"), &arg, &result),
                     WASM_TRAP_STACK_EXHAUSTED);
    unload(&l);
}

static void test_status_messages(void **state) {
    (void) state;
    assert_string_equal(wasm_status_message(WASM_TRAP_DIV_ZERO), "integer divide by zero");
    assert_string_equal(wasm_status_message(WASM_TRAP_MEMORY_OOB), "out of bounds memory access");
    assert_true(wasm_is_trap(WASM_TRAP_HOST));
    assert_false(wasm_is_trap(WASM_OUT_OF_FUEL));
    assert_false(wasm_is_trap(WASM_ERR_INVALID));
}

int wasm_fuel_tests(void); // test_wasm_fuel.c

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uleb_valid),
        cmocka_unit_test(test_uleb_invalid),
        cmocka_unit_test(test_sleb),
        cmocka_unit_test_setup_teardown(test_empty_module, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_reports_offset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_truncation_fails_cleanly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corruption_never_crashes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_sections_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocation_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_host_import_and_trap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fuel_stops_infinite_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fuel_resume_completes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_call_depth_exhaustion, setup, teardown),
        cmocka_unit_test(test_status_messages),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    return failed + wasm_fuel_tests();
}
