// libFuzzer target: any input is decoded and validated; a module that loads
// is instantiated with every import resolved to a stub of the right kind
// and type (host functions returning zeros of their result types, memories,
// tables and globals made to match the import), and every exported function
// is called with zero arguments and a little fuel. Nothing may crash, leak
// or read out of bounds.
//
// The resolver is not told an import's type, so the harness reads the type
// and import sections of the (already validated) input itself. Stubs are
// bounded (MAX_STUB_PAGES, MAX_STUB_TABLE, MAX_IMPORTS): a module asking for
// more is refused at link time, as an embedder would refuse it.
#include <stdlib.h>
#include <string.h>
#include <wasm/wasm.h>

#define QUOTA (64u << 20)
#define FUEL 20000
#define MAX_IMPORTS 4096
#define MAX_STUB_PAGES 16     // 1 MiB: a larger imported memory is refused
#define MAX_STUB_TABLE 65536  // entries
#define MAX_VALUES 1024       // params or results of a called export
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

// One import as the binary declares it, and the stub made for it.
struct import {
    enum wasm_extern_kind kind;
    struct wasm_limits limits;   // table, memory
    uint8_t value_type;          // global's type, table's element type
    bool mutable_;               // global
    struct wasm_functype type;   // func: types points into `codes`
    uint8_t *codes;              // func: params then results (malloc)
    union {
        struct wasm_func func;
        struct wasm_memory memory;
        struct wasm_table table;
        struct wasm_global global;
    } stub;
    bool made;                   // the stub holds memory to give back
};

// The imports of one input, in order; `next` counts resolver calls (the
// engine resolves imports in the module's order).
struct imports {
    struct import *items;
    uint32_t count;
    uint32_t next;
};

// A bounded reader over one section.
struct cursor {
    const uint8_t *pos, *end;
};

static bool read_u32(struct cursor *c, uint32_t *out) {
    uint64_t v;
    if (c->pos >= c->end || !wasm_read_uleb(&c->pos, c->end, 32, &v))
        return false;
    *out = (uint32_t) v;
    return true;
}

static bool read_byte(struct cursor *c, uint8_t *out) {
    if (c->pos >= c->end)
        return false;
    *out = *c->pos++;
    return true;
}

static bool skip(struct cursor *c, uint32_t len) {
    if ((size_t) (c->end - c->pos) < len)
        return false;
    c->pos += len;
    return true;
}

static bool read_limits(struct cursor *c, struct wasm_limits *out) {
    uint8_t flags;
    if (!read_byte(c, &flags) || flags > 1 || !read_u32(c, &out->min))
        return false;
    out->has_max = flags == 1;
    out->max = 0;
    return !out->has_max || read_u32(c, &out->max);
}

// The function type at `index` of the type section: fills type (its codes
// malloc'd). False when the section does not have it in a form we read.
static bool find_functype(struct cursor types, uint32_t index, struct import *imp) {
    uint32_t count;
    if (!read_u32(&types, &count) || index >= count)
        return false;
    for (uint32_t i = 0;; i++) {
        uint8_t form;
        uint32_t params, results;
        if (!read_byte(&types, &form) || form != 0x60 || !read_u32(&types, &params))
            return false;
        const uint8_t *param_codes = types.pos;
        if (!skip(&types, params) || !read_u32(&types, &results))
            return false;
        const uint8_t *result_codes = types.pos;
        if (!skip(&types, results))
            return false;
        if (i < index)
            continue;
        imp->codes = malloc((size_t) params + results + 1);
        if (!imp->codes)
            return false;
        memcpy(imp->codes, param_codes, params);
        memcpy(imp->codes + params, result_codes, results);
        imp->type = (struct wasm_functype){params, results, imp->codes};
        return true;
    }
}

// Reads the imports of a module that loaded. False (nothing to free in
// *out) when they cannot be read; the module then runs without stubs.
static bool read_imports(const uint8_t *data, size_t size, struct imports *out) {
    struct cursor c = {data + 8, data + size}, types = {NULL, NULL}, imports = {NULL, NULL};
    *out = (struct imports){0};
    if (size < 8)
        return false;
    while (c.pos < c.end) {
        uint8_t id;
        uint32_t len;
        if (!read_byte(&c, &id) || !read_u32(&c, &len) || (size_t) (c.end - c.pos) < len)
            return false;
        if (id == 1)
            types = (struct cursor){c.pos, c.pos + len};
        else if (id == 2)
            imports = (struct cursor){c.pos, c.pos + len};
        c.pos += len;
    }
    uint32_t count;
    if (!imports.pos)
        return true;
    if (!read_u32(&imports, &count) || count > MAX_IMPORTS)
        return false;
    out->items = calloc(count ? count : 1, sizeof *out->items);
    if (!out->items)
        return false;
    for (; out->count < count; out->count++) {
        struct import *imp = &out->items[out->count];
        uint32_t name_len, type_index;
        uint8_t kind, mut;
        for (int n = 0; n < 2; n++)
            if (!read_u32(&imports, &name_len) || !skip(&imports, name_len))
                return false;
        if (!read_byte(&imports, &kind))
            return false;
        imp->kind = kind;
        switch (kind) {
        case WASM_EXTERN_FUNC:
            if (!read_u32(&imports, &type_index) || !types.pos || !find_functype(types, type_index, imp))
                return false;
            break;
        case WASM_EXTERN_TABLE:
            if (!read_byte(&imports, &imp->value_type) || !read_limits(&imports, &imp->limits))
                return false;
            break;
        case WASM_EXTERN_MEMORY:
            if (!read_limits(&imports, &imp->limits))
                return false;
            break;
        case WASM_EXTERN_GLOBAL:
            if (!read_byte(&imports, &imp->value_type) || !read_byte(&imports, &mut))
                return false;
            imp->mutable_ = mut;
            break;
        default: return false;
        }
    }
    return true;
}

