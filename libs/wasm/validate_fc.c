// Validation and emission of the 0xFC-prefixed instructions: saturating
// truncation, bulk memory and table operations.
#include "validate.h"

enum { I32 = WASM_I32, I64 = WASM_I64, F32 = WASM_F32, F64 = WASM_F64 };

static bool read_index(struct vstate *v, uint32_t *index, uint32_t limit, const char *unknown) {
    if (!wasm_read_u32(&v->rd, index))
        return false;
    if (*index >= limit)
        return wasm_reader_invalid(&v->rd, unknown);
    wasm_emit_word(&v->out, *index);
    return true;
}

static bool read_memory_zero(struct vstate *v) {
    uint8_t zero;
    if (!wasm_read_byte(&v->rd, &zero))
        return false;
    if (zero != 0)
        return wasm_reader_fail(&v->rd, "zero byte expected");
    return v->m->memory_count > 0 || wasm_reader_invalid(&v->rd, "unknown memory 0");
}

static bool pop3(struct vstate *v, uint8_t a, uint8_t b, uint8_t c) {
    return wasm_pop_expect(v, c) && wasm_pop_expect(v, b) && wasm_pop_expect(v, a);
}

static bool validate_sat(struct vstate *v, uint32_t sub) {
    static const uint8_t in[] = {F32, F32, F64, F64, F32, F32, F64, F64};
    return wasm_pop_expect(v, in[sub]) && wasm_push_val(v, sub < 4 ? I32 : I64);
}

static bool need_data_count(struct vstate *v) {
    return v->m->has_data_count || wasm_reader_fail(&v->rd, "data count section required");
}

static bool validate_table_op(struct vstate *v, uint32_t sub) {
    const struct wasm_module *m = v->m;
    uint32_t a, b;
    switch (sub) {
    case 12: // table.init elem table
        if (!read_index(v, &a, m->elem_count, "unknown elem segment") ||
            !read_index(v, &b, m->table_count, "unknown table"))
            return false;
        if (m->elems[a].elem_type != m->tables[b].elem_type)
            return wasm_reader_invalid(&v->rd, "type mismatch");
        return pop3(v, I32, I32, I32);
    case 13:
        return read_index(v, &a, m->elem_count, "unknown elem segment");
    case 14: // table.copy dst src
        if (!read_index(v, &a, m->table_count, "unknown table") ||
            !read_index(v, &b, m->table_count, "unknown table"))
            return false;
        if (m->tables[a].elem_type != m->tables[b].elem_type)
            return wasm_reader_invalid(&v->rd, "type mismatch");
        return pop3(v, I32, I32, I32);
    }
    if (!read_index(v, &a, m->table_count, "unknown table"))
        return false;
    uint8_t type = m->tables[a].elem_type;
    if (sub == 15)
        return wasm_pop_expect(v, I32) && wasm_pop_expect(v, type) && wasm_push_val(v, I32);
    if (sub == 16)
        return wasm_push_val(v, I32);
    return pop3(v, I32, type, I32);
}

bool wasm_validate_fc_op(struct vstate *v) {
    uint32_t sub, index;
    if (!wasm_read_u32(&v->rd, &sub))
        return false;
    if (sub > 17)
        return wasm_reader_fail(&v->rd, "illegal opcode");
    wasm_emit_word(&v->out, OP_PREFIX_FC + sub);
    if (sub <= 7)
        return validate_sat(v, sub);
    switch (sub) {
    case 8: // memory.init data 0
        if (!read_index(v, &index, v->m->data_count, "unknown data segment") || !need_data_count(v))
            return false;
        return read_memory_zero(v) && pop3(v, I32, I32, I32);
    case 9:
        return read_index(v, &index, v->m->data_count, "unknown data segment") &&
               need_data_count(v);
    case 10:
        return read_memory_zero(v) && read_memory_zero(v) && pop3(v, I32, I32, I32);
    case 11:
        return read_memory_zero(v) && pop3(v, I32, I32, I32);
    }
    return validate_table_op(v, sub);
}
