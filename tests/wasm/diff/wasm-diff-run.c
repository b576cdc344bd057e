// wasm-diff-run FILE.wasm...: runs modules made by binaryen's `wasm-opt
// -ttf` in our engine and prints, for each file in order, the trace that
// run.js prints from Node's engine (tools/wasm_diff.py compares the two as a
// whole; neither side is told anything the other found):
//
//   module FILE                   starts each file's trace
//   invalid                       the module does not load (why: stderr)
//   instantiate trap|error|exhausted|timeout   instantiation failed
//   export NAME P.. -> R..        each exported function's type, in order
//   call NAME                     each exported function called in order,
//   log-i32 V                     with the fuzzing-support imports it calls
//   -> R.. | trap | exhausted | timeout
//   memory NAME PAGES HASH        then every exported memory (FNV-1a of its
//   global NAME V                 bytes), global and table (size and
//   table NAME SIZE NONNULL       non-null entries), in export order
//
// Arguments are zeros (null references). Floats print as their bit pattern,
// any NaN as "nan" (engines may differ in NaN bits). Before each call the
// export "hangLimitInitializer" (binaryen's loop and recursion budget), if
// there is one, is called so that every export gets the same budget.
// "exhausted" (our call stack) and "timeout" (our fuel, FUEL_PER_CALL) make
// a module's run inconclusive: the engines' limits differ.
//
// Exits 0 when every file was read (whatever the modules did), 2 otherwise.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasm/wasm.h>
#include "../read_file.h"

#define FUEL_PER_CALL 20000000
#define FUEL_SLICE 7            // small slices: every stop and resume point runs
#define STACK_SLOTS (1u << 16)
#define MAX_FRAMES 4096u
#define MAX_VALUES 256          // params or results of one export
#define HANG_LIMIT_RESET "hangLimitInitializer"

static void *host_alloc(void *ctx, size_t size) {
    (void) ctx;
    return malloc(size ? size : 1);
}

static void host_free(void *ctx, void *ptr, size_t size) {
    (void) ctx;
    (void) size;
    free(ptr);
}

static const char *type_name(uint8_t type) {
    switch (type) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_FUNCREF: return "funcref";
    default: return "externref";
    }
}

// One value, preceded by a space, as run.js's show() prints it.
static void print_value(uint8_t type, wasm_value v) {
    uint32_t bits32 = (uint32_t) v;
    switch (type) {
    case WASM_I32: printf(" %" PRId32, (int32_t) bits32); break;
    case WASM_I64: printf(" %" PRId64, (int64_t) v); break;
    case WASM_F32:
        if ((bits32 & 0x7fffffffu) > 0x7f800000u)
            printf(" nan");
        else
            printf(" f32:%08" PRIx32, bits32);
        break;
    case WASM_F64:
        if ((v & 0x7fffffffffffffffull) > 0x7ff0000000000000ull)
            printf(" nan");
        else
            printf(" f64:%016" PRIx64, v);
        break;
    default: printf(" %s", v ? "ref" : "null"); break;
    }
}

// The fuzzing-support imports binaryen 108 declares: log one value.
struct log_import {
    const char *name;
    struct wasm_functype type;
    struct wasm_func func;
};

static const uint8_t log_param_types[4] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64};
static struct log_import log_imports[4] = {
    {"log-i32", {1, 0, &log_param_types[0]}, {0}},
    {"log-i64", {1, 0, &log_param_types[1]}, {0}},
    {"log-f32", {1, 0, &log_param_types[2]}, {0}},
    {"log-f64", {1, 0, &log_param_types[3]}, {0}},
};

static int log_call(void *ctx, struct wasm_exec *exec, wasm_value *values) {
    (void) exec;
    const struct log_import *import = ctx;
    printf("%s", import->name);
    print_value(import->type.types[0], values[0]);
    printf("\n");
    return WASM_OK;
}

static bool name_is(struct wasm_name name, const char *text) {
    return name.len == strlen(text) && memcmp(name.bytes, text, name.len) == 0;
}

