// Function-body validation by the spec's algorithm (operand and control
// stacks), with control flow compiled on the way: structured blocks become
// jumps with precomputed targets, stack heights and arities (compile.h).
#include "validate.h"
#include <string.h>

static bool grow_array(struct vstate *v, void **array, uint32_t *capacity, size_t elem) {
    uint32_t next = *capacity ? *capacity * 2 : 64;
    void *bigger = v->alloc.alloc(v->alloc.ctx, (size_t) next * elem);
    if (!bigger)
        return wasm_reader_nomem(&v->rd);
    if (*array) {
        memcpy(bigger, *array, (size_t) *capacity * elem);
        v->alloc.free(v->alloc.ctx, *array, (size_t) *capacity * elem);
    }
    *array = bigger;
    *capacity = next;
    return true;
}

bool wasm_push_val(struct vstate *v, uint8_t type) {
    if (v->val_count == v->val_capacity &&
        !grow_array(v, (void **) &v->vals, &v->val_capacity, 1))
        return false;
    v->vals[v->val_count++] = type;
    if (v->val_count > v->max_vals)
        v->max_vals = v->val_count;
    return true;
}

bool wasm_pop_val(struct vstate *v, uint8_t *type) {
    struct ctrl *top = &v->ctrls[v->ctrl_count - 1];
    if (v->val_count == top->height) {
        *type = WASM_UNKNOWN;
        return top->unreachable || wasm_reader_invalid(&v->rd, "type mismatch");
    }
    *type = v->vals[--v->val_count];
    return true;
}

bool wasm_pop_expect(struct vstate *v, uint8_t want) {
    uint8_t got;
    if (!wasm_pop_val(v, &got))
        return false;
    return got == want || got == WASM_UNKNOWN || want == WASM_UNKNOWN ||
           wasm_reader_invalid(&v->rd, "type mismatch");
}

bool wasm_pop_vals(struct vstate *v, const uint8_t *types, uint32_t count) {
    for (uint32_t i = count; i > 0; i--)
        if (!wasm_pop_expect(v, types[i - 1]))
            return false;
    return true;
}

bool wasm_push_vals(struct vstate *v, const uint8_t *types, uint32_t count) {
    for (uint32_t i = 0; i < count; i++)
        if (!wasm_push_val(v, types[i]))
            return false;
    return true;
}

void wasm_set_unreachable(struct vstate *v) {
    struct ctrl *top = &v->ctrls[v->ctrl_count - 1];
    v->val_count = top->height;
    top->unreachable = true;
}

bool wasm_is_num_type(uint8_t type) {
    return type == WASM_I32 || type == WASM_I64 || type == WASM_F32 || type == WASM_F64 ||
           type == WASM_UNKNOWN;
}

bool wasm_local_type(struct vstate *v, uint32_t index, uint8_t *type) {
    if (index >= v->local_total)
        return wasm_reader_invalid(&v->rd, "unknown local");
    uint32_t params = v->type->param_count;
    *type = index < params ? v->type->types[index] : v->code->local_types[index - params];
    return true;
}

static bool push_ctrl(struct vstate *v, uint8_t opcode, const struct wasm_functype *bt) {
    if (v->ctrl_count == v->ctrl_capacity &&
        !grow_array(v, (void **) &v->ctrls, &v->ctrl_capacity, sizeof(struct ctrl)))
        return false;
    v->ctrls[v->ctrl_count++] = (struct ctrl){
        opcode, bt->types, bt->types + bt->param_count, bt->param_count, bt->result_count,
        v->val_count, false, v->out.count, FIXUP_NONE, FIXUP_NONE};
    return wasm_push_vals(v, bt->types, bt->param_count);
}

static bool pop_ctrl(struct vstate *v, struct ctrl *out) {
    struct ctrl *top = &v->ctrls[v->ctrl_count - 1];
    if (!wasm_pop_vals(v, top->results, top->result_count))
        return false;
    if (v->val_count != top->height)
        return wasm_reader_invalid(&v->rd, "type mismatch");
    *out = *top;
    v->ctrl_count--;
    return true;
}

// A block type: empty, one value type, or a type index (s33).
static bool read_blocktype(struct vstate *v, struct wasm_functype *out) {
    static const uint8_t singles[] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64,
                                      WASM_FUNCREF, WASM_EXTERNREF};
    if (v->rd.pos < v->rd.end && *v->rd.pos == WASM_VOID) {
        v->rd.pos++;
        *out = (struct wasm_functype){0, 0, singles};
        return true;
    }
    for (unsigned i = 0; i < sizeof singles; i++)
        if (v->rd.pos < v->rd.end && *v->rd.pos == singles[i]) {
            v->rd.pos++;
            *out = (struct wasm_functype){0, 1, &singles[i]};
            return true;
        }
    int64_t index;
    if (!wasm_read_s33(&v->rd, &index))
        return false;
    if (index < 0)
        return wasm_reader_fail(&v->rd, "malformed block type");
    if ((uint64_t) index >= v->m->type_count)
        return wasm_reader_invalid(&v->rd, "unknown type");
    *out = v->m->types[index];
    return true;
}

