// Module validation outside function bodies: type indices, limits,
// initializer types, export names, the start function, segments, and the
// set of functions that ref.func may name. Runs after every section is
// decoded, so that a malformed section anywhere wins over these errors, as
// in the spec (which decodes the whole module before validating it).
#include "decode.h"
#include <string.h>

static bool expect_type(struct reader *rd, const struct wasm_module *m, const struct const_expr *e,
                        uint8_t want) {
    uint8_t got = wasm_const_expr_type(rd, m, e);
    if (got == WASM_UNKNOWN)
        return false;
    return got == want || wasm_reader_invalid(rd, "type mismatch");
}

static bool check_limits(struct reader *rd, const struct wasm_limits *l, uint64_t bound,
                         const char *too_big) {
    if (l->min > bound || (l->has_max && l->max > bound))
        return wasm_reader_invalid(rd, too_big);
    if (l->has_max && l->max < l->min)
        return wasm_reader_invalid(rd, "size minimum must not be greater than maximum");
    return true;
}

static bool check_memory_limits(struct reader *rd, const struct wasm_limits *l) {
    return check_limits(rd, l, WASM_MAX_PAGES, "memory size must be at most 65536 pages (4GiB)");
}

// Imports: function type indices and limits.
static bool check_imports(struct reader *rd, const struct wasm_module *m) {
    for (uint32_t i = 0; i < m->import_count; i++) {
        const struct wasm_import_desc *imp = &m->imports[i];
        if (imp->kind == WASM_EXTERN_FUNC && imp->type_index >= m->type_count)
            return wasm_reader_invalid(rd, "unknown type");
        if (imp->kind == WASM_EXTERN_TABLE && !check_limits(rd, &imp->limits, UINT32_MAX, "table size"))
            return false;
        if (imp->kind == WASM_EXTERN_MEMORY && !check_memory_limits(rd, &imp->limits))
            return false;
    }
    return true;
}

// Definitions: function type indices, table and memory limits.
static bool check_definitions(struct reader *rd, const struct wasm_module *m) {
    for (uint32_t i = m->func_import_count; i < m->func_count; i++)
        if (m->func_types[i] >= m->type_count)
            return wasm_reader_invalid(rd, "unknown type");
    for (uint32_t i = m->table_import_count; i < m->table_count; i++)
        if (!check_limits(rd, &m->tables[i].limits, UINT32_MAX, "table size"))
            return false;
    if (m->memory_count > 1)
        return wasm_reader_invalid(rd, "multiple memories");
    return m->memory_count == m->memory_import_count || check_memory_limits(rd, &m->memory);
}

static void declare_func(struct wasm_module *m, const struct const_expr *e) {
    if (e->opcode == 0xD2 && e->value < m->func_count)
        m->declared_funcs[e->value / 8] |= (uint8_t) (1u << (e->value % 8));
}

static bool check_globals(struct reader *rd, struct wasm_module *m) {
    for (uint32_t i = m->global_import_count; i < m->global_count; i++) {
        if (!expect_type(rd, m, &m->globals[i].init, m->globals[i].type))
            return false;
        declare_func(m, &m->globals[i].init);
    }
    return true;
}

static bool names_equal(struct wasm_name a, struct wasm_name b) {
    return a.len == b.len && memcmp(a.bytes, b.bytes, a.len) == 0;
}

static bool check_exports(struct reader *rd, struct wasm_module *m) {
    static const char *const unknown[] = {"unknown function", "unknown table", "unknown memory",
                                          "unknown global"};
    for (uint32_t i = 0; i < m->export_count; i++) {
        const struct wasm_export_desc *e = &m->exports[i];
        uint32_t limit[] = {m->func_count, m->table_count, m->memory_count, m->global_count};
        if (e->index >= limit[e->kind])
            return wasm_reader_invalid(rd, unknown[e->kind]);
        if (e->kind == WASM_EXTERN_FUNC)
            m->declared_funcs[e->index / 8] |= (uint8_t) (1u << (e->index % 8));
        for (uint32_t j = 0; j < i; j++)
            if (names_equal(m->exports[j].name, e->name))
                return wasm_reader_invalid(rd, "duplicate export name");
    }
    return true;
}

static bool check_start(struct reader *rd, const struct wasm_module *m) {
    if (!m->has_start)
        return true;
    if (m->start >= m->func_count)
        return wasm_reader_invalid(rd, "unknown function");
    const struct wasm_functype *t = &m->types[m->func_types[m->start]];
    return (t->param_count == 0 && t->result_count == 0) ||
           wasm_reader_invalid(rd, "start function");
}

static bool check_elem(struct reader *rd, struct wasm_module *m, const struct wasm_elem *e) {
    if (e->mode == SEGMENT_ACTIVE) {
        if (e->table_index >= m->table_count)
            return wasm_reader_invalid(rd, "unknown table");
        if (!expect_type(rd, m, &e->offset, WASM_I32))
            return false;
        if (m->tables[e->table_index].elem_type != e->elem_type)
            return wasm_reader_invalid(rd, "type mismatch");
    }
    for (uint32_t i = 0; i < e->count; i++) {
        if (!expect_type(rd, m, &e->items[i], e->elem_type))
            return false;
        declare_func(m, &e->items[i]);
    }
    return true;
}

static bool check_datas(struct reader *rd, const struct wasm_module *m) {
    for (uint32_t i = 0; m->datas && i < m->data_count; i++) {
        if (m->datas[i].mode != SEGMENT_ACTIVE)
            continue;
        if (m->memory_count <= m->datas[i].memory_index)
            return wasm_reader_invalid(rd, "unknown memory 0");
        if (!expect_type(rd, m, &m->datas[i].offset, WASM_I32))
            return false;
    }
    return true;
}

bool wasm_decode_finish(struct reader *rd, struct wasm_module *m) {
    if (!check_imports(rd, m) || !check_definitions(rd, m))
        return false;
    m->declared_funcs = wasm_decode_alloc(rd, m, m->func_count / 8 + 1, 1);
    if (!m->declared_funcs || !check_globals(rd, m) || !check_exports(rd, m) ||
        !check_start(rd, m) || !check_datas(rd, m))
        return false;
    for (uint32_t i = 0; i < m->elem_count; i++)
        if (!check_elem(rd, m, &m->elems[i]))
            return false;
    return true;
}