// Resolves fuzzing-support.log-*; the engine then checks the type. Anything
// else is missing (instantiation fails with a link error, as in Node).
static bool resolve(void *ctx, struct wasm_name module, struct wasm_name name, enum wasm_extern_kind kind,
                    struct wasm_extern *out) {
    (void) ctx;
    if (kind != WASM_EXTERN_FUNC || !name_is(module, "fuzzing-support"))
        return false;
    for (size_t i = 0; i < sizeof log_imports / sizeof log_imports[0]; i++) {
        struct log_import *import = &log_imports[i];
        if (!name_is(name, import->name))
            continue;
        import->func = (struct wasm_func){.type = &import->type, .host = log_call, .host_ctx = import};
        out->kind = WASM_EXTERN_FUNC;
        out->as.func = &import->func;
        return true;
    }
    return false;
}

// Calls func with zero arguments in slices of fuel, resuming until it ends
// or FUEL_PER_CALL is spent (then the call is abandoned: WASM_OUT_OF_FUEL).
static int call_with_fuel(struct wasm_exec *exec, struct wasm_func *func, wasm_value *results) {
    static const wasm_value zeros[MAX_VALUES];
    uint64_t spent = FUEL_SLICE;
    wasm_exec_set_fuel(exec, FUEL_SLICE);
    int status = wasm_exec_call(exec, func, zeros, results);
    while (status == WASM_OUT_OF_FUEL && spent < FUEL_PER_CALL) {
        wasm_exec_set_fuel(exec, FUEL_SLICE);
        spent += FUEL_SLICE;
        status = wasm_exec_resume(exec, results);
    }
    if (status == WASM_OUT_OF_FUEL)
        wasm_exec_reset(exec);
    return status;
}

// "export NAME P.. -> R.." for every exported function.
static void print_exports(const struct wasm_instance *instance) {
    const char *name;
    size_t len;
    struct wasm_extern ext;
    for (uint32_t i = 0; wasm_instance_export_at(instance, i, &name, &len, &ext); i++) {
        if (ext.kind != WASM_EXTERN_FUNC)
            continue;
        const struct wasm_functype *type = ext.as.func->type;
        printf("export %.*s", (int) len, name);
        for (uint32_t p = 0; p < type->param_count + type->result_count; p++)
            printf("%s %s", p == type->param_count ? " ->" : "", type_name(type->types[p]));
        printf("%s\n", type->result_count ? "" : " ->");
    }
}

// One export's call and its outcome line ("-> unsupported" past
// MAX_VALUES: a mismatch, as Node would have called it).
static void run_export(struct wasm_exec *exec, struct wasm_func *func, struct wasm_func *reset) {
    static wasm_value results[MAX_VALUES];
    const struct wasm_functype *type = func->type;
    if (type->param_count > MAX_VALUES || type->result_count > MAX_VALUES) {
        printf("-> unsupported\n");
        return;
    }
    int status = WASM_OK;
    fflush(stdout);
    if (reset)
        status = call_with_fuel(exec, reset, results);
    if (status == WASM_OK)
        status = call_with_fuel(exec, func, results);
    printf("->");
    if (status == WASM_OK) {
        for (uint32_t r = 0; r < type->result_count; r++)
            print_value(type->types[type->param_count + r], results[r]);
    } else if (status == WASM_OUT_OF_FUEL) {
        printf(" timeout");
    } else {
        printf(status == WASM_TRAP_STACK_EXHAUSTED ? " exhausted" : " trap");
    }
    printf("\n");
}

static void run_exports(const struct wasm_instance *instance, struct wasm_exec *exec) {
    struct wasm_extern reset;
    bool has_reset = wasm_instance_export(instance, HANG_LIMIT_RESET, strlen(HANG_LIMIT_RESET), &reset)
                     && reset.kind == WASM_EXTERN_FUNC && reset.as.func->type->param_count == 0
                     && reset.as.func->type->result_count <= MAX_VALUES;
    const char *name;
    size_t len;
    struct wasm_extern ext;
    for (uint32_t i = 0; wasm_instance_export_at(instance, i, &name, &len, &ext); i++) {
        if (ext.kind != WASM_EXTERN_FUNC)
            continue;
        printf("call %.*s\n", (int) len, name);
        run_export(exec, ext.as.func, has_reset ? reset.as.func : NULL);
    }
}

