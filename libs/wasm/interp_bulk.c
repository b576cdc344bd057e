// The bulk memory, table and reference instructions. All bounds checks
// happen before any write, as the spec requires (no partial effects).
// Fuel: each pays by its length (compile.h: FUEL_UNIT_BYTES, _ELEMS);
// fills and copies run in chunks with a fuel point before each, and stop
// between chunks (WASM_OUT_OF_FUEL) with their operands updated to the rest.
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

// A fuel point costing `cost` (saturating); false with no fuel left.
static bool charge(uint64_t *fuel, uint64_t cost) {
    if (*fuel == 0)
        return false;
    *fuel = *fuel > cost ? *fuel - cost : 0;
    return true;
}

// A fill or copy in progress: its operands (dst, src or value, len) on the
// value stack, updated as each chunk is done, so that a stop between
// chunks leaves exactly the rest of the work for the resumed instruction.
struct chunked {
    wasm_value *args;
    uint8_t *dst_base;         // memory data or table elements
    const uint8_t *src_base;   // copies
    size_t unit;               // bytes per unit (1, or a table element)
    uint32_t chunk;            // units per chunk
    uint32_t per_fuel;         // units one fuel pays for
};

// Fills n units at dst (a byte, or a table element).
static void fill_step(struct chunked *c, uint32_t n) {
    uint32_t dst = (uint32_t) c->args[0];
    if (c->unit == 1) {
        memset(c->dst_base + dst, (int) (c->args[1] & 0xFF), n);
    } else {
        wasm_value *elems = (wasm_value *) (void *) c->dst_base;
        for (uint32_t i = 0; i < n; i++)
            elems[dst + i] = c->args[1];
    }
    c->args[0] = dst + n;
    c->args[2] -= n;
}

// Copies n units: from the front when dst <= src, else from the end, so
// that overlapping ranges copy as one memmove would.
static void copy_step(struct chunked *c, uint32_t n) {
    uint32_t dst = (uint32_t) c->args[0], src = (uint32_t) c->args[1], len = (uint32_t) c->args[2];
    bool backward = c->dst_base == c->src_base && dst > src;
    uint32_t at = backward ? len - n : 0;
    memmove(c->dst_base + (size_t) (dst + at) * c->unit, c->src_base + (size_t) (src + at) * c->unit,
            (size_t) n * c->unit);
    if (!backward)
        c->args[0] = dst + n, c->args[1] = src + n;
    c->args[2] = len - n;
}

// Runs chunks with a fuel point before each until len is 0 (WASM_OK) or
// fuel runs out between chunks (WASM_OUT_OF_FUEL, operands updated).
static int run_chunks(struct chunked *c, void (*step)(struct chunked *, uint32_t), uint64_t *fuel) {
    do {
        uint32_t len = (uint32_t) c->args[2], n = len < c->chunk ? len : c->chunk;
        if (!charge(fuel, 1 + n / c->per_fuel))
            return WASM_OUT_OF_FUEL;
        if (n)
            step(c, n);
    } while ((uint32_t) c->args[2] != 0);
    return WASM_OK;
}

// memory.fill (sub 11: dst value len) and memory.copy (sub 10: dst src len).
static int memory_op(struct wasm_instance *inst, uint32_t sub, wasm_value *args, uint64_t *fuel) {
    struct wasm_memory *mem = inst->memory;
    uint32_t a = (uint32_t) args[0], b = (uint32_t) args[1], len = (uint32_t) args[2];
    if (!in_bounds(a, len, mem->size) || (sub == 10 && !in_bounds(b, len, mem->size)))
        return WASM_TRAP_MEMORY_OOB;
    struct chunked c = {args, mem->data, mem->data, 1, FUEL_CHUNK_BYTES, FUEL_UNIT_BYTES};
    return run_chunks(&c, sub == 10 ? copy_step : fill_step, fuel);
}

static int table_copy(struct wasm_instance *inst, uint32_t dst_table, uint32_t src_table,
                      wasm_value *args, uint64_t *fuel) {
    struct wasm_table *dst = inst->tables[dst_table], *src = inst->tables[src_table];
    uint32_t d = (uint32_t) args[0], s = (uint32_t) args[1], len = (uint32_t) args[2];
    if (!in_bounds(d, len, dst->limits.min) || !in_bounds(s, len, src->limits.min))
        return WASM_TRAP_TABLE_OOB;
    struct chunked c = {args, (uint8_t *) dst->elems, (const uint8_t *) src->elems,
                        sizeof(wasm_value), FUEL_CHUNK_BYTES / sizeof(wasm_value), FUEL_UNIT_ELEMS};
    return run_chunks(&c, copy_step, fuel);
}

