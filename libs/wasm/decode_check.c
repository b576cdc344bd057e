// Module-level validation that spans sections: initializer types, export
// names, the start function, segments, and the set of functions that
// ref.func may name. Runs after every section is decoded.
#include "decode.h"
#include <string.h>

static bool expect_type(struct reader *rd, const struct wasm_module *m, const struct const_expr *e,
                        uint8_t want, bool imported_only) {
    uint8_t got = wasm_const_expr_type(rd, m, e, imported_only);
    if (got == WASM_UNKNOWN)
        return false;
    return got == want || wasm_reader_invalid(rd, "type mismatch");
}

static void declare_func(struct wasm_module *m, const struct const_expr *e) {
    if (e->opcode == 0xD2 && e->value < m->func_count)
        m->declared_funcs[e->value / 8] |= (uint8_t) (1u << (e->value % 8));
}

static bool check_globals(struct reader *rd, struct wasm_module *m) {
    for (uint32_t i = m->global_import_count; i < m->global_count; i++) {
        if (!expect_type(rd, m, &m->globals[i].init, m->globals[i].type, true))
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
        if (!expect_type(rd, m, &e->offset, WASM_I32, false))
            return false;
        if (m->tables[e->table_index].elem_type != e->elem_type)
            return wasm_reader_invalid(rd, "type mismatch");
    }
    for (uint32_t i = 0; i < e->count; i++) {
        if (!expect_type(rd, m, &e->items[i], e->elem_type, false))
            return false;
        declare_func(m, &e->items[i]);
    }
    return true;
}

static bool check_datas(struct reader *rd, const struct wasm_module *m) {
    for (uint32_t i = 0; m->datas && i < m->data_count; i++) {
        if (m->datas[i].mode != SEGMENT_ACTIVE)
            continue;
        if (m->memory_count == 0)
            return wasm_reader_invalid(rd, "unknown memory 0");
        if (!expect_type(rd, m, &m->datas[i].offset, WASM_I32, false))
            return false;
    }
    return true;
}

bool wasm_decode_finish(struct reader *rd, struct wasm_module *m) {
    m->declared_funcs = wasm_decode_alloc(rd, m, m->func_count / 8 + 1, 1);
    if (!m->declared_funcs || !check_globals(rd, m) || !check_exports(rd, m) ||
        !check_start(rd, m) || !check_datas(rd, m))
        return false;
    for (uint32_t i = 0; i < m->elem_count; i++)
        if (!check_elem(rd, m, &m->elems[i]))
            return false;
    return true;
}