static uint32_t fnv1a(const uint8_t *bytes, uint64_t len) {
    uint32_t hash = 2166136261u;
    for (uint64_t i = 0; i < len; i++)
        hash = (hash ^ bytes[i]) * 16777619u;
    return hash;
}

// The state the calls left: exported memories, globals and tables.
static void print_state(const struct wasm_instance *instance) {
    const char *name;
    size_t len;
    struct wasm_extern ext;
    for (uint32_t i = 0; wasm_instance_export_at(instance, i, &name, &len, &ext); i++) {
        if (ext.kind == WASM_EXTERN_MEMORY) {
            const struct wasm_memory *mem = ext.as.memory;
            printf("memory %.*s %" PRIu64 " %08" PRIx32 "\n", (int) len, name, mem->size >> 16,
                   fnv1a(mem->data, mem->size));
        } else if (ext.kind == WASM_EXTERN_GLOBAL) {
            printf("global %.*s", (int) len, name);
            print_value(ext.as.global->type, ext.as.global->value);
            printf("\n");
        } else if (ext.kind == WASM_EXTERN_TABLE) {
            const struct wasm_table *table = ext.as.table;
            uint32_t nonnull = 0;
            for (uint32_t e = 0; e < table->limits.min; e++)
                nonnull += table->elems[e] != 0;
            printf("table %.*s %" PRIu32 " %" PRIu32 "\n", (int) len, name, table->limits.min, nonnull);
        }
    }
}

// Instantiates and runs one module that loaded.
static void run_module(const struct wasm_module *module, const struct wasm_allocator *alloc,
                       struct wasm_exec *exec) {
    struct wasm_instance *instance = NULL;
    wasm_exec_set_fuel(exec, FUEL_PER_CALL);
    int status = wasm_instance_create(module, alloc, resolve, NULL, exec, &instance);
    if (status != WASM_OK) {
        const char *what = status == WASM_OUT_OF_FUEL           ? "timeout"
                           : status == WASM_TRAP_STACK_EXHAUSTED ? "exhausted"
                           : wasm_is_trap(status)                ? "trap"
                                                                 : "error";
        printf("instantiate %s\n", what);
        fprintf(stderr, "instantiate: %s\n", wasm_status_message(status));
        wasm_instance_free(instance);
        return;
    }
    print_exports(instance);
    run_exports(instance, exec);
    print_state(instance);
    wasm_instance_free(instance);
}

// One file's trace; false if it cannot be read or the engine cannot start.
static bool run_file(const char *path) {
    size_t len;
    uint8_t *bytes = read_file(path, &len);
    printf("module %s\n", path);
    if (!bytes) {
        fprintf(stderr, "wasm-diff-run: cannot read %s\n", path);
        return false;
    }
    struct wasm_allocator alloc = {host_alloc, host_free, NULL};
    struct wasm_module *module;
    struct wasm_exec *exec;
    struct wasm_error error = {0};
    int status = wasm_module_load(&alloc, bytes, len, &module, &error);
    if (status != WASM_OK) {
        printf("invalid\n");
        fprintf(stderr, "%s: load: %s at byte %" PRIu32 "\n", path, error.message ? error.message : "?",
                error.offset);
        free(bytes);
        return true;
    }
    status = wasm_exec_create(&alloc, STACK_SLOTS, MAX_FRAMES, &exec);
    if (status == WASM_OK) {
        run_module(module, &alloc, exec);
        wasm_exec_free(exec);
    }
    wasm_module_free(module);
    free(bytes);
    return status == WASM_OK;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: wasm-diff-run FILE.wasm...\n");
        return 2;
    }
    bool ok = true;
    for (int i = 1; i < argc; i++) {
        ok = run_file(argv[i]) && ok;
        fflush(stdout);
    }
    return ok ? 0 : 2;
}
