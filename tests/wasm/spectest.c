// The spectest host module (spectest.h). Its print functions print nothing:
// the runner checks results, not output.
#include "spectest.h"
#include <string.h>

static const uint8_t type_codes[] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64,
                                     WASM_I32, WASM_F32, WASM_F64, WASM_F64};
static const struct wasm_functype print_types[] = {
    {0, 0, type_codes},     {1, 0, type_codes},     {1, 0, type_codes + 1},
    {1, 0, type_codes + 2}, {1, 0, type_codes + 3}, {2, 0, type_codes + 4},
    {2, 0, type_codes + 6},
};
static const char *const print_names[] = {"print", "print_i32", "print_i64", "print_f32",
                                          "print_f64", "print_i32_f32", "print_f64_f64"};
#define PRINT_COUNT (sizeof print_names / sizeof print_names[0])

static struct wasm_func print_funcs[PRINT_COUNT];
static struct wasm_global globals[4];
static const char *const global_names[] = {"global_i32", "global_i64", "global_f32", "global_f64"};
static struct wasm_table table;
static struct wasm_memory memory;

static int print_nothing(void *ctx, struct wasm_exec *exec, wasm_value *values) {
    (void) ctx, (void) exec, (void) values;
    return WASM_OK;
}

bool spectest_init(const struct wasm_allocator *alloc) {
    for (size_t i = 0; i < PRINT_COUNT; i++)
        print_funcs[i] = (struct wasm_func){&print_types[i], NULL, 0, print_nothing, NULL, NULL};
    globals[0] = (struct wasm_global){666, WASM_I32, false};
    globals[1] = (struct wasm_global){666, WASM_I64, false};
    globals[2] = (struct wasm_global){0x4426A666u, WASM_F32, false};           // 666.6
    globals[3] = (struct wasm_global){0x4084D4CCCCCCCCCDull, WASM_F64, false}; // 666.6
    table = (struct wasm_table){alloc->alloc(alloc->ctx, 10 * sizeof(wasm_value)), WASM_FUNCREF,
                                {10, 20, true}, *alloc};
    memory = (struct wasm_memory){alloc->alloc(alloc->ctx, 65536), 65536, {1, 2, true}, *alloc};
    if (!table.elems || !memory.data)
        return false;
    memset(table.elems, 0, 10 * sizeof(wasm_value));
    memset(memory.data, 0, 65536);
    return true;
}

void spectest_fini(void) {
    if (table.elems)
        table.alloc.free(table.alloc.ctx, table.elems, table.limits.min * sizeof(wasm_value));
    if (memory.data)
        memory.alloc.free(memory.alloc.ctx, memory.data, memory.size);
    table.elems = NULL;
    memory.data = NULL;
}

static bool name_is(struct wasm_name name, const char *want) {
    return name.len == strlen(want) && memcmp(name.bytes, want, name.len) == 0;
}

bool spectest_resolve(struct wasm_name name, enum wasm_extern_kind kind, struct wasm_extern *out) {
    out->kind = kind;
    for (size_t i = 0; i < PRINT_COUNT; i++)
        if (kind == WASM_EXTERN_FUNC && name_is(name, print_names[i]))
            return out->as.func = &print_funcs[i], true;
    for (size_t i = 0; i < 4; i++)
        if (kind == WASM_EXTERN_GLOBAL && name_is(name, global_names[i]))
            return out->as.global = &globals[i], true;
    if (kind == WASM_EXTERN_TABLE && name_is(name, "table"))
        return out->as.table = &table, true;
    if (kind == WASM_EXTERN_MEMORY && name_is(name, "memory"))
        return out->as.memory = &memory, true;
    return false;
}