static int table_fill(struct wasm_table *t, wasm_value *args, uint64_t *fuel) {
    if (!in_bounds((uint32_t) args[0], (uint32_t) args[2], t->limits.min))
        return WASM_TRAP_TABLE_OOB;
    struct chunked c = {args, (uint8_t *) t->elems, NULL, sizeof(wasm_value),
                        FUEL_CHUNK_BYTES / sizeof(wasm_value), FUEL_UNIT_ELEMS};
    return run_chunks(&c, fill_step, fuel);
}

static int table_op(struct wasm_instance *inst, uint32_t op, uint32_t index, wasm_value **sp,
                    uint64_t *fuel) {
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
    case OP_PREFIX_FC + 15: { // table.grow init delta: pays for the new table
        if (*fuel == 0)
            return WASM_OUT_OF_FUEL;
        int64_t old = wasm_table_grow(t, (uint32_t) s[-1], s[-2]);
        charge(fuel, 1 + (old < 0 ? 0 : t->limits.min / FUEL_UNIT_ELEMS));
        s[-2] = (uint32_t) (int32_t) old;
        *sp = s - 1;
        return WASM_OK;
    }
    case OP_PREFIX_FC + 16:
        s[0] = t->limits.min;
        *sp = s + 1;
        return WASM_OK;
    }
    int status = table_fill(t, s - 3, fuel); // table.fill i value len
    if (status != WASM_OUT_OF_FUEL)
        *sp = s - 3;
    return status;
}

// memory.init and table.init: bounded by the module's size, done in one
// piece and paid for by length.
static int init_op(struct wasm_instance *inst, uint32_t op, const uint32_t *imm, wasm_value *args,
                   uint64_t *fuel) {
    uint32_t dst = (uint32_t) args[0], src = (uint32_t) args[1], len = (uint32_t) args[2];
    if (op == OP_PREFIX_FC + 8)
        return charge(fuel, 1 + len / FUEL_UNIT_BYTES)
                   ? wasm_memory_init(inst, imm[0], dst, src, len) : WASM_OUT_OF_FUEL;
    return charge(fuel, 1 + len / FUEL_UNIT_ELEMS)
               ? wasm_table_init(inst, imm[1], imm[0], dst, src, len) : WASM_OUT_OF_FUEL;
}

// Immediate words of the bulk instructions that take three operands.
static uint32_t immediates(uint32_t op) {
    return op == OP_PREFIX_FC + 8 ? 1 : op == OP_PREFIX_FC + 12 || op == OP_PREFIX_FC + 14 ? 2 : 0;
}

int wasm_interp_bulk(struct wasm_instance *inst, uint32_t op, const uint32_t **pc, wasm_value **sp,
                     uint64_t *fuel) {
    const uint32_t *imm = *pc;
    wasm_value *s = *sp;
    int status;
    switch (op) {
    case OP_PREFIX_FC + 8: case OP_PREFIX_FC + 12:
        status = init_op(inst, op, imm, s - 3, fuel);
        break;
    case OP_PREFIX_FC + 9: case OP_PREFIX_FC + 13: // data.drop, elem.drop
        (op == OP_PREFIX_FC + 9 ? inst->data_dropped : inst->elem_dropped)[imm[0]] = true;
        *pc = imm + 1;
        return WASM_OK;
    case OP_PREFIX_FC + 10: case OP_PREFIX_FC + 11:
        status = memory_op(inst, op - OP_PREFIX_FC, s - 3, fuel);
        break;
    case OP_PREFIX_FC + 14:
        status = table_copy(inst, imm[0], imm[1], s - 3, fuel);
        break;
    default:
        status = table_op(inst, op, imm[0], sp, fuel);
        if (status != WASM_OUT_OF_FUEL)
            *pc = imm + 1;
        return status;
    }
    if (status != WASM_OUT_OF_FUEL)
        *pc = imm + immediates(op), *sp = s - 3;
    return status;
}