static struct ctrl *label(struct vstate *v, uint32_t depth) {
    if (depth >= v->ctrl_count)
        return wasm_reader_invalid(&v->rd, "unknown label"), NULL;
    return &v->ctrls[v->ctrl_count - 1 - depth];
}

static uint32_t label_arity(const struct ctrl *c) {
    return c->opcode == 0x03 ? c->param_count : c->result_count;
}

static const uint8_t *label_types(const struct ctrl *c) {
    return c->opcode == 0x03 ? c->params : c->results;
}

// Emits target, height and arity for a branch to c (a function-level
// label is a return: OP_BR/OP_BR_IF handle it by a target of FIXUP_NONE).
static void emit_target(struct vstate *v, struct ctrl *c) {
    if (c->opcode == 0x03)
        wasm_emit_word(&v->out, c->start_pc);
    else
        wasm_emit_fixup(&v->out, &c->end_fixups);
    wasm_emit_word(&v->out, v->local_total + c->height);
    wasm_emit_word(&v->out, label_arity(c));
}

static bool validate_br(struct vstate *v, uint8_t opcode) {
    uint32_t depth;
    if (!wasm_read_u32(&v->rd, &depth))
        return false;
    if (opcode == 0x0D && !wasm_pop_expect(v, WASM_I32))
        return false;
    struct ctrl *c = label(v, depth);
    if (!c || !wasm_pop_vals(v, label_types(c), label_arity(c)))
        return false;
    // A loop's back branch pays from the loop's start (compile.h).
    bool back = c->opcode == 0x03;
    uint32_t from = back ? c->start_pc : FUEL_FROM_SEGMENT;
    wasm_emit_fuel_point(&v->out, opcode == 0x0C ? OP_BR : OP_BR_IF, from, label_arity(c));
    emit_target(v, c);
    if (opcode == 0x0D)
        return wasm_push_vals(v, label_types(c), label_arity(c));
    if (!back)
        wasm_emit_segment(&v->out, 0);
    wasm_set_unreachable(v);
    return true;
}

static bool validate_br_table(struct vstate *v) {
    uint32_t count, depth;
    if (!wasm_read_u32(&v->rd, &count))
        return false;
    if ((size_t) (v->rd.end - v->rd.pos) < count)
        return wasm_reader_fail(&v->rd, "unexpected end");
    const uint8_t *labels = v->rd.pos;
    for (uint32_t i = 0; i <= count; i++)
        if (!wasm_read_u32(&v->rd, &depth))
            return false;
    if (!wasm_pop_expect(v, WASM_I32))
        return false;
    const uint8_t *after = v->rd.pos;
    struct ctrl *dflt = label(v, depth);
    if (!dflt)
        return false;
    wasm_emit_fuel_point(&v->out, OP_BR_TABLE, FUEL_FROM_SEGMENT, label_arity(dflt));
    wasm_emit_word(&v->out, count);
    v->rd.pos = labels;
    for (uint32_t i = 0; i <= count; i++) {
        wasm_read_u32(&v->rd, &depth);
        struct ctrl *c = label(v, depth);
        if (!c)
            return false;
        if (label_arity(c) != label_arity(dflt))
            return wasm_reader_invalid(&v->rd, "type mismatch");
        uint32_t saved = v->val_count;
        if (!wasm_pop_vals(v, label_types(c), label_arity(c)))
            return false;
        v->val_count = saved;
        emit_target(v, c);
    }
    v->rd.pos = after;
    wasm_emit_segment(&v->out, 0); // (the table's words are not run)
    wasm_set_unreachable(v);
    return true;
}

static bool validate_block(struct vstate *v, uint8_t opcode) {
    struct wasm_functype bt;
    if (!read_blocktype(v, &bt))
        return false;
    if (opcode == 0x04 && !wasm_pop_expect(v, WASM_I32))
        return false;
    if (opcode == 0x03 && wasm_emit_segment_words(&v->out) >= FUEL_LOOP_WORDS) {
        wasm_emit_fuel_point(&v->out, OP_FUEL, FUEL_FROM_SEGMENT, 0);
        wasm_emit_segment(&v->out, 0);
    }
    if (!wasm_pop_vals(v, bt.types, bt.param_count) || !push_ctrl(v, opcode, &bt))
        return false;
    if (opcode == 0x04) {
        wasm_emit_fuel_point(&v->out, OP_IF, FUEL_FROM_SEGMENT, 0);
        wasm_emit_fixup(&v->out, &v->ctrls[v->ctrl_count - 1].else_fixup);
    }
    return true;
}

static bool validate_else(struct vstate *v) {
    struct ctrl c;
    if (v->ctrls[v->ctrl_count - 1].opcode != 0x04)
        return wasm_reader_fail(&v->rd, "else without matching if");
    if (!pop_ctrl(v, &c))
        return false;
    struct wasm_functype bt = {c.param_count, c.result_count, c.params};
    if (!push_ctrl(v, 0x05, &bt))
        return false;
    struct ctrl *top = &v->ctrls[v->ctrl_count - 1];
    top->end_fixups = c.end_fixups;
    wasm_emit_fuel_point(&v->out, OP_JUMP, FUEL_FROM_SEGMENT, 0);
    wasm_emit_fixup(&v->out, &top->end_fixups);
    wasm_emit_segment(&v->out, 0);
    wasm_emit_patch(&v->out, &c.else_fixup, v->out.count);
    return true;
}

