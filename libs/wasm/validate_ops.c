// Validation and emission of the non-control instructions: numeric,
// parametric, variable, memory, table and reference operators.
#include "validate.h"

enum { I32 = WASM_I32, I64 = WASM_I64, F32 = WASM_F32, F64 = WASM_F64 };

// Operand and result types of the simple numeric opcodes 0x45..0xC4.
// in2 == 0 for unary operators.
static bool numeric_sig(uint8_t op, uint8_t *in1, uint8_t *in2, uint8_t *out) {
    static const struct { uint8_t first, last, in1, in2, out; } ranges[] = {
        {0x45, 0x45, I32, 0, I32},   {0x46, 0x4F, I32, I32, I32}, {0x50, 0x50, I64, 0, I32},
        {0x51, 0x5A, I64, I64, I32}, {0x5B, 0x60, F32, F32, I32}, {0x61, 0x66, F64, F64, I32},
        {0x67, 0x69, I32, 0, I32},   {0x6A, 0x78, I32, I32, I32}, {0x79, 0x7B, I64, 0, I64},
        {0x7C, 0x8A, I64, I64, I64}, {0x8B, 0x91, F32, 0, F32},   {0x92, 0x98, F32, F32, F32},
        {0x99, 0x9F, F64, 0, F64},   {0xA0, 0xA6, F64, F64, F64}, {0xA7, 0xA7, I64, 0, I32},
        {0xA8, 0xA9, F32, 0, I32},   {0xAA, 0xAB, F64, 0, I32},   {0xAC, 0xAD, I32, 0, I64},
        {0xAE, 0xAF, F32, 0, I64},   {0xB0, 0xB1, F64, 0, I64},   {0xB2, 0xB3, I32, 0, F32},
        {0xB4, 0xB5, I64, 0, F32},   {0xB6, 0xB6, F64, 0, F32},   {0xB7, 0xB8, I32, 0, F64},
        {0xB9, 0xBA, I64, 0, F64},   {0xBB, 0xBB, F32, 0, F64},   {0xBC, 0xBC, F32, 0, I32},
        {0xBD, 0xBD, F64, 0, I64},   {0xBE, 0xBE, I32, 0, F32},   {0xBF, 0xBF, I64, 0, F64},
        {0xC0, 0xC1, I32, 0, I32},   {0xC2, 0xC4, I64, 0, I64},
    };
    for (unsigned i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (op >= ranges[i].first && op <= ranges[i].last) {
            *in1 = ranges[i].in1, *in2 = ranges[i].in2, *out = ranges[i].out;
            return true;
        }
    return false;
}

static bool validate_numeric(struct vstate *v, uint8_t op, uint8_t in1, uint8_t in2, uint8_t out) {
    if ((in2 && !wasm_pop_expect(v, in2)) || !wasm_pop_expect(v, in1) || !wasm_push_val(v, out))
        return false;
    wasm_emit_word(&v->out, op);
    return true;
}

// Loads 0x28..0x35 and stores 0x36..0x3E: value type and access size.
static void memory_sig(uint8_t op, uint8_t *type, uint32_t *log2_size) {
    static const uint8_t types[] = {I32, I64, F32, F64, I32, I32, I32, I32, I64, I64, I64, I64,
                                    I64, I64, I32, I64, F32, F64, I32, I32, I64, I64, I64};
    static const uint8_t sizes[] = {2, 3, 2, 3, 0, 0, 1, 1, 0, 0, 1, 1,
                                    2, 2, 2, 3, 2, 3, 0, 1, 0, 1, 2};
    *type = types[op - 0x28];
    *log2_size = sizes[op - 0x28];
}

static bool need_memory(struct vstate *v) {
    return v->m->memory_count > 0 || wasm_reader_invalid(&v->rd, "unknown memory 0");
}

static bool validate_memory_access(struct vstate *v, uint8_t op) {
    uint32_t align, offset;
    uint8_t type;
    uint32_t log2_size;
    if (!wasm_read_u32(&v->rd, &align) || !wasm_read_u32(&v->rd, &offset) || !need_memory(v))
        return false;
    memory_sig(op, &type, &log2_size);
    if (align > log2_size)
        return wasm_reader_invalid(&v->rd, "alignment must not be larger than natural");
    bool ok = op <= 0x35 ? wasm_pop_expect(v, I32) && wasm_push_val(v, type)
                         : wasm_pop_expect(v, type) && wasm_pop_expect(v, I32);
    wasm_emit_word(&v->out, op);
    wasm_emit_word(&v->out, offset);
    return ok;
}

static bool read_zero_byte(struct vstate *v) {
    uint8_t zero;
    if (!wasm_read_byte(&v->rd, &zero))
        return false;
    return zero == 0 || wasm_reader_fail(&v->rd, "zero byte expected");
}

static bool validate_call(struct vstate *v, uint8_t op) {
    uint32_t index, table = 0;
    if (!wasm_read_u32(&v->rd, &index))
        return false;
    const struct wasm_functype *t;
    if (op == 0x10) {
        if (index >= v->m->func_count)
            return wasm_reader_invalid(&v->rd, "unknown function");
        t = &v->m->types[v->m->func_types[index]];
    } else {
        if (!wasm_read_u32(&v->rd, &table))
            return false;
        if (table >= v->m->table_count)
            return wasm_reader_invalid(&v->rd, "unknown table");
        if (v->m->tables[table].elem_type != WASM_FUNCREF)
            return wasm_reader_invalid(&v->rd, "type mismatch");
        if (index >= v->m->type_count)
            return wasm_reader_invalid(&v->rd, "unknown type");
        t = &v->m->types[index];
        if (!wasm_pop_expect(v, I32))
            return false;
    }
    if (!wasm_pop_vals(v, t->types, t->param_count) ||
        !wasm_push_vals(v, t->types + t->param_count, t->result_count))
        return false;
    wasm_emit_fuel_point(&v->out, op, FUEL_FROM_SEGMENT, 0);
    wasm_emit_word(&v->out, index);
    if (op == 0x11)
        wasm_emit_word(&v->out, table);
    wasm_emit_segment(&v->out, 0);
    return true;
}

static bool validate_select(struct vstate *v, uint8_t op) {
    uint8_t t1, t2, want = WASM_UNKNOWN;
    if (op == 0x1C) {
        uint32_t count;
        if (!wasm_read_u32(&v->rd, &count))
            return false;
        if (count != 1)
            return wasm_reader_invalid(&v->rd, "invalid result arity");
        if (!wasm_read_valtype(&v->rd, &want))
            return false;
    }
    if (!wasm_pop_expect(v, I32) || !wasm_pop_val(v, &t1) || !wasm_pop_val(v, &t2))
        return false;
    if (op == 0x1C) {
        if ((t1 != want && t1 != WASM_UNKNOWN) || (t2 != want && t2 != WASM_UNKNOWN))
            return wasm_reader_invalid(&v->rd, "type mismatch");
    } else {
        if (!wasm_is_num_type(t1) || !wasm_is_num_type(t2))
            return wasm_reader_invalid(&v->rd, "type mismatch");
        if (t1 != t2 && t1 != WASM_UNKNOWN && t2 != WASM_UNKNOWN)
            return wasm_reader_invalid(&v->rd, "type mismatch");
        want = t1 == WASM_UNKNOWN ? t2 : t1;
    }
    wasm_emit_word(&v->out, 0x1B);
    return wasm_push_val(v, want);
}

static bool validate_variable(struct vstate *v, uint8_t op) {
    uint32_t index;
    uint8_t type;
    if (!wasm_read_u32(&v->rd, &index))
        return false;
    wasm_emit_word(&v->out, op);
    wasm_emit_word(&v->out, index);
    if (op <= 0x22) {
        if (!wasm_local_type(v, index, &type))
            return false;
        if (op == 0x20)
            return wasm_push_val(v, type);
        return wasm_pop_expect(v, type) && (op == 0x21 || wasm_push_val(v, type));
    }
    if (index >= v->m->global_count)
        return wasm_reader_invalid(&v->rd, "unknown global");
    const struct wasm_global_def *g = &v->m->globals[index];
    if (op == 0x23)
        return wasm_push_val(v, g->type);
    if (!g->mutable_)
        return wasm_reader_invalid(&v->rd, "global is immutable");
    return wasm_pop_expect(v, g->type);
}

static bool validate_table_access(struct vstate *v, uint8_t op) {
    uint32_t table;
    if (!wasm_read_u32(&v->rd, &table))
        return false;
    if (table >= v->m->table_count)
        return wasm_reader_invalid(&v->rd, "unknown table");
    uint8_t type = v->m->tables[table].elem_type;
    wasm_emit_word(&v->out, op);
    wasm_emit_word(&v->out, table);
    if (op == 0x25)
        return wasm_pop_expect(v, I32) && wasm_push_val(v, type);
    return wasm_pop_expect(v, type) && wasm_pop_expect(v, I32);
}

static bool validate_ref(struct vstate *v, uint8_t op) {
    uint8_t type;
    uint32_t index;
    switch (op) {
    case 0xD0:
        if (!wasm_read_reftype(&v->rd, &type))
            return false;
        wasm_emit_word(&v->out, op);
        return wasm_push_val(v, type);
    case 0xD1:
        if (!wasm_pop_val(v, &type))
            return false;
        if (type != WASM_UNKNOWN && wasm_is_num_type(type))
            return wasm_reader_invalid(&v->rd, "type mismatch");
        wasm_emit_word(&v->out, op);
        return wasm_push_val(v, I32);
    }
    if (!wasm_read_u32(&v->rd, &index))
        return false;
    if (index >= v->m->func_count)
        return wasm_reader_invalid(&v->rd, "unknown function");
    if (!(v->m->declared_funcs[index / 8] & (1u << (index % 8))))
        return wasm_reader_invalid(&v->rd, "undeclared function reference");
    wasm_emit_word(&v->out, op);
    wasm_emit_word(&v->out, index);
    return wasm_push_val(v, WASM_FUNCREF);
}

static bool validate_const(struct vstate *v, uint8_t op) {
    int32_t i32;
    int64_t i64;
    uint64_t bits;
    wasm_emit_word(&v->out, op);
    switch (op) {
    case 0x41:
        if (!wasm_read_s32(&v->rd, &i32))
            return false;
        wasm_emit_word(&v->out, (uint32_t) i32);
        return wasm_push_val(v, I32);
    case 0x42:
        if (!wasm_read_s64(&v->rd, &i64))
            return false;
        wasm_emit_u64(&v->out, (uint64_t) i64);
        return wasm_push_val(v, I64);
    case 0x43:
        if (!wasm_read_fixed(&v->rd, 4, &bits))
            return false;
        wasm_emit_word(&v->out, (uint32_t) bits);
        return wasm_push_val(v, F32);
    }
    if (!wasm_read_fixed(&v->rd, 8, &bits))
        return false;
    wasm_emit_u64(&v->out, bits);
    return wasm_push_val(v, F64);
}

bool wasm_validate_plain_op(struct vstate *v, uint8_t op) {
    uint8_t in1, in2, out, type;
    // The most frequent groups first: variables, memory, constants.
    if (op >= 0x20 && op <= 0x24)
        return validate_variable(v, op);
    if (op >= 0x28 && op <= 0x3E)
        return validate_memory_access(v, op);
    if (op >= 0x41 && op <= 0x44)
        return validate_const(v, op);
    if (op >= 0x45 && op <= 0xC4 && numeric_sig(op, &in1, &in2, &out))
        return validate_numeric(v, op, in1, in2, out);
    switch (op) {
    case 0x10: case 0x11: return validate_call(v, op);
    case 0x1A:
        wasm_emit_word(&v->out, op);
        return wasm_pop_val(v, &type);
    case 0x1B: case 0x1C: return validate_select(v, op);
    case 0x25: case 0x26: return validate_table_access(v, op);
    case 0x3F: case 0x40:
        if (!read_zero_byte(v) || !need_memory(v))
            return false;
        wasm_emit_word(&v->out, op);
        return (op == 0x3F || wasm_pop_expect(v, I32)) && wasm_push_val(v, I32);
    case 0xD0: case 0xD1: case 0xD2: return validate_ref(v, op);
    }
    v->rd.pos--;
    return wasm_reader_fail(&v->rd, "illegal opcode");
}
