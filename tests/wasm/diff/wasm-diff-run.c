// wasm-diff-run FILE.wasm: runs a module made by binaryen's `wasm-opt -ttf`
// in our engine and prints a trace that run.js prints the same way from
// Node's engine (tools/wasm_diff.py compares them):
//   plan NAME P.. : R.. every exported function it will call, in order
//   log-i32 V ...       each call of a fuzzing-support import
//   call NAME -> R ...  each export's results, or "trap" / "exhausted" /
//                       "timeout" (the last two make a run inconclusive)
// Arguments are zeros; floats are printed as bit patterns, NaNs as "nan".
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasm/wasm.h>
#include "../read_file.h"

#define FUEL_PER_CALL 20000000
#define FUEL_SLICE 7

static void *host_alloc(void *ctx, size_t size) {
    (void) ctx;
    return malloc(size ? size : 1);
}

static void host_free(void *ctx, void *ptr, size_t size) {
    (void) ctx;
    (void) size;
    free(ptr);
}

static void print_value(uint8_t type, wasm_value v) {
    switch (type) {
    case WASM_I32: printf(" %" PRId32, (int32_t) (uint32_t) v); break;
    case WASM_I64: printf(" %" PRId64, (int64_t) v); break;
    case WASM_F32:
        if (((uint32_t) v & 0x7f800000u) == 0x7f800000u && ((uint32_t) v & 0x7fffffu))
            printf(" nan");
        else
            printf(" f32:%08" PRIx32, (uint32_t) v);
        break;
    case WASM_F64:
        if ((v & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (v & 0xfffffffffffffull))
            printf(" nan");
        else
            printf(" f64:%016" PRIx64, v);
        break;
    default: printf(" %s", v ? "ref" : "null"); break;
    }
}

static int log_value(void *ctx, struct wasm_exec *exec, wasm_value *values) {
    (void) exec;
    const struct wasm_func *f = ctx;
    printf("log");
    for (uint32_t i = 0; i < f->type->param_count; i++)
        print_value(f->type->types[i], values[i]);
    printf("\n");
    return WASM_OK;
}

static struct wasm_func imports[8];
static struct wasm_functype import_types[8];
static uint8_t import_codes[8][8];
static int num_imports;

// Accepts fuzzing-support.log-* of any parameter types (binaryen's choice).
static bool resolve(void *ctx, struct wasm_name module, struct wasm_name name, enum wasm_extern_kind kind,
                    struct wasm_extern *out) {
    (void) ctx;
    (void) name;
    if (kind != WASM_EXTERN_FUNC || module.len != 15 || memcmp(module.bytes, "fuzzing-support", 15) != 0
        || num_imports == 8)
        return false;
    // The engine checks the type against the import's after resolving: give
    // the host function the type the module asks for (recorded by the
    // decoder in the name: log-i32, log-i64, log-f32, log-f64).
    uint8_t type = WASM_I32;
    if (name.len == 7 && memcmp(name.bytes, "log-i64", 7) == 0)
        type = WASM_I64;
    else if (name.len == 7 && memcmp(name.bytes, "log-f32", 7) == 0)
        type = WASM_F32;
    else if (name.len == 7 && memcmp(name.bytes, "log-f64", 7) == 0)
        type = WASM_F64;
    else if (!(name.len == 7 && memcmp(name.bytes, "log-i32", 7) == 0))
        return false;
    int i = num_imports++;
    import_codes[i][0] = type;
    import_types[i] = (struct wasm_functype){1, 0, import_codes[i]};
    imports[i] = (struct wasm_func){.type = &import_types[i], .host = log_value, .host_ctx = &imports[i]};
    out->kind = WASM_EXTERN_FUNC;
    out->as.func = &imports[i];
    return true;
}

static const char *type_name(uint8_t t) {
    switch (t) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_FUNCREF: return "funcref";
    default: return "externref";
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: wasm-diff-run FILE.wasm\n");
        return 2;
    }
    size_t len;
    uint8_t *bytes = read_file(argv[1], &len);
    struct wasm_allocator alloc = {host_alloc, host_free, NULL};
    struct wasm_module *module;
    struct wasm_instance *instance;
    struct wasm_exec *exec;
    struct wasm_error error = {0};
    if (!bytes || wasm_module_load(&alloc, bytes, len, &module, &error) != WASM_OK) {
        printf("load-error %s\n", error.message ? error.message : "cannot read");
        return 1;
    }
    if (wasm_exec_create(&alloc, 1 << 16, 4096, &exec) != WASM_OK)
        return 1;
    wasm_exec_set_fuel(exec, FUEL_PER_CALL);
    int status = wasm_instance_create(module, &alloc, resolve, NULL, exec, &instance);
    if (status != WASM_OK) {
        printf("instantiate %s\n", wasm_is_trap(status) ? "trap" : wasm_status_message(status));
        return 0;
    }
    // The exports, in order: a name list from the binary's export section
    // is what both sides iterate, so walk the module's exports by index.
    char names[256][64];
    int count = 0;
    for (uint32_t i = 0; count < 256; i++) {
        const char *name;
        size_t name_len;
        struct wasm_extern ext;
        if (!wasm_instance_export_at(instance, i, &name, &name_len, &ext))
            break;
        if (ext.kind != WASM_EXTERN_FUNC || name_len >= 64)
            continue;
        memcpy(names[count], name, name_len);
        names[count][name_len] = '\0';
        printf("plan %s", names[count]);
        const struct wasm_functype *t = ext.as.func->type;
        for (uint32_t p = 0; p < t->param_count + t->result_count; p++)
            printf("%s %s", p == t->param_count ? " :" : "", type_name(t->types[p]));
        printf("%s\n", t->result_count ? "" : " :");
        count++;
    }
    for (int i = 0; i < count; i++) {
        struct wasm_extern ext;
        wasm_instance_export(instance, names[i], strlen(names[i]), &ext);
        const struct wasm_functype *type = ext.as.func->type;
        wasm_value args[64] = {0}, results[64];
        if (type->param_count > 64 || type->result_count > 64)
            continue;
        // Small slices of fuel, resumed until the call ends: every stop and
        // resume point is exercised, as preemption in the kernel does.
        uint64_t spent = FUEL_SLICE;
        wasm_exec_set_fuel(exec, FUEL_SLICE);
        fflush(stdout);
        status = wasm_exec_call(exec, ext.as.func, args, results);
        while (status == WASM_OUT_OF_FUEL && spent < FUEL_PER_CALL) {
            wasm_exec_set_fuel(exec, FUEL_SLICE);
            spent += FUEL_SLICE;
            status = wasm_exec_resume(exec, results);
        }
        printf("call %s ->", names[i]);
        if (status == WASM_OK) {
            for (uint32_t r = 0; r < type->result_count; r++)
                print_value(type->types[type->param_count + r], results[r]);
        } else if (status == WASM_OUT_OF_FUEL) {
            printf(" timeout");
            wasm_exec_reset(exec);
        } else {
            printf(status == WASM_TRAP_STACK_EXHAUSTED ? " exhausted" : " trap");
        }
        printf("\n");
    }
    wasm_instance_free(instance);
    wasm_exec_free(exec);
    wasm_module_free(module);
    free(bytes);
    return 0;
}
