// The bulk memory, table and reference instructions. All bounds checks
// happen before any write, as the spec requires (no partial effects).
#include "compile.h"
#include "exec.h"
#include <string.h>

static bool in_bounds(uint64_t start, uint64_t len, uint64_t size) {
    return start + len <= size;
}

int wasm_memory_init(struct wasm_instance *inst, uint32_t data, uint32_t dst, uint32_t src,
                uint32_t len) {
    const struct wasm_data *d = &inst->module->datas[data];
    uint32_t data_len = inst->data_dropped[data] ? 0 : d->len;
    struct wasm_memory *mem = inst->memory;
    if (!in_bounds(src, len, data_len) || !in_bounds(dst, len, mem->size))
        return WASM_TRAP_MEMORY_OOB;
    if (len)
        memcpy(mem->data + dst, d->bytes + src, len);
    return WASM_OK;
}

int wasm_table_init(struct wasm_instance *inst, uint32_t table, uint32_t elem, uint32_t dst,
               uint32_t src, uint32_t len) {
    const struct wasm_elem *e = &inst->module->elems[elem];
    uint32_t elem_len = inst->elem_dropped[elem] ? 0 : e->count;
    struct wasm_table *t = inst->tables[table];
    if (!in_bounds(src, len, elem_len) || !in_bounds(dst, len, t->limits.min))
        return WASM_TRAP_TABLE_OOB;
    for (uint32_t i = 0; i < len; i++)
        t->elems[dst + i] = wasm_const_expr_eval(inst, &e->items[src + i]);
    return WASM_OK;
}

static int memory_op(struct wasm_instance *inst, uint32_t sub, wasm_value *args) {
    struct wasm_memory *mem = inst->memory;
    uint32_t a = (uint32_t) args[0], b = (uint32_t) args[1], len = (uint32_t) args[2];
    if (sub == 10) { // memory.copy dst src len
        if (!in_bounds(a, len, mem->size) || !in_bounds(b, len, mem->size))
            return WASM_TRAP_MEMORY_OOB;
        if (len)
            memmove(mem->data + a, mem->data + b, len);
        return WASM_OK;
    }
    // memory.fill dst value len
    if (!in_bounds(a, len, mem->size))
        return WASM_TRAP_MEMORY_OOB;
    if (len)
        memset(mem->data + a, (int) (b & 0xFF), len);
    return WASM_OK;
}

static int table_copy(struct wasm_instance *inst, uint32_t dst_table, uint32_t src_table,
                      const wasm_value *args) {
    struct wasm_table *dst = inst->tables[dst_table], *src = inst->tables[src_table];
    uint32_t d = (uint32_t) args[0], s = (uint32_t) args[1], len = (uint32_t) args[2];
    if (!in_bounds(d, len, dst->limits.min) || !in_bounds(s, len, src->limits.min))
        return WASM_TRAP_TABLE_OOB;
    if (len)
        memmove(dst->elems + d, src->elems + s, (size_t) len * sizeof(wasm_value));
    return WASM_OK;
}

static int table_op(struct wasm_instance *inst, uint32_t op, uint32_t index, wasm_value **sp) {
    struct wasm_table *t = inst->tables[index];
    wasm_value *s = *sp;
    switch (op) {
    case 0x25: { // table.get
        uint32_t i = (uint32_t) s[-1];
        if (i >= t->limits.min)
            return WASM_TRAP_TABLE_OOB;
        s[-1] = t->elems[i];
        return WASM_OK;
    }
    case 0x26: { // table.set
        uint32_t i = (uint32_t) s[-2];
        if (i >= t->limits.min)
            return WASM_TRAP_TABLE_OOB;
        t->elems[i] = s[-1];
        *sp = s - 2;
        return WASM_OK;
    }
    case OP_PREFIX_FC + 15: // table.grow init delta
        s[-2] = (uint32_t) (int32_t) wasm_table_grow(t, (uint32_t) s[-1], s[-2]);
        *sp = s - 1;
        return WASM_OK;
    case OP_PREFIX_FC + 16:
        s[0] = t->limits.min;
        *sp = s + 1;
        return WASM_OK;
    }
    // table.fill i value len
    uint32_t i = (uint32_t) s[-3], len = (uint32_t) s[-1];
    *sp = s - 3;
    if (!in_bounds(i, len, t->limits.min))
        return WASM_TRAP_TABLE_OOB;
    for (uint32_t k = 0; k < len; k++)
        t->elems[i + k] = s[-2];
    return WASM_OK;
}

int wasm_interp_bulk(struct wasm_instance *inst, uint32_t op, const uint32_t **pc, wasm_value **sp) {
    const uint32_t *imm = *pc;
    wasm_value *s = *sp;
    switch (op) {
    case OP_PREFIX_FC + 8: // memory.init
        *pc = imm + 1, *sp = s - 3;
        return wasm_memory_init(inst, imm[0], (uint32_t) s[-3], (uint32_t) s[-2], (uint32_t) s[-1]);
    case OP_PREFIX_FC + 9:
        inst->data_dropped[imm[0]] = true;
        *pc = imm + 1;
        return WASM_OK;
    case OP_PREFIX_FC + 10: case OP_PREFIX_FC + 11:
        *sp = s - 3;
        return memory_op(inst, op - OP_PREFIX_FC, s - 3);
    case OP_PREFIX_FC + 12:
        *pc = imm + 2, *sp = s - 3;
        return wasm_table_init(inst, imm[1], imm[0], (uint32_t) s[-3], (uint32_t) s[-2],
                          (uint32_t) s[-1]);
    case OP_PREFIX_FC + 13:
        inst->elem_dropped[imm[0]] = true;
        *pc = imm + 1;
        return WASM_OK;
    case OP_PREFIX_FC + 14:
        *pc = imm + 2, *sp = s - 3;
        return table_copy(inst, imm[0], imm[1], s - 3);
    }
    *pc = imm + 1;
    return table_op(inst, op, imm[0], sp);
}
