// The binary format of expressions alone, without typing: opcodes, their
// immediates, block nesting and `else` placement. The spec decodes a whole
// module before it validates anything, so a module that is both malformed
// and invalid is malformed; the validator, which decodes and validates in
// one pass, leaves that decision to this scanner (see wasm_scan_bodies).
#include "decode.h"
#include <string.h>

// The open blocks: one bit per level, set while it is an `if` before its
// `else`. The first 256 levels live inline; deeper nesting allocates.
struct scan {
    struct reader *rd;
    const struct wasm_allocator *alloc;
    uint64_t inline_bits[4];
    uint64_t *bits;
    uint32_t words;             // capacity of bits, in 64-bit words
    uint32_t depth;             // open levels, the expression's own included
};

static bool grow_levels(struct scan *s) {
    uint32_t words = s->words * 2;
    uint64_t *bigger = s->alloc->alloc(s->alloc->ctx, (size_t) words * sizeof *bigger);
    if (!bigger)
        return wasm_reader_nomem(s->rd);
    memcpy(bigger, s->bits, (size_t) s->words * sizeof *bigger);
    if (s->bits != s->inline_bits)
        s->alloc->free(s->alloc->ctx, s->bits, (size_t) s->words * sizeof *s->bits);
    s->bits = bigger;
    s->words = words;
    return true;
}

static bool push_level(struct scan *s, bool is_if) {
    if (s->depth == s->words * 64 && !grow_levels(s))
        return false;
    uint64_t bit = (uint64_t) 1 << (s->depth % 64), *word = &s->bits[s->depth / 64];
    *word = is_if ? *word | bit : *word & ~bit;
    s->depth++;
    return true;
}

// The top level is an `if` awaiting its `else`; clears that state.
static bool take_else(struct scan *s) {
    uint64_t bit = (uint64_t) 1 << ((s->depth - 1) % 64), *word = &s->bits[(s->depth - 1) / 64];
    if (!(*word & bit))
        return wasm_reader_fail(s->rd, "else without matching if");
    *word &= ~bit;
    return true;
}

static bool skip_u32s(struct reader *rd, unsigned count) {
    uint32_t ignored;
    for (unsigned i = 0; i < count; i++)
        if (!wasm_read_u32(rd, &ignored))
            return false;
    return true;
}

static bool zero_bytes(struct reader *rd, unsigned count) {
    for (unsigned i = 0; i < count; i++) {
        uint8_t byte;
        if (!wasm_read_byte(rd, &byte))
            return false;
        if (byte != 0)
            return wasm_reader_fail(rd, "zero byte expected");
    }
    return true;
}

// A block type: 0x40, a value type, or a type index (a non-negative s33).
static bool skip_blocktype(struct reader *rd) {
    static const uint8_t singles[] = {WASM_VOID, WASM_I32, WASM_I64, WASM_F32, WASM_F64,
                                      WASM_FUNCREF, WASM_EXTERNREF};
    if (rd->pos < rd->end && memchr(singles, *rd->pos, sizeof singles))
        return rd->pos++, true;
    int64_t index;
    if (!wasm_read_s33(rd, &index))
        return false;
    return index >= 0 || wasm_reader_fail(rd, "malformed block type");
}

static bool skip_vector(struct reader *rd, bool valtypes) {
    uint32_t count;
    uint8_t type;
    if (!wasm_read_u32(rd, &count))
        return false;
    for (uint32_t i = 0; i < count; i++)
        if (valtypes ? !wasm_read_valtype(rd, &type) : !skip_u32s(rd, 1))
            return false;
    return true;
}

// The immediates of the 0xFC instructions.
static bool skip_fc(struct reader *rd) {
    uint32_t sub;
    if (!wasm_read_u32(rd, &sub))
        return false;
    if (sub > 17)
        return wasm_reader_fail(rd, "illegal opcode");
    switch (sub) {
    case 8: return skip_u32s(rd, 1) && zero_bytes(rd, 1);
    case 10: return zero_bytes(rd, 2);
    case 11: return zero_bytes(rd, 1);
    case 12: case 14: return skip_u32s(rd, 2);
    }
    return skip_u32s(rd, sub >= 9);
}

// The immediates of a non-block instruction `op`; false if op is none.
static bool skip_plain(struct reader *rd, uint8_t op) {
    uint64_t bits;
    int64_t i64;
    int32_t i32;
    uint8_t type;
    if ((op >= 0x45 && op <= 0xC4) || op == 0x00 || op == 0x01 || op == 0x0F || op == 0x1A ||
        op == 0x1B || op == 0xD1)
        return true;
    if ((op >= 0x20 && op <= 0x26) || op == 0x0C || op == 0x0D || op == 0x10 || op == 0xD2)
        return skip_u32s(rd, 1);
    if ((op >= 0x28 && op <= 0x3E) || op == 0x11)
        return skip_u32s(rd, 2);
    switch (op) {
    case 0x0E: return skip_vector(rd, false) && skip_u32s(rd, 1);
    case 0x1C: return skip_vector(rd, true);
    case 0x3F: case 0x40: return zero_bytes(rd, 1);
    case 0x41: return wasm_read_s32(rd, &i32);
    case 0x42: return wasm_read_s64(rd, &i64);
    case 0x43: return wasm_read_fixed(rd, 4, &bits);
    case 0x44: return wasm_read_fixed(rd, 8, &bits);
    case 0xD0: return wasm_read_reftype(rd, &type);
    case 0xFC: return skip_fc(rd);
    }
    rd->pos--;
    return wasm_reader_fail(rd, "illegal opcode");
}

static bool is_constant_op(uint8_t op) {
    return (op >= 0x41 && op <= 0x44) || op == 0x23 || op == 0xD0 || op == 0xD2;
}

static bool scan_instr(struct scan *s, uint8_t op, struct expr_shape *shape) {
    if (s->depth == 1 && op != 0x0B) {
        shape->count++;
        shape->constant = shape->constant && is_constant_op(op);
    }
    switch (op) {
    case 0x02: case 0x03: case 0x04:
        return skip_blocktype(s->rd) && push_level(s, op == 0x04);
    case 0x05:
        return take_else(s);
    case 0x0B:
        s->depth--;
        return true;
    }
    return skip_plain(s->rd, op);
}

bool wasm_scan_expr(struct reader *rd, const struct wasm_allocator *alloc, struct expr_shape *shape) {
    struct scan s = {.rd = rd, .alloc = alloc, .words = 4};
    s.bits = s.inline_bits;
    *shape = (struct expr_shape){0, true};
    bool ok = push_level(&s, false);
    while (ok && s.depth > 0) {
        uint8_t op;
        ok = wasm_read_byte(rd, &op) && scan_instr(&s, op, shape);
    }
    if (s.bits != s.inline_bits)
        alloc->free(alloc->ctx, s.bits, (size_t) s.words * sizeof *s.bits);
    return ok;
}

int wasm_scan_bodies(const struct wasm_module *m, const uint8_t *base, struct wasm_error *err) {
    uint32_t count = m->codes ? m->func_count - m->func_import_count : 0;
    for (uint32_t i = 0; i < count; i++) {
        const struct wasm_code *code = &m->codes[i];
        struct reader rd = {code->body, code->body_end, base, err, WASM_OK};
        struct expr_shape shape;
        if (!wasm_scan_expr(&rd, &m->arena.alloc, &shape))
            return rd.status;
        if (rd.pos != rd.end)
            return wasm_reader_fail(&rd, "section size mismatch"), rd.status;
    }
    return WASM_OK;
}
