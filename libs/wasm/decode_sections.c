// Decoding of the type, import, function, table, memory, global, export and
// start sections.
#include "decode.h"

void *wasm_decode_alloc(struct reader *rd, struct wasm_module *m, size_t count, size_t size) {
    void *ptr = wasm_arena_alloc(&m->arena, count, size);
    if (!ptr)
        wasm_reader_nomem(rd);
    return ptr;
}

bool wasm_read_valtype(struct reader *rd, uint8_t *out) {
    if (!wasm_read_byte(rd, out))
        return false;
    switch (*out) {
    case WASM_I32: case WASM_I64: case WASM_F32: case WASM_F64:
    case WASM_FUNCREF: case WASM_EXTERNREF:
        return true;
    }
    rd->pos--;
    return wasm_reader_fail(rd, "malformed value type");
}

bool wasm_read_reftype(struct reader *rd, uint8_t *out) {
    if (!wasm_read_byte(rd, out))
        return false;
    if (*out == WASM_FUNCREF || *out == WASM_EXTERNREF)
        return true;
    rd->pos--;
    return wasm_reader_fail(rd, "malformed reference type");
}

// A vector length, refused early if the section cannot hold that many
// items of at least min_size bytes each.
static bool read_count(struct reader *rd, size_t min_size, uint32_t *count) {
    if (!wasm_read_u32(rd, count))
        return false;
    if ((size_t) (rd->end - rd->pos) / min_size < *count)
        return wasm_reader_fail(rd, "unexpected end of section or function");
    return true;
}

bool wasm_decode_types(struct reader *rd, struct wasm_module *m) {
    if (!read_count(rd, 3, &m->type_count))
        return false;
    m->types = wasm_decode_alloc(rd, m, m->type_count, sizeof *m->types);
    for (uint32_t i = 0; m->types && i < m->type_count; i++) {
        uint8_t form;
        uint32_t params, results;
        if (!wasm_read_byte(rd, &form))
            return false;
        if (form != 0x60)
            return wasm_reader_fail(rd, "malformed function type");
        if (!read_count(rd, 1, &params))
            return false;
        uint8_t *types = wasm_decode_alloc(rd, m, (size_t) params + 1, 1);
        for (uint32_t j = 0; types && j < params; j++)
            if (!wasm_read_valtype(rd, &types[j]))
                return false;
        if (!types || !read_count(rd, 1, &results))
            return false;
        uint8_t *all = wasm_decode_alloc(rd, m, (size_t) params + results + 1, 1);
        if (!all)
            return false;
        for (uint32_t j = 0; j < params; j++)
            all[j] = types[j];
        for (uint32_t j = 0; j < results; j++)
            if (!wasm_read_valtype(rd, &all[params + j]))
                return false;
        m->types[i] = (struct wasm_functype){params, results, all};
    }
    return m->types != NULL;
}

static bool read_limits(struct reader *rd, struct wasm_limits *out) {
    uint8_t flags;
    if (!wasm_read_byte(rd, &flags))
        return false;
    if (flags > 1)
        return wasm_reader_fail(rd, "integer too large");
    out->has_max = flags == 1;
    if (!wasm_read_u32(rd, &out->min))
        return false;
    out->max = 0;
    return !out->has_max || wasm_read_u32(rd, &out->max);
}

static bool read_tabletype(struct reader *rd, struct wasm_table_def *out) {
    return wasm_read_reftype(rd, &out->elem_type) && read_limits(rd, &out->limits);
}

static bool read_globaltype(struct reader *rd, uint8_t *type, bool *mutable_) {
    uint8_t mut;
    if (!wasm_read_valtype(rd, type) || !wasm_read_byte(rd, &mut))
        return false;
    if (mut > 1)
        return rd->pos--, wasm_reader_fail(rd, "malformed mutability");
    *mutable_ = mut;
    return true;
}

static bool read_import(struct reader *rd, struct wasm_module *m, struct wasm_import_desc *imp) {
    uint8_t kind;
    if (!wasm_read_name(rd, &imp->module) || !wasm_read_name(rd, &imp->name) || !wasm_read_byte(rd, &kind))
        return false;
    imp->kind = kind;
    switch (kind) {
    case WASM_EXTERN_FUNC:
        m->func_import_count++;
        return wasm_read_u32(rd, &imp->type_index);
    case WASM_EXTERN_TABLE: {
        struct wasm_table_def def;
        if (!read_tabletype(rd, &def))
            return false;
        imp->elem_type = def.elem_type, imp->limits = def.limits;
        m->table_import_count++;
        return true;
    }
    case WASM_EXTERN_MEMORY:
        m->memory_import_count++;
        return read_limits(rd, &imp->limits);
    case WASM_EXTERN_GLOBAL:
        m->global_import_count++;
        return read_globaltype(rd, &imp->global_type, &imp->global_mutable);
    }
    return wasm_reader_fail(rd, "malformed import kind");
}

