// libFuzzer target: any input is decoded and validated; a module that loads
// is instantiated (imports resolve to a stub of the right kind when
// possible) and each exported function without parameters runs with a
// little fuel. Nothing may crash, leak or read out of bounds.
#include <stdlib.h>
#include <string.h>
#include <wasm/wasm.h>

#define QUOTA (64u << 20)
static size_t used;

static void *fuzz_alloc(void *ctx, size_t size) {
    (void) ctx;
    if (size > QUOTA - used)
        return NULL;
    used += size;
    return malloc(size ? size : 1);
}

static void fuzz_free(void *ctx, void *ptr, size_t size) {
    (void) ctx;
    used -= size;
    free(ptr);
}

static const struct wasm_allocator allocator = {fuzz_alloc, fuzz_free, NULL};

static bool no_imports(void *ctx, struct wasm_name module, struct wasm_name name,
                       enum wasm_extern_kind kind, struct wasm_extern *out) {
    (void) ctx, (void) module, (void) name, (void) kind, (void) out;
    return false;
}

static void run_exports(const uint8_t *data, size_t size, struct wasm_instance *inst,
                        struct wasm_exec *exec) {
    // Export names are not listed by the API; try a few short ones.
    static const char *const names[] = {"", "a", "b", "c", "f", "main", "run", "_start"};
    (void) data, (void) size;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct wasm_extern ext;
        if (!wasm_instance_export(inst, names[i], strlen(names[i]), &ext) ||
            ext.kind != WASM_EXTERN_FUNC || ext.as.func->type->param_count != 0 ||
            ext.as.func->type->result_count > 16)
            continue;
        wasm_value results[16];
        wasm_exec_set_fuel(exec, 20000);
        wasm_exec_call(exec, ext.as.func, NULL, results);
        wasm_exec_reset(exec);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct wasm_module *module;
    struct wasm_exec *exec;
    struct wasm_error err;
    if (wasm_module_load(&allocator, data, size, &module, &err) != WASM_OK)
        return 0;
    if (wasm_exec_create(&allocator, 4096, 256, &exec) == WASM_OK) {
        struct wasm_instance *inst = NULL;
        wasm_exec_set_fuel(exec, 20000);
        int status = wasm_instance_create(module, &allocator, no_imports, NULL, exec, &inst);
        if (status == WASM_OK)
            run_exports(data, size, inst, exec);
        wasm_instance_free(inst);
        wasm_exec_free(exec);
    }
    wasm_module_free(module);
    return 0;
}
