// Instantiation: linking imports, allocating the instance's functions,
// globals, tables and memory, applying segments and running start.
#include "exec.h"
#include <string.h>

static bool limits_match(const struct wasm_limits *have, const struct wasm_limits *want) {
    if (have->min < want->min)
        return false;
    return !want->has_max || (have->has_max && have->max <= want->max);
}

static bool import_matches(const struct wasm_module *m, const struct wasm_import_desc *imp,
                           const struct wasm_extern *ext) {
    if (ext->kind != imp->kind)
        return false;
    switch (imp->kind) {
    case WASM_EXTERN_FUNC:
        return wasm_functype_equal(ext->as.func->type, &m->types[imp->type_index]);
    case WASM_EXTERN_TABLE:
        return ext->as.table->elem_type == imp->elem_type &&
               limits_match(&ext->as.table->limits, &imp->limits);
    case WASM_EXTERN_MEMORY:
        return limits_match(&ext->as.memory->limits, &imp->limits);
    case WASM_EXTERN_GLOBAL:
        return ext->as.global->type == imp->global_type &&
               ext->as.global->mutable_ == imp->global_mutable;
    }
    return false;
}

static int link_imports(struct wasm_instance *inst, wasm_resolve_fn resolve, void *ctx) {
    const struct wasm_module *m = inst->module;
    uint32_t funcs = 0, tables = 0, globals = 0;
    for (uint32_t i = 0; i < m->import_count; i++) {
        const struct wasm_import_desc *imp = &m->imports[i];
        struct wasm_extern ext;
        if (!resolve || !resolve(ctx, imp->module, imp->name, imp->kind, &ext) ||
            !import_matches(m, imp, &ext))
            return WASM_ERR_LINK;
        switch (imp->kind) {
        case WASM_EXTERN_FUNC: inst->funcs[funcs++] = ext.as.func; break;
        case WASM_EXTERN_TABLE: inst->tables[tables++] = ext.as.table; break;
        case WASM_EXTERN_MEMORY: inst->memory = ext.as.memory; break;
        case WASM_EXTERN_GLOBAL: inst->globals[globals++] = ext.as.global; break;
        }
    }
    return WASM_OK;
}

wasm_value wasm_const_expr_eval(const struct wasm_instance *inst, const struct const_expr *e) {
    switch (e->opcode) {
    case 0xD0: return 0;
    case 0xD2: return (wasm_value) (uintptr_t) inst->funcs[e->value];
    case 0x23: return inst->globals[e->value]->value;
    }
    return e->value;
}

static bool alloc_arrays(struct wasm_instance *inst) {
    const struct wasm_module *m = inst->module;
    struct arena *a = &inst->arena;
    inst->own_funcs = wasm_arena_alloc(a, m->func_count, sizeof *inst->own_funcs);
    inst->funcs = wasm_arena_alloc(a, m->func_count, sizeof *inst->funcs);
    inst->own_tables = wasm_arena_alloc(a, m->table_count, sizeof *inst->own_tables);
    inst->tables = wasm_arena_alloc(a, m->table_count, sizeof *inst->tables);
    inst->own_globals = wasm_arena_alloc(a, m->global_count, sizeof *inst->own_globals);
    inst->globals = wasm_arena_alloc(a, m->global_count, sizeof *inst->globals);
    inst->elem_dropped = wasm_arena_alloc(a, m->elem_count, sizeof(bool));
    inst->data_dropped = wasm_arena_alloc(a, m->data_count, sizeof(bool));
    return inst->own_funcs && inst->funcs && inst->own_tables && inst->tables &&
           inst->own_globals && inst->globals && inst->elem_dropped && inst->data_dropped;
}

// Functions, globals, tables and memory defined by the module itself.
static int define_entities(struct wasm_instance *inst, const struct wasm_allocator *alloc) {
    const struct wasm_module *m = inst->module;
    for (uint32_t i = m->func_import_count; i < m->func_count; i++) {
        inst->own_funcs[i] = (struct wasm_func){&m->types[m->func_types[i]], inst, i, NULL, NULL,
                                                &m->codes[i - m->func_import_count]};
        inst->funcs[i] = &inst->own_funcs[i];
    }
    for (uint32_t i = m->global_import_count; i < m->global_count; i++) {
        const struct wasm_global_def *g = &m->globals[i];
        inst->own_globals[i] = (struct wasm_global){wasm_const_expr_eval(inst, &g->init), g->type,
                                                    g->mutable_};
        inst->globals[i] = &inst->own_globals[i];
    }
    for (uint32_t i = m->table_import_count; i < m->table_count; i++) {
        struct wasm_table *t = &inst->own_tables[i];
        *t = (struct wasm_table){NULL, m->tables[i].elem_type, m->tables[i].limits, *alloc};
        uint32_t min = t->limits.min;
        t->limits.min = 0;
        if (wasm_table_grow(t, min, 0) < 0)
            return WASM_ERR_NOMEM;
        inst->tables[i] = t;
    }
    if (m->memory_count && !m->memory_import_count) {
        struct wasm_memory *mem = &inst->own_memory;
        *mem = (struct wasm_memory){NULL, 0, m->memory, *alloc};
        mem->limits.min = 0;
        if (wasm_memory_grow(mem, m->memory.min) < 0)
            return WASM_ERR_NOMEM;
        inst->memory = mem;
    }
    return WASM_OK;
}

