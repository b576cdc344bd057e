// Decoding of constant expressions and the element, code and data sections.
#include "decode.h"

// One constant instruction's immediate into out->value; false (with no
// error recorded) when op is not a constant instruction.
static bool read_constant(struct reader *rd, uint8_t op, struct const_expr *out) {
    int32_t i32;
    int64_t i64;
    uint32_t index;
    out->opcode = op;
    switch (op) {
    case 0x41:
        if (!wasm_read_s32(rd, &i32))
            return false;
        out->value = (uint32_t) i32;
        return true;
    case 0x42:
        if (!wasm_read_s64(rd, &i64))
            return false;
        out->value = (uint64_t) i64;
        return true;
    case 0x43: return wasm_read_fixed(rd, 4, &out->value);
    case 0x44: return wasm_read_fixed(rd, 8, &out->value);
    case 0xD0: {
        uint8_t type;
        if (!wasm_read_reftype(rd, &type))
            return false;
        out->value = type;
        return true;
    }
    case 0xD2: case 0x23:
        if (!wasm_read_u32(rd, &index))
            return false;
        out->value = index;
        return true;
    }
    return false;
}

bool wasm_read_const_expr(struct reader *rd, const struct wasm_module *m, struct const_expr *out) {
    const uint8_t *start = rd->pos;
    uint8_t op;
    if (!wasm_read_byte(rd, &op))
        return false;
    if (read_constant(rd, op, out) && rd->pos < rd->end && *rd->pos == 0x0B)
        return rd->pos++, true;
    if (rd->status != WASM_OK)
        return false;
    // Not the one-instruction form: any well-formed expression is invalid.
    rd->pos = start;
    struct expr_shape shape;
    if (!wasm_scan_expr(rd, &m->arena.alloc, &shape))
        return false;
    *out = (struct const_expr){shape.constant ? CONST_ARITY : CONST_NOT_CONSTANT, 0};
    return true;
}

uint8_t wasm_const_expr_type(struct reader *rd, const struct wasm_module *m, const struct const_expr *e) {
    switch (e->opcode) {
    case CONST_NOT_CONSTANT:
        return wasm_reader_invalid(rd, "constant expression required"), WASM_UNKNOWN;
    case CONST_ARITY:
        return wasm_reader_invalid(rd, "type mismatch"), WASM_UNKNOWN;
    case 0x41: return WASM_I32;
    case 0x42: return WASM_I64;
    case 0x43: return WASM_F32;
    case 0x44: return WASM_F64;
    case 0xD0: return (uint8_t) e->value;
    case 0xD2:
        if (e->value >= m->func_count)
            return wasm_reader_invalid(rd, "unknown function"), WASM_UNKNOWN;
        return WASM_FUNCREF;
    }
    if (e->value >= m->global_import_count)
        return wasm_reader_invalid(rd, "unknown global"), WASM_UNKNOWN;
    if (m->globals[e->value].mutable_)
        return wasm_reader_invalid(rd, "constant expression required"), WASM_UNKNOWN;
    return m->globals[e->value].type;
}

// Element segment items given as function indices (flags 0-3).
static bool read_func_items(struct reader *rd, struct wasm_module *m, struct wasm_elem *e) {
    if (!wasm_read_u32(rd, &e->count))
        return false;
    if ((size_t) (rd->end - rd->pos) < e->count)
        return wasm_reader_fail(rd, "unexpected end");
    e->items = wasm_decode_alloc(rd, m, e->count, sizeof *e->items);
    for (uint32_t i = 0; e->items && i < e->count; i++) {
        uint32_t index;
        if (!wasm_read_u32(rd, &index))
            return false;
        e->items[i] = (struct const_expr){0xD2, index};
    }
    return e->items != NULL;
}

static bool read_expr_items(struct reader *rd, struct wasm_module *m, struct wasm_elem *e) {
    if (!wasm_read_u32(rd, &e->count))
        return false;
    if ((size_t) (rd->end - rd->pos) < e->count) // each at least an `end`
        return wasm_reader_fail(rd, "unexpected end");
    e->items = wasm_decode_alloc(rd, m, e->count, sizeof *e->items);
    for (uint32_t i = 0; e->items && i < e->count; i++)
        if (!wasm_read_const_expr(rd, m, &e->items[i]))
            return false;
    return e->items != NULL;
}

static bool read_elem(struct reader *rd, struct wasm_module *m, struct wasm_elem *e) {
    uint32_t flags;
    uint8_t kind;
    if (!wasm_read_u32(rd, &flags))
        return false;
    if (flags > 7)
        return wasm_reader_fail(rd, "malformed elements segment kind");
    e->mode = (flags & 1) ? ((flags & 2) ? SEGMENT_DECLARATIVE : SEGMENT_PASSIVE) : SEGMENT_ACTIVE;
    e->elem_type = WASM_FUNCREF;
    e->table_index = 0;
    if ((flags & 3) == 2 && !wasm_read_u32(rd, &e->table_index))
        return false;
    if (e->mode == SEGMENT_ACTIVE && !wasm_read_const_expr(rd, m, &e->offset))
        return false;
    if (flags & 4) {
        if ((flags & 3) != 0 && !wasm_read_reftype(rd, &e->elem_type))
            return false;
        return read_expr_items(rd, m, e);
    }
    if ((flags & 3) != 0) {
        if (!wasm_read_byte(rd, &kind))
            return false;
        if (kind != 0)
            return wasm_reader_fail(rd, "malformed element kind");
    }
    return read_func_items(rd, m, e);
}