bool wasm_decode_imports(struct reader *rd, struct wasm_module *m) {
    if (!read_count(rd, 4, &m->import_count))
        return false;
    m->imports = wasm_decode_alloc(rd, m, m->import_count, sizeof *m->imports);
    for (uint32_t i = 0; m->imports && i < m->import_count; i++)
        if (!read_import(rd, m, &m->imports[i]))
            return false;
    return m->imports != NULL;
}

// Fills the imported part of the function, table and global index spaces
// with `defined` more entries of each kind.
static bool import_funcs(struct reader *rd, struct wasm_module *m, uint32_t defined) {
    m->func_count = m->func_import_count + defined;
    m->func_types = wasm_decode_alloc(rd, m, m->func_count, sizeof(uint32_t));
    if (!m->func_types)
        return false;
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->import_count; i++)
        if (m->imports[i].kind == WASM_EXTERN_FUNC)
            m->func_types[n++] = m->imports[i].type_index;
    return true;
}

static bool import_tables(struct reader *rd, struct wasm_module *m, uint32_t defined) {
    m->table_count = m->table_import_count + defined;
    m->tables = wasm_decode_alloc(rd, m, m->table_count, sizeof *m->tables);
    if (!m->tables)
        return false;
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->import_count; i++)
        if (m->imports[i].kind == WASM_EXTERN_TABLE)
            m->tables[n++] = (struct wasm_table_def){m->imports[i].elem_type, m->imports[i].limits};
    return true;
}

static bool import_globals(struct reader *rd, struct wasm_module *m, uint32_t defined) {
    m->global_count = m->global_import_count + defined;
    m->globals = wasm_decode_alloc(rd, m, m->global_count, sizeof *m->globals);
    if (!m->globals)
        return false;
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->import_count; i++)
        if (m->imports[i].kind == WASM_EXTERN_GLOBAL) {
            m->globals[n].type = m->imports[i].global_type;
            m->globals[n++].mutable_ = m->imports[i].global_mutable;
        }
    return true;
}

bool wasm_decode_functions(struct reader *rd, struct wasm_module *m) {
    uint32_t count;
    if (!read_count(rd, 1, &count) || !import_funcs(rd, m, count))
        return false;
    for (uint32_t i = 0; i < count; i++)
        if (!wasm_read_u32(rd, &m->func_types[m->func_import_count + i]))
            return false;
    return true;
}

bool wasm_decode_tables(struct reader *rd, struct wasm_module *m) {
    uint32_t count;
    if (!read_count(rd, 3, &count) || !import_tables(rd, m, count))
        return false;
    for (uint32_t i = 0; i < count; i++)
        if (!read_tabletype(rd, &m->tables[m->table_import_count + i]))
            return false;
    return true;
}

bool wasm_decode_memories(struct reader *rd, struct wasm_module *m) {
    uint32_t count;
    if (!read_count(rd, 2, &count))
        return false;
    for (uint32_t i = 0; i < count; i++)
        if (!read_limits(rd, &m->memory))
            return false;
    m->memory_count = m->memory_import_count + count;
    return true;
}

bool wasm_decode_globals(struct reader *rd, struct wasm_module *m) {
    uint32_t count;
    if (!read_count(rd, 3, &count) || !import_globals(rd, m, count))
        return false;
    for (uint32_t i = 0; i < count; i++) {
        struct wasm_global_def *g = &m->globals[m->global_import_count + i];
        if (!read_globaltype(rd, &g->type, &g->mutable_) || !wasm_read_const_expr(rd, m, &g->init))
            return false;
    }
    return true;
}

bool wasm_decode_exports(struct reader *rd, struct wasm_module *m) {
    if (!read_count(rd, 3, &m->export_count))
        return false;
    m->exports = wasm_decode_alloc(rd, m, m->export_count, sizeof *m->exports);
    for (uint32_t i = 0; m->exports && i < m->export_count; i++) {
        struct wasm_export_desc *e = &m->exports[i];
        uint8_t kind;
        if (!wasm_read_name(rd, &e->name) || !wasm_read_byte(rd, &kind) || !wasm_read_u32(rd, &e->index))
            return false;
        if (kind > WASM_EXTERN_GLOBAL)
            return wasm_reader_fail(rd, "malformed export kind");
        e->kind = kind;
    }
    return m->exports != NULL;
}

bool wasm_decode_start(struct reader *rd, struct wasm_module *m) {
    m->has_start = true;
    return wasm_read_u32(rd, &m->start);
}

bool wasm_decode_index_spaces(struct reader *rd, struct wasm_module *m) {
    if (!m->func_types && !import_funcs(rd, m, 0))
        return false;
    if (!m->tables && !import_tables(rd, m, 0))
        return false;
    if (!m->globals && !import_globals(rd, m, 0))
        return false;
    if (m->memory_count == 0)
        m->memory_count = m->memory_import_count;
    if (m->memory_import_count && m->memory_count == 1)
        for (uint32_t i = 0; i < m->import_count; i++)
            if (m->imports[i].kind == WASM_EXTERN_MEMORY)
                m->memory = m->imports[i].limits;
    return true;
}