// Gives back what the stubs hold; call after the instance is freed.
static void free_imports(struct imports *imports) {
    for (uint32_t i = 0; i < imports->count; i++) {
        struct import *imp = &imports->items[i];
        free(imp->codes);
        if (!imp->made)
            continue;
        if (imp->kind == WASM_EXTERN_MEMORY && imp->stub.memory.data)
            fuzz_free(NULL, imp->stub.memory.data, imp->stub.memory.size);
        if (imp->kind == WASM_EXTERN_TABLE && imp->stub.table.elems)
            fuzz_free(NULL, imp->stub.table.elems, (size_t) imp->stub.table.limits.min * sizeof(wasm_value));
    }
    free(imports->items);
    *imports = (struct imports){0};
}

// A host function: zeros of its result types.
static int zero_results(void *ctx, struct wasm_exec *exec, wasm_value *values) {
    (void) exec;
    const struct wasm_functype *type = ctx;
    memset(values, 0, type->result_count * sizeof *values);
    return WASM_OK;
}

// Makes the stub of the next import, which the engine asks for in order;
// false (a link error) when it would exceed the stub bounds.
static bool resolve_stub(void *ctx, struct wasm_name module, struct wasm_name name, enum wasm_extern_kind kind,
                         struct wasm_extern *out) {
    (void) module, (void) name;
    struct imports *imports = ctx;
    if (imports->next >= imports->count)
        return false;
    struct import *imp = &imports->items[imports->next++];
    if (imp->kind != kind)
        return false;
    out->kind = kind;
    switch (kind) {
    case WASM_EXTERN_FUNC:
        imp->stub.func = (struct wasm_func){.type = &imp->type, .host = zero_results, .host_ctx = &imp->type};
        out->as.func = &imp->stub.func;
        return true;
    case WASM_EXTERN_MEMORY: {
        struct wasm_memory *mem = &imp->stub.memory;
        if (imp->limits.min > MAX_STUB_PAGES)
            return false;
        *mem = (struct wasm_memory){NULL, 0, imp->limits, allocator};
        mem->limits.min = 0;
        imp->made = true;
        if (wasm_memory_grow(mem, imp->limits.min) < 0)
            return false;
        out->as.memory = mem;
        return true;
    }
    case WASM_EXTERN_TABLE: {
        struct wasm_table *table = &imp->stub.table;
        if (imp->limits.min > MAX_STUB_TABLE)
            return false;
        *table = (struct wasm_table){NULL, imp->value_type, imp->limits, allocator};
        imp->made = true;
        if (imp->limits.min) {
            table->elems = fuzz_alloc(NULL, imp->limits.min * sizeof(wasm_value));
            if (!table->elems)
                return false;
            memset(table->elems, 0, imp->limits.min * sizeof(wasm_value));
        }
        out->as.table = table;
        return true;
    }
    case WASM_EXTERN_GLOBAL:
        imp->stub.global = (struct wasm_global){0, imp->value_type, imp->mutable_};
        out->as.global = &imp->stub.global;
        return true;
    }
    return false;
}

// Every exported function, in export order, with zero arguments and FUEL.
static void run_exports(struct wasm_instance *inst, struct wasm_exec *exec) {
    static const wasm_value zeros[MAX_VALUES];
    static wasm_value results[MAX_VALUES];
    const char *name;
    size_t name_len;
    struct wasm_extern ext;
    for (uint32_t i = 0; wasm_instance_export_at(inst, i, &name, &name_len, &ext); i++) {
        if (ext.kind != WASM_EXTERN_FUNC || ext.as.func->type->param_count > MAX_VALUES ||
            ext.as.func->type->result_count > MAX_VALUES)
            continue;
        wasm_exec_set_fuel(exec, FUEL);
        if (wasm_exec_call(exec, ext.as.func, zeros, results) == WASM_OUT_OF_FUEL)
            wasm_exec_reset(exec);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct wasm_module *module;
    struct wasm_exec *exec;
    struct wasm_error err;
    struct imports imports;
    if (wasm_module_load(&allocator, data, size, &module, &err) != WASM_OK)
        return 0;
    bool stubs = read_imports(data, size, &imports);
    if (wasm_exec_create(&allocator, 4096, 256, &exec) == WASM_OK) {
        struct wasm_instance *inst = NULL;
        wasm_exec_set_fuel(exec, FUEL);
        int status = wasm_instance_create(module, &allocator, stubs ? resolve_stub : NULL, &imports, exec,
                                          &inst);
        if (status == WASM_OK)
            run_exports(inst, exec);
        wasm_instance_free(inst);
        wasm_exec_free(exec);
    }
    free_imports(&imports);
    wasm_module_free(module);
    return 0;
}