bool wasm_decode_elems(struct reader *rd, struct wasm_module *m) {
    if (!wasm_read_u32(rd, &m->elem_count))
        return false;
    if ((size_t) (rd->end - rd->pos) < m->elem_count)
        return wasm_reader_fail(rd, "unexpected end");
    m->elems = wasm_decode_alloc(rd, m, m->elem_count, sizeof *m->elems);
    for (uint32_t i = 0; m->elems && i < m->elem_count; i++)
        if (!read_elem(rd, m, &m->elems[i]))
            return false;
    return m->elems != NULL;
}

static bool read_data(struct reader *rd, const struct wasm_module *m, struct wasm_data *d) {
    uint32_t flags;
    if (!wasm_read_u32(rd, &flags))
        return false;
    if (flags > 2)
        return wasm_reader_fail(rd, "malformed data segment kind");
    d->mode = flags == 1 ? SEGMENT_PASSIVE : SEGMENT_ACTIVE;
    d->memory_index = 0;
    if (flags == 2 && !wasm_read_u32(rd, &d->memory_index))
        return false;
    if (d->mode == SEGMENT_ACTIVE && !wasm_read_const_expr(rd, m, &d->offset))
        return false;
    if (!wasm_read_u32(rd, &d->len))
        return false;
    if ((size_t) (rd->end - rd->pos) < d->len)
        return wasm_reader_fail(rd, "unexpected end of section or function");
    d->bytes = rd->pos;
    rd->pos += d->len;
    return true;
}

bool wasm_decode_datas(struct reader *rd, struct wasm_module *m) {
    uint32_t count;
    if (!wasm_read_u32(rd, &count))
        return false;
    if (m->has_data_count && count != m->data_count)
        return wasm_reader_fail(rd, "data count and data section have inconsistent lengths");
    if ((size_t) (rd->end - rd->pos) < count)
        return wasm_reader_fail(rd, "unexpected end");
    m->data_count = count;
    m->datas = wasm_decode_alloc(rd, m, count, sizeof *m->datas);
    for (uint32_t i = 0; m->datas && i < count; i++)
        if (!read_data(rd, m, &m->datas[i]))
            return false;
    return m->datas != NULL;
}

// Local declarations: runs of (count, type), at most WASM_MAX_LOCALS in all.
static bool read_locals(struct reader *rd, struct wasm_module *m, struct wasm_code *code) {
    uint32_t runs;
    if (!wasm_read_u32(rd, &runs))
        return false;
    const uint8_t *start = rd->pos;
    uint64_t total = 0;
    for (uint32_t i = 0; i < runs; i++) {
        uint32_t n;
        uint8_t type;
        if (!wasm_read_u32(rd, &n) || !wasm_read_valtype(rd, &type))
            return false;
        total += n;
        if (total > WASM_MAX_LOCALS)
            return wasm_reader_fail(rd, "too many locals");
    }
    code->local_count = (uint32_t) total;
    code->local_types = wasm_decode_alloc(rd, m, total, 1);
    if (!code->local_types)
        return false;
    rd->pos = start;
    for (uint32_t i = 0, k = 0; i < runs; i++) {
        uint32_t n;
        uint8_t type;
        wasm_read_u32(rd, &n), wasm_read_valtype(rd, &type);
        while (n--)
            code->local_types[k++] = type;
    }
    return true;
}

bool wasm_decode_codes(struct reader *rd, struct wasm_module *m) {
    uint32_t count;
    if (!wasm_read_u32(rd, &count))
        return false;
    if (!m->func_types && !wasm_decode_index_spaces(rd, m))
        return false;
    if (count != m->func_count - m->func_import_count)
        return wasm_reader_fail(rd, "function and code section have inconsistent lengths");
    m->codes = wasm_decode_alloc(rd, m, count, sizeof *m->codes);
    for (uint32_t i = 0; m->codes && i < count; i++) {
        uint32_t size;
        if (!wasm_read_u32(rd, &size))
            return false;
        if ((size_t) (rd->end - rd->pos) < size)
            return wasm_reader_fail(rd, "unexpected end of section or function");
        const uint8_t *section_end = rd->end;
        rd->end = rd->pos + size;
        if (!read_locals(rd, m, &m->codes[i]))
            return false;
        m->codes[i].body = rd->pos;
        m->codes[i].body_end = rd->end;
        rd->pos = rd->end;
        rd->end = section_end;
    }
    return m->codes != NULL;
}