// Active segments in order (elements, then data), then drops; 2.0 semantics:
// a trap stops here, and earlier writes to imported objects remain.
static int apply_segments(struct wasm_instance *inst) {
    const struct wasm_module *m = inst->module;
    for (uint32_t i = 0; i < m->elem_count; i++) {
        const struct wasm_elem *e = &m->elems[i];
        if (e->mode == SEGMENT_ACTIVE) {
            uint32_t offset = (uint32_t) wasm_const_expr_eval(inst, &e->offset);
            int status = wasm_table_init(inst, e->table_index, i, offset, 0, e->count);
            if (status != WASM_OK)
                return status;
        }
        if (e->mode != SEGMENT_PASSIVE)
            inst->elem_dropped[i] = true;
    }
    for (uint32_t i = 0; i < m->data_count; i++) {
        const struct wasm_data *d = &m->datas[i];
        if (d->mode != SEGMENT_ACTIVE)
            continue;
        uint32_t offset = (uint32_t) wasm_const_expr_eval(inst, &d->offset);
        int status = wasm_memory_init(inst, i, offset, 0, d->len);
        if (status != WASM_OK)
            return status;
        inst->data_dropped[i] = true;
    }
    return WASM_OK;
}

int wasm_instance_create(const struct wasm_module *module, const struct wasm_allocator *alloc,
                         wasm_resolve_fn resolve, void *resolve_ctx, struct wasm_exec *exec,
                         struct wasm_instance **out) {
    *out = NULL;
    if (!module || !alloc)
        return WASM_ERR_ARGS;
    struct arena arena;
    wasm_arena_init(&arena, alloc);
    struct wasm_instance *inst = wasm_arena_alloc(&arena, 1, sizeof *inst);
    if (!inst)
        return WASM_ERR_NOMEM;
    inst->arena = arena;
    inst->module = module;
    int status = alloc_arrays(inst) ? WASM_OK : WASM_ERR_NOMEM;
    if (status == WASM_OK)
        status = link_imports(inst, resolve, resolve_ctx);
    if (status == WASM_OK)
        status = define_entities(inst, alloc);
    if (status != WASM_OK) {
        wasm_instance_free(inst);
        return status;
    }
    // From here on, imported tables may hold this instance's functions, so
    // even a failed instance goes to the caller, who frees it when those
    // tables are gone.
    *out = inst;
    status = apply_segments(inst);
    if (status == WASM_OK && module->has_start && !exec)
        inst->pending_start = inst->funcs[module->start];
    else if (status == WASM_OK && module->has_start) {
        status = wasm_exec_call(exec, inst->funcs[module->start], NULL, NULL);
        if (status == WASM_OUT_OF_FUEL)
            wasm_exec_reset(exec);
    }
    return status;
}

struct wasm_func *wasm_instance_start_func(const struct wasm_instance *inst) {
    return inst->pending_start;
}

void wasm_instance_free(struct wasm_instance *inst) {
    if (!inst)
        return;
    const struct wasm_module *m = inst->module;
    for (uint32_t i = m->table_import_count; inst->own_tables && i < m->table_count; i++) {
        struct wasm_table *t = &inst->own_tables[i];
        if (t->elems)
            t->alloc.free(t->alloc.ctx, t->elems, (size_t) t->limits.min * sizeof(wasm_value));
    }
    struct wasm_memory *mem = &inst->own_memory;
    if (mem->data)
        mem->alloc.free(mem->alloc.ctx, mem->data, mem->size);
    struct arena arena = inst->arena;
    wasm_arena_free_all(&arena);
}

static void export_extern(const struct wasm_instance *inst, const struct wasm_export_desc *e,
                          struct wasm_extern *out) {
    out->kind = e->kind;
    switch (e->kind) {
    case WASM_EXTERN_FUNC: out->as.func = inst->funcs[e->index]; break;
    case WASM_EXTERN_TABLE: out->as.table = inst->tables[e->index]; break;
    case WASM_EXTERN_MEMORY: out->as.memory = inst->memory; break;
    case WASM_EXTERN_GLOBAL: out->as.global = inst->globals[e->index]; break;
    }
}

bool wasm_instance_export(const struct wasm_instance *inst, const char *name, size_t name_len,
                          struct wasm_extern *out) {
    const struct wasm_module *m = inst->module;
    for (uint32_t i = 0; i < m->export_count; i++) {
        const struct wasm_export_desc *e = &m->exports[i];
        if (e->name.len == name_len && memcmp(e->name.bytes, name, name_len) == 0) {
            export_extern(inst, e, out);
            return true;
        }
    }
    return false;
}

bool wasm_instance_export_at(const struct wasm_instance *inst, uint32_t index, const char **name,
                             size_t *name_len, struct wasm_extern *out) {
    const struct wasm_module *m = inst->module;
    if (index >= m->export_count)
        return false;
    const struct wasm_export_desc *e = &m->exports[index];
    *name = (const char *) e->name.bytes;
    *name_len = e->name.len;
    export_extern(inst, e, out);
    return true;
}