// Returns false on error; sets *done when the function's own end is reached.
static bool validate_end(struct vstate *v, bool *done) {
    struct ctrl c;
    if (!pop_ctrl(v, &c))
        return false;
    if (c.opcode == 0x04 && (c.param_count != c.result_count ||
                             memcmp(c.params, c.results, c.param_count) != 0))
        return wasm_reader_invalid(&v->rd, "type mismatch");
    if (c.opcode == 0) {
        wasm_emit_patch(&v->out, &c.end_fixups, v->out.count);
        wasm_emit_fuel_point(&v->out, OP_RETURN, FUEL_FROM_SEGMENT, v->type->result_count);
        *done = true;
        return true;
    }
    wasm_emit_patch(&v->out, &c.else_fixup, v->out.count);
    wasm_emit_patch(&v->out, &c.end_fixups, v->out.count);
    return wasm_push_vals(v, c.results, c.result_count);
}

static bool validate_op(struct vstate *v, uint8_t opcode, bool *done) {
    switch (opcode) {
    case 0x00:
        wasm_emit_word(&v->out, opcode);
        wasm_set_unreachable(v);
        return true;
    case 0x01: return true;
    case 0x02: case 0x03: case 0x04: return validate_block(v, opcode);
    case 0x05: return validate_else(v);
    case 0x0B: return validate_end(v, done);
    case 0x0C: case 0x0D: return validate_br(v, opcode);
    case 0x0E: return validate_br_table(v);
    case 0x0F:
        if (!wasm_pop_vals(v, v->type->types + v->type->param_count, v->type->result_count))
            return false;
        wasm_emit_fuel_point(&v->out, OP_RETURN, FUEL_FROM_SEGMENT, v->type->result_count);
        wasm_emit_segment(&v->out, 0);
        wasm_set_unreachable(v);
        return true;
    case 0xFC: return wasm_validate_fc_op(v);
    }
    return wasm_validate_plain_op(v, opcode);
}

static bool validate_body(struct vstate *v) {
    struct wasm_functype whole = {0, v->type->result_count,
                                  v->type->types + v->type->param_count};
    if (!push_ctrl(v, 0, &whole))
        return false;
    bool done = false;
    while (!done) {
        uint8_t opcode;
        if (v->rd.pos >= v->rd.end)
            return wasm_reader_fail(&v->rd, "unexpected end of section or function");
        wasm_read_byte(&v->rd, &opcode);
        uint32_t start = v->out.count;
        if (!validate_op(v, opcode, &done))
            return false;
        if (opcode == 0x0D && v->out.count > start)
            wasm_fuse_br_if(v, start);
        if (opcode <= 0x11) // control: a branch target may follow
            v->recent_count = 0;
        else if (v->out.count > start)
            wasm_fuse(v, start);
        if (wasm_emit_segment_words(&v->out) >= FUEL_SEGMENT_WORDS) {
            wasm_emit_fuel_point(&v->out, OP_FUEL, FUEL_FROM_SEGMENT, 0);
            wasm_emit_segment(&v->out, 0);
            v->recent_count = 0; // nothing fuses across it
        }
        if (v->out.failed)
            return wasm_reader_nomem(&v->rd);
    }
    if (v->rd.pos != v->rd.end)
        return wasm_reader_fail(&v->rd, "section size mismatch");
    return true;
}

static int validate_function(struct wasm_module *m, uint32_t index, const uint8_t *base,
                             struct wasm_error *err) {
    struct wasm_code *code = &m->codes[index - m->func_import_count];
    struct vstate v = {.m = m, .code = code, .alloc = m->arena.alloc};
    v.rd = (struct reader){code->body, code->body_end, base, err, WASM_OK};
    v.type = &m->types[m->func_types[index]];
    v.local_total = v.type->param_count + code->local_count;
    wasm_emit_init(&v.out, &v.alloc);
    wasm_emit_segment(&v.out, code->local_count / FUEL_LOCALS_PER_WORD);
    if (validate_body(&v)) {
        code->max_height = v.local_total + v.max_vals;
        if (!wasm_emit_finish(&v.out, &m->arena, &code->words, &code->word_count))
            wasm_reader_nomem(&v.rd);
    }
    wasm_emit_discard(&v.out);
    if (v.vals)
        v.alloc.free(v.alloc.ctx, v.vals, v.val_capacity);
    if (v.ctrls)
        v.alloc.free(v.alloc.ctx, v.ctrls, (size_t) v.ctrl_capacity * sizeof(struct ctrl));
    return v.rd.status;
}

int wasm_module_validate_code(struct wasm_module *m, const uint8_t *base, struct wasm_error *err) {
    for (uint32_t i = m->func_import_count; i < m->func_count; i++) {
        int status = validate_function(m, i, base, err);
        if (status != WASM_OK)
            return status;
    }
    return WASM_OK;
}
