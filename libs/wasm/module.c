// Loading a module (decode, then validate and compile the code) and the
// status messages.
#include "decode.h"
#include <string.h>

int wasm_module_load(const struct wasm_allocator *alloc, const uint8_t *bytes, size_t len,
                     struct wasm_module **out, struct wasm_error *err) {
    struct wasm_error ignored;
    if (!err)
        err = &ignored;
    *err = (struct wasm_error){NULL, 0};
    *out = NULL;
    if (!alloc || (!bytes && len))
        return WASM_ERR_ARGS;
    struct arena arena;
    wasm_arena_init(&arena, alloc);
    struct wasm_module *m = wasm_arena_alloc(&arena, 1, sizeof *m);
    if (!m) {
        err->message = "out of memory";
        return WASM_ERR_NOMEM;
    }
    m->arena = arena;
    int status = wasm_module_decode(m, bytes, len, err);
    if (status == WASM_OK)
        status = wasm_module_validate_code(m, bytes, err);
    // Validation stops at its first error, but a malformed body anywhere
    // makes the module malformed (the spec decodes all before validating).
    if (status == WASM_ERR_INVALID) {
        struct wasm_error malformed;
        int scanned = wasm_scan_bodies(m, bytes, &malformed);
        if (scanned != WASM_OK)
            status = scanned, *err = malformed;
    }
    if (status != WASM_OK) {
        wasm_module_free(m);
        return status;
    }
    *out = m;
    return WASM_OK;
}

void wasm_module_free(struct wasm_module *module) {
    if (module) {
        struct arena arena = module->arena;
        wasm_arena_free_all(&arena);
    }
}

bool wasm_functype_equal(const struct wasm_functype *a, const struct wasm_functype *b) {
    return a->param_count == b->param_count && a->result_count == b->result_count &&
           memcmp(a->types, b->types, a->param_count + a->result_count) == 0;
}

const char *wasm_status_message(int status) {
    switch (status) {
    case WASM_OK: return "ok";
    case WASM_OUT_OF_FUEL: return "out of fuel";
    case WASM_TRAP_UNREACHABLE: return "unreachable";
    case WASM_TRAP_MEMORY_OOB: return "out of bounds memory access";
    case WASM_TRAP_TABLE_OOB: return "out of bounds table access";
    case WASM_TRAP_UNDEFINED_ELEMENT: return "undefined element";
    case WASM_TRAP_UNINITIALIZED_ELEMENT: return "uninitialized element";
    case WASM_TRAP_INDIRECT_MISMATCH: return "indirect call type mismatch";
    case WASM_TRAP_DIV_ZERO: return "integer divide by zero";
    case WASM_TRAP_INT_OVERFLOW: return "integer overflow";
    case WASM_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case WASM_TRAP_STACK_EXHAUSTED: return "call stack exhausted";
    case WASM_TRAP_HOST: return "host function failed";
    case WASM_ERR_MALFORMED: return "malformed module";
    case WASM_ERR_INVALID: return "invalid module";
    case WASM_ERR_LINK: return "unknown import or incompatible import type";
    case WASM_ERR_NOMEM: return "out of memory";
    case WASM_ERR_ARGS: return "bad argument";
    }
    return "unknown status";
}
