// The interpreter loop over the internal code (compile.h). Locals live at
// the frame base `fp` on the value stack, operands above them; calls push
// a struct frame, so wasm recursion never recurses in C. Fuel is spent at
// the fuel points (compile.h: taken branches, calls, returns, OP_FUEL) by
// the cost the compiler gave each, and by bulk operations by their length;
// a fuel point reached with no fuel left saves the state at its
// instruction, and wasm_interp_run can be entered again.
//
// One long function by design: its registers (pc, sp, fp, memory) stay in
// locals, and dispatch is threaded: every handler (op_<opcode>) ends by
// jumping through the table to the next one (GNU C labels as values; the
// kernel build keeps a copy of that jump in each handler, see Makefile).
// Float and bulk operations live in wasm_interp_float.c and
// wasm_interp_bulk.c; the float handler also takes every opcode the table
// does not list, which the compiler never emits.
#include "compile.h"
#include "exec.h"
#include "numeric.h"
#include <string.h>

#define TRAP(code) do { status = (code); goto trap; } while (0)
#define NEXT() goto *dispatch[*pc++]
#define OPCODE (pc[-1]) // in a handler that has not moved pc yet
// Charges a fuel point's cost (saturating): with no fuel left, stops before
// the instruction (pc back on its opcode) so that a resume runs it again.
#define USE_FUEL(cost) do { uint64_t cost_ = (cost); \
    if (__builtin_expect(fuel <= cost_, 0)) { \
        if (fuel == 0) { pc--; goto out_of_fuel; } \
        cost_ = fuel; \
    } \
    fuel -= cost_; } while (0)
#define RELOAD_MEMORY() do { \
    mem = inst->memory ? inst->memory->data : NULL; \
    mem_size = inst->memory ? inst->memory->size : 0; } while (0)
// Moves the `arity` values on top to fp + height and jumps to target.
// (Values move down, so a forward copy is safe.)
#define BRANCH(t) do { \
    wasm_value *dst_ = fp + (t)[1]; uint32_t arity_ = (t)[2]; \
    if (dst_ != sp - arity_) move_down(dst_, sp - arity_, arity_); \
    sp = dst_ + arity_; pc = code + (t)[0]; } while (0)
#define ADDRESS(size) \
    uint64_t ea = (uint64_t) (uint32_t) sp[-1] + *pc++; \
    if (ea + (size) > mem_size) TRAP(WASM_TRAP_MEMORY_OOB)
#define LOAD(ctype, size, convert) do { \
    ADDRESS(size); ctype value_; __builtin_memcpy(&value_, mem + ea, size); \
    sp[-1] = (convert) value_; } while (0)
#define STORE(ctype, size) do { \
    ctype value_ = (ctype) sp[-1]; sp--; ADDRESS(size); \
    __builtin_memcpy(mem + ea, &value_, size); sp--; } while (0)
#define BIN32(expr) do { uint32_t b = (uint32_t) sp[-1], a = (uint32_t) sp[-2]; \
    (void) a; (void) b; sp--; sp[-1] = (uint32_t) (expr); } while (0)
#define BIN64(expr) do { uint64_t b = sp[-1], a = sp[-2]; \
    (void) a; (void) b; sp--; sp[-1] = (uint64_t) (expr); } while (0)
// A comparison fused with the br_if after it (the br_if's opcode word is
// skipped, its cost is pc[1]): branch if cond, popping `popped` operands
// either way. Fuel is spent before anything changes, so an out-of-fuel stop
// resumes here.
#define BRC(cond, popped) do { \
    uint32_t b = (uint32_t) sp[-1], a = popped == 2 ? (uint32_t) sp[-2] : b; (void) b; \
    if (cond) { USE_FUEL(pc[1]); sp -= popped; BRANCH(pc + 2); } \
    else { sp -= popped; pc += 5; } } while (0)
// The i32 binary operators with fused forms (fuse.c): opcode, result.
#define FUSIBLE_I32(X) \
    X(0x46, a == b) X(0x47, a != b) X(0x48, (int32_t) a < (int32_t) b) X(0x49, a < b) \
    X(0x4A, (int32_t) a > (int32_t) b) X(0x4B, a > b) X(0x4C, (int32_t) a <= (int32_t) b) \
    X(0x4D, a <= b) X(0x4E, (int32_t) a >= (int32_t) b) X(0x4F, a >= b) \
    X(0x6A, a + b) X(0x6B, a - b) X(0x6C, a * b) X(0x71, a & b) X(0x72, a | b) X(0x73, a ^ b) \
    X(0x74, a << (b & 31)) X(0x75, (uint32_t) ((int32_t) a >> (b & 31))) X(0x76, a >> (b & 31)) \
    X(0x77, rotl32(a, b)) X(0x78, rotr32(a, b))
// The comparisons among them (index op - 0x46), fused with a br_if after
// their OP_K, OP_L, OP_LK or OP_LL form: OP_BRK, OP_BRL, OP_BRLK, OP_BRLL.
// The br_if's words follow the operand immediates (its opcode word is
// skipped). Fuel is spent before anything changes, so an out-of-fuel stop
// resumes at the fused instruction.
#define COMPARES_I32(X) \
    X(0, a == b) X(1, a != b) X(2, (int32_t) a < (int32_t) b) X(3, a < b) X(4, (int32_t) a > (int32_t) b) \
    X(5, a > b) X(6, (int32_t) a <= (int32_t) b) X(7, a <= b) X(8, (int32_t) a >= (int32_t) b) X(9, a >= b)
#define BRANCH_TABLE_ENTRIES(i, cond) \
    [OP_BRK + i] = &&brk_##i, [OP_BRL + i] = &&brl_##i, [OP_BRLK + i] = &&brlk_##i, [OP_BRLL + i] = &&brll_##i,
#define BRANCH_HANDLERS(i, cond) \
    brk_##i: { uint32_t a = (uint32_t) sp[-1], b = pc[0]; \
        if (cond) { USE_FUEL(pc[2]); sp--; BRANCH(pc + 3); } else { sp--; pc += 6; } NEXT(); } \
    brl_##i: { uint32_t a = (uint32_t) sp[-1], b = (uint32_t) fp[pc[0]]; \
        if (cond) { USE_FUEL(pc[2]); sp--; BRANCH(pc + 3); } else { sp--; pc += 6; } NEXT(); } \
    brlk_##i: { uint32_t a = (uint32_t) fp[pc[0]], b = pc[1]; \
        if (cond) { USE_FUEL(pc[3]); BRANCH(pc + 4); } else { pc += 7; } NEXT(); } \
    brll_##i: { uint32_t a = (uint32_t) fp[pc[0]], b = (uint32_t) fp[pc[1]]; \
        if (cond) { USE_FUEL(pc[3]); BRANCH(pc + 4); } else { pc += 7; } NEXT(); }
// Their four fused forms: the dispatch table's entries and the handlers.
#define TABLE_ENTRIES(op, expr) \
    [OP_K + op - 0x46] = &&k_##op, [OP_L + op - 0x46] = &&l_##op, \
    [OP_LK + op - 0x46] = &&lk_##op, [OP_LL + op - 0x46] = &&ll_##op,
#define HANDLERS(op, expr) \
    k_##op: { uint32_t a = (uint32_t) sp[-1], b = pc[0]; pc += 1; sp[-1] = (uint32_t) (expr); NEXT(); } \
    l_##op: { uint32_t a = (uint32_t) sp[-1], b = (uint32_t) fp[pc[0]]; pc += 1; sp[-1] = (uint32_t) (expr); NEXT(); } \
    lk_##op: { uint32_t a = (uint32_t) fp[pc[0]], b = pc[1]; pc += 2; *sp++ = (uint32_t) (expr); NEXT(); } \
    ll_##op: { uint32_t a = (uint32_t) fp[pc[0]], b = (uint32_t) fp[pc[1]]; pc += 2; *sp++ = (uint32_t) (expr); NEXT(); }
#define UN32(expr) do { uint32_t a = (uint32_t) sp[-1]; sp[-1] = (uint32_t) (expr); } while (0)
#define UN64(expr) do { uint64_t a = sp[-1]; sp[-1] = (uint64_t) (expr); } while (0)

// Copies n values to a lower address (possibly overlapping).
static inline void move_down(wasm_value *dst, const wasm_value *src, uint32_t n) {
    for (uint32_t i = 0; i < n; i++)
        dst[i] = src[i];
}

static uint32_t rotl32(uint32_t a, uint32_t n) { n &= 31; return (a << n) | (a >> ((32 - n) & 31)); }
static uint32_t rotr32(uint32_t a, uint32_t n) { n &= 31; return (a >> n) | (a << ((32 - n) & 31)); }
static uint64_t rotl64(uint64_t a, uint64_t n) { n &= 63; return (a << n) | (a >> ((64 - n) & 63)); }
static uint64_t rotr64(uint64_t a, uint64_t n) { n &= 63; return (a >> n) | (a << ((64 - n) & 63)); }

// Integer division and remainder with the spec's traps.
static int div32(uint32_t op, uint32_t a, uint32_t b, uint32_t *out) {
    if (b == 0)
        return WASM_TRAP_DIV_ZERO;
    switch (op) {
    case 0x6D:
        if (a == 0x80000000u && b == 0xFFFFFFFFu)
            return WASM_TRAP_INT_OVERFLOW;
        *out = (uint32_t) ((int32_t) a / (int32_t) b);
        break;
    case 0x6E: *out = a / b; break;
    case 0x6F: *out = b == 0xFFFFFFFFu ? 0 : (uint32_t) ((int32_t) a % (int32_t) b); break;
    default: *out = a % b; break;
    }
    return WASM_OK;
}

static int div64(uint32_t op, uint64_t a, uint64_t b, uint64_t *out) {
    if (b == 0)
        return WASM_TRAP_DIV_ZERO;
    switch (op) {
    case 0x7F:
        if (a == 0x8000000000000000ull && b == ~0ull)
            return WASM_TRAP_INT_OVERFLOW;
        *out = (uint64_t) ((int64_t) a / (int64_t) b);
        break;
    case 0x80: *out = a / b; break;
    case 0x81: *out = b == ~0ull ? 0 : (uint64_t) ((int64_t) a % (int64_t) b); break;
    default: *out = a % b; break;
    }
    return WASM_OK;
}

// Fuel less cost, never below zero.
static uint64_t spend(uint64_t fuel, uint64_t cost) {
    return fuel > cost ? fuel - cost : 0;
}

static bool types_match(const struct wasm_func *callee, const struct wasm_functype *want) {
    return callee->type == want || wasm_functype_equal(callee->type, want);
}

int wasm_interp_run(struct wasm_exec *ex) {
    struct wasm_func *func = ex->func;
    struct wasm_instance *inst = func->instance;
    const uint32_t *code = func->code->words, *pc = ex->pc;
    wasm_value *sp = ex->sp, *fp = ex->fp, *stack_end = ex->stack + ex->stack_slots;
    uint32_t depth = ex->depth;
    uint64_t fuel = ex->fuel, mem_size;
    uint8_t *mem;
    int status = WASM_OK;
    struct wasm_func *callee;
    RELOAD_MEMORY();
    // Threaded dispatch: each handler jumps straight to the next one
    // (the compiler only emits opcodes of this table).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init" // the range default, then each opcode
#ifdef __clang__
#pragma GCC diagnostic ignored "-Winitializer-overrides"
#endif
    static const void *const dispatch[1024] = {
        [0 ... 1023] = &&op_float,
        [0x00] = &&op_0x00,
        [OP_JUMP] = &&op_jump,
        [OP_IF] = &&op_if,
        [OP_BR] = &&op_br,
        [OP_BR_IF] = &&op_br_if,
        [OP_BR_TABLE] = &&op_br_table,
        [OP_RETURN] = &&op_return,
        [OP_FUEL] = &&op_fuel,
        [0x10] = &&op_0x10,
        [0x11] = &&op_0x11,
        [OP_BRC + 0] = &&op_brc_0,
        [OP_BRC + 1] = &&op_brc_1,
        [OP_BRC + 2] = &&op_brc_2,
        [OP_BRC + 3] = &&op_brc_3,
        [OP_BRC + 4] = &&op_brc_4,
        [OP_BRC + 5] = &&op_brc_5,
        [OP_BRC + 6] = &&op_brc_6,
        [OP_BRC + 7] = &&op_brc_7,
        [OP_BRC + 8] = &&op_brc_8,
        [OP_BRC + 9] = &&op_brc_9,
        [OP_BRC + 10] = &&op_brc_10,
        [OP_GET2] = &&op_get2,
        [OP_GET_K] = &&op_get_k,
        [OP_SET_GET] = &&op_set_get,
        [OP_TEE_GET] = &&op_tee_get,
        [OP_COPY] = &&op_copy,
        [OP_GET_LOAD] = &&op_get_load,
        [OP_GET_LOAD8U] = &&op_get_load8u,
        [OP_GET_LOAD16U] = &&op_get_load16u,
        [0x1A] = &&op_0x1a,
        [0x1B] = &&op_0x1b,
        [0x20] = &&op_0x20,
        [0x21] = &&op_0x21,
        [0x22] = &&op_0x22,
        [0x23] = &&op_0x23,
        [0x24] = &&op_0x24,
        [0x28] = &&op_0x28,
        [0x29] = &&op_0x29,
        [0x2A] = &&op_0x2a,
        [0x2B] = &&op_0x2b,
        [0x2C] = &&op_0x2c,
        [0x2D] = &&op_0x2d,
        [0x2E] = &&op_0x2e,
        [0x2F] = &&op_0x2f,
        [0x30] = &&op_0x30,
        [0x31] = &&op_0x31,
        [0x32] = &&op_0x32,
        [0x33] = &&op_0x33,
        [0x34] = &&op_0x34,
        [0x35] = &&op_0x35,
        [0x36] = &&op_0x36,
        [0x38] = &&op_0x38,
        [0x37] = &&op_0x37,
        [0x39] = &&op_0x39,
        [0x3A] = &&op_0x3a,
        [0x3C] = &&op_0x3c,
        [0x3B] = &&op_0x3b,
        [0x3D] = &&op_0x3d,
        [0x3E] = &&op_0x3e,
        [0x3F] = &&op_0x3f,
        [0x40] = &&op_0x40,
        [0x41] = &&op_0x41,
        [0x43] = &&op_0x43,
        [0x42] = &&op_0x42,
        [0x44] = &&op_0x44,
        [0x45] = &&op_0x45,
        [0x46] = &&op_0x46,
        [0x47] = &&op_0x47,
        [0x48] = &&op_0x48,
        [0x49] = &&op_0x49,
        [0x4A] = &&op_0x4a,
        [0x4B] = &&op_0x4b,
        [0x4C] = &&op_0x4c,
        [0x4D] = &&op_0x4d,
        [0x4E] = &&op_0x4e,
        [0x4F] = &&op_0x4f,
        [0x50] = &&op_0x50,
        [0x51] = &&op_0x51,
        [0x52] = &&op_0x52,
        [0x53] = &&op_0x53,
        [0x54] = &&op_0x54,
        [0x55] = &&op_0x55,
        [0x56] = &&op_0x56,
        [0x57] = &&op_0x57,
        [0x58] = &&op_0x58,
        [0x59] = &&op_0x59,
        [0x5A] = &&op_0x5a,
        [0x67] = &&op_0x67,
        [0x68] = &&op_0x68,
        [0x69] = &&op_0x69,
        [0x6A] = &&op_0x6a,
        [0x6B] = &&op_0x6b,
        [0x6C] = &&op_0x6c,
        [0x6D] = &&op_0x6d,
        [0x6E] = &&op_0x6e,
        [0x6F] = &&op_0x6f,
        [0x70] = &&op_0x70,
        [0x71] = &&op_0x71,
        [0x72] = &&op_0x72,
        [0x73] = &&op_0x73,
        [0x74] = &&op_0x74,
        [0x75] = &&op_0x75,
        [0x76] = &&op_0x76,
        [0x77] = &&op_0x77,
        [0x78] = &&op_0x78,
        [0x79] = &&op_0x79,
        [0x7A] = &&op_0x7a,
        [0x7B] = &&op_0x7b,
        [0x7C] = &&op_0x7c,
        [0x7D] = &&op_0x7d,
        [0x7E] = &&op_0x7e,
        [0x7F] = &&op_0x7f,
        [0x80] = &&op_0x80,
        [0x81] = &&op_0x81,
        [0x82] = &&op_0x82,
        [0x83] = &&op_0x83,
        [0x84] = &&op_0x84,
        [0x85] = &&op_0x85,
        [0x86] = &&op_0x86,
        [0x87] = &&op_0x87,
        [0x88] = &&op_0x88,
        [0x89] = &&op_0x89,
        [0x8A] = &&op_0x8a,
        [0xA7] = &&op_0xa7,
        [0xAC] = &&op_0xac,
        [0xAD] = &&op_0xad,
        [0xBC] = &&op_0xbc,
        [0xBD] = &&op_0xbd,
        [0xBE] = &&op_0xbe,
        [0xBF] = &&op_0xbf,
        [0xC0] = &&op_0xc0,
        [0xC1] = &&op_0xc1,
        [0xC2] = &&op_0xc2,
        [0xC3] = &&op_0xc3,
        [0xC4] = &&op_0xc4,
        [0xD0] = &&op_0xd0,
        [0xD1] = &&op_0xd1,
        [0xD2] = &&op_0xd2,
        [0x25] = &&op_0x25,
        [0x26] = &&op_0x26,
        [OP_PREFIX_FC + 8] = &&op_prefix_fc_8,
        [OP_PREFIX_FC + 9] = &&op_prefix_fc_9,
        [OP_PREFIX_FC + 10] = &&op_prefix_fc_10,
        [OP_PREFIX_FC + 11] = &&op_prefix_fc_11,
        [OP_PREFIX_FC + 12] = &&op_prefix_fc_12,
        [OP_PREFIX_FC + 13] = &&op_prefix_fc_13,
        [OP_PREFIX_FC + 14] = &&op_prefix_fc_14,
        [OP_PREFIX_FC + 15] = &&op_prefix_fc_15,
        [OP_PREFIX_FC + 16] = &&op_prefix_fc_16,
        [OP_PREFIX_FC + 17] = &&op_prefix_fc_17,
        FUSIBLE_I32(TABLE_ENTRIES)
        COMPARES_I32(BRANCH_TABLE_ENTRIES)
    };
#pragma GCC diagnostic pop
    for (;;) {
        NEXT();
        op_0x00: TRAP(WASM_TRAP_UNREACHABLE);
        op_jump: USE_FUEL(pc[0]); pc = code + pc[1]; NEXT();
        op_if:
            if ((uint32_t) sp[-1]) {
                pc += 2;
            } else {
                USE_FUEL(pc[0]);
                pc = code + pc[1];
            }
            sp--;
            NEXT();
        op_fuel: USE_FUEL(pc[0]); pc++; NEXT();
        op_br: USE_FUEL(pc[0]); BRANCH(pc + 1); NEXT();
        op_br_if:
            if ((uint32_t) sp[-1]) {
                USE_FUEL(pc[0]);
                sp--;
                BRANCH(pc + 1);
            } else {
                sp--;
                pc += 4;
            }
            NEXT();
        op_br_table: {
            USE_FUEL(pc[0]);
            uint32_t count = pc[1], index = (uint32_t) *--sp;
            const uint32_t *target = pc + 2 + 3 * (index < count ? index : count);
            BRANCH(target);
            NEXT();
        }
        op_return: {
            USE_FUEL(pc[0]);
            uint32_t results = func->type->result_count;
            if (fp != sp - results)
                move_down(fp, sp - results, results);
            sp = fp + results;
            if (depth == 0)
                goto finished;
            struct frame *frame = &ex->frames[--depth];
            func = frame->func, pc = frame->pc, fp = frame->fp;
            inst = func->instance, code = func->code->words;
            RELOAD_MEMORY();
            NEXT();
        }
        op_0x10:
            USE_FUEL(pc[0]);
            callee = inst->funcs[pc[1]];
            pc += 2;
            goto call;
        op_0x11: {
            USE_FUEL(pc[0]);
            uint32_t index = (uint32_t) *--sp;
            const struct wasm_table *table = inst->tables[pc[2]];
            if (index >= table->limits.min)
                TRAP(WASM_TRAP_UNDEFINED_ELEMENT);
            callee = (struct wasm_func *) (uintptr_t) table->elems[index];
            if (!callee)
                TRAP(WASM_TRAP_UNINITIALIZED_ELEMENT);
            if (!types_match(callee, &inst->module->types[pc[1]]))
                TRAP(WASM_TRAP_INDIRECT_MISMATCH);
            pc += 3;
            goto call;
        }
        // Superinstructions (fuse.c).
        op_brc_0: BRC(a == 0, 1); NEXT(); // i32.eqz: one operand
        op_brc_1: BRC(a == b, 2); NEXT();
        op_brc_2: BRC(a != b, 2); NEXT();
        op_brc_3: BRC((int32_t) a < (int32_t) b, 2); NEXT();
        op_brc_4: BRC(a < b, 2); NEXT();
        op_brc_5: BRC((int32_t) a > (int32_t) b, 2); NEXT();
        op_brc_6: BRC(a > b, 2); NEXT();
        op_brc_7: BRC((int32_t) a <= (int32_t) b, 2); NEXT();
        op_brc_8: BRC(a <= b, 2); NEXT();
        op_brc_9: BRC((int32_t) a >= (int32_t) b, 2); NEXT();
        op_brc_10: BRC(a >= b, 2); NEXT();
        op_get2: sp[0] = fp[pc[0]], sp[1] = fp[pc[1]], sp += 2, pc += 2; NEXT();
        op_get_k: sp[0] = fp[pc[0]], sp[1] = pc[1], sp += 2, pc += 2; NEXT();
        FUSIBLE_I32(HANDLERS)
        COMPARES_I32(BRANCH_HANDLERS)
        op_set_get: fp[pc[0]] = sp[-1], sp[-1] = fp[pc[1]], pc += 2; NEXT();
        op_tee_get: fp[pc[0]] = sp[-1], *sp++ = fp[pc[1]], pc += 2; NEXT();
        op_copy: fp[pc[1]] = fp[pc[0]], pc += 2; NEXT();
        op_get_load: *sp++ = fp[*pc++]; LOAD(uint32_t, 4, uint64_t); NEXT();
        op_get_load8u: *sp++ = fp[*pc++]; LOAD(uint8_t, 1, uint64_t); NEXT();
        op_get_load16u: *sp++ = fp[*pc++]; LOAD(uint16_t, 2, uint64_t); NEXT();
        op_0x1a: sp--; NEXT();
        op_0x1b: {
            uint32_t cond = (uint32_t) sp[-1];
            sp -= 2;
            if (!cond)
                sp[-1] = sp[0];
            NEXT();
        }
        op_0x20: *sp++ = fp[*pc++]; NEXT();
        op_0x21: fp[*pc++] = *--sp; NEXT();
        op_0x22: fp[*pc++] = sp[-1]; NEXT();
        op_0x23: *sp++ = inst->globals[*pc++]->value; NEXT();
        op_0x24: inst->globals[*pc++]->value = *--sp; NEXT();
        op_0x28: LOAD(uint32_t, 4, uint64_t); NEXT();
        op_0x29: LOAD(uint64_t, 8, uint64_t); NEXT();
        op_0x2a: LOAD(uint32_t, 4, uint64_t); NEXT();
        op_0x2b: LOAD(uint64_t, 8, uint64_t); NEXT();
        op_0x2c: LOAD(int8_t, 1, uint32_t); NEXT();
        op_0x2d: LOAD(uint8_t, 1, uint64_t); NEXT();
        op_0x2e: LOAD(int16_t, 2, uint32_t); NEXT();
        op_0x2f: LOAD(uint16_t, 2, uint64_t); NEXT();
        op_0x30: LOAD(int8_t, 1, uint64_t); NEXT();
        op_0x31: LOAD(uint8_t, 1, uint64_t); NEXT();
        op_0x32: LOAD(int16_t, 2, uint64_t); NEXT();
        op_0x33: LOAD(uint16_t, 2, uint64_t); NEXT();
        op_0x34: LOAD(int32_t, 4, uint64_t); NEXT();
        op_0x35: LOAD(uint32_t, 4, uint64_t); NEXT();
        op_0x36: op_0x38: STORE(uint32_t, 4); NEXT();
        op_0x37: op_0x39: STORE(uint64_t, 8); NEXT();
        op_0x3a: op_0x3c: STORE(uint8_t, 1); NEXT();
        op_0x3b: op_0x3d: STORE(uint16_t, 2); NEXT();
        op_0x3e: STORE(uint32_t, 4); NEXT();
        op_0x3f: *sp++ = inst->memory->limits.min; NEXT();
        op_0x40: { // memory.grow: pays for the bytes it copies and zeroes
            USE_FUEL(1);
            int64_t old = wasm_memory_grow(inst->memory, (uint32_t) sp[-1]);
            if (old >= 0)
                fuel = spend(fuel, inst->memory->size / FUEL_UNIT_BYTES);
            sp[-1] = (uint32_t) (int32_t) old;
            RELOAD_MEMORY();
            NEXT();
        }
        op_0x41: op_0x43: *sp++ = *pc++; NEXT();
        op_0x42: op_0x44: *sp++ = pc[0] | (uint64_t) pc[1] << 32; pc += 2; NEXT();
        op_0x45: UN32(a == 0); NEXT();
        op_0x46: BIN32(a == b); NEXT();
        op_0x47: BIN32(a != b); NEXT();
        op_0x48: BIN32((int32_t) a < (int32_t) b); NEXT();
        op_0x49: BIN32(a < b); NEXT();
        op_0x4a: BIN32((int32_t) a > (int32_t) b); NEXT();
        op_0x4b: BIN32(a > b); NEXT();
        op_0x4c: BIN32((int32_t) a <= (int32_t) b); NEXT();
        op_0x4d: BIN32(a <= b); NEXT();
        op_0x4e: BIN32((int32_t) a >= (int32_t) b); NEXT();
        op_0x4f: BIN32(a >= b); NEXT();
        op_0x50: UN64(a == 0); NEXT();
        op_0x51: BIN64(a == b); NEXT();
        op_0x52: BIN64(a != b); NEXT();
        op_0x53: BIN64((int64_t) a < (int64_t) b); NEXT();
        op_0x54: BIN64(a < b); NEXT();
        op_0x55: BIN64((int64_t) a > (int64_t) b); NEXT();
        op_0x56: BIN64(a > b); NEXT();
        op_0x57: BIN64((int64_t) a <= (int64_t) b); NEXT();
        op_0x58: BIN64(a <= b); NEXT();
        op_0x59: BIN64((int64_t) a >= (int64_t) b); NEXT();
        op_0x5a: BIN64(a >= b); NEXT();
        op_0x67: UN32(wasm_bits_clz(a, 32)); NEXT();
        op_0x68: UN32(wasm_bits_ctz(a, 32)); NEXT();
        op_0x69: UN32(wasm_bits_popcount(a)); NEXT();
        op_0x6a: BIN32(a + b); NEXT();
        op_0x6b: BIN32(a - b); NEXT();
        op_0x6c: BIN32(a * b); NEXT();
        op_0x6d: op_0x6e: op_0x6f: op_0x70: {
            uint32_t result;
            status = div32(OPCODE, (uint32_t) sp[-2], (uint32_t) sp[-1], &result);
            if (status != WASM_OK)
                goto trap;
            sp--, sp[-1] = result;
            NEXT();
        }
        op_0x71: BIN32(a & b); NEXT();
        op_0x72: BIN32(a | b); NEXT();
        op_0x73: BIN32(a ^ b); NEXT();
        op_0x74: BIN32(a << (b & 31)); NEXT();
        op_0x75: BIN32((uint32_t) ((int32_t) a >> (b & 31))); NEXT();
        op_0x76: BIN32(a >> (b & 31)); NEXT();
        op_0x77: BIN32(rotl32(a, b)); NEXT();
        op_0x78: BIN32(rotr32(a, b)); NEXT();
        op_0x79: UN64(wasm_bits_clz(a, 64)); NEXT();
        op_0x7a: UN64(wasm_bits_ctz(a, 64)); NEXT();
        op_0x7b: UN64(wasm_bits_popcount(a)); NEXT();
        op_0x7c: BIN64(a + b); NEXT();
        op_0x7d: BIN64(a - b); NEXT();
        op_0x7e: BIN64(a * b); NEXT();
        op_0x7f: op_0x80: op_0x81: op_0x82: {
            uint64_t result;
            status = div64(OPCODE, sp[-2], sp[-1], &result);
            if (status != WASM_OK)
                goto trap;
            sp--, sp[-1] = result;
            NEXT();
        }
        op_0x83: BIN64(a & b); NEXT();
        op_0x84: BIN64(a | b); NEXT();
        op_0x85: BIN64(a ^ b); NEXT();
        op_0x86: BIN64(a << (b & 63)); NEXT();
        op_0x87: BIN64((uint64_t) ((int64_t) a >> (b & 63))); NEXT();
        op_0x88: BIN64(a >> (b & 63)); NEXT();
        op_0x89: BIN64(rotl64(a, b)); NEXT();
        op_0x8a: BIN64(rotr64(a, b)); NEXT();
        op_0xa7: UN64((uint32_t) a); NEXT();
        op_0xac: UN64((int64_t) (int32_t) a); NEXT();
        op_0xad: op_0xbc: op_0xbd: op_0xbe: op_0xbf: NEXT();
        op_0xc0: UN32((int32_t) (int8_t) a); NEXT();
        op_0xc1: UN32((int32_t) (int16_t) a); NEXT();
        op_0xc2: UN64((int64_t) (int8_t) a); NEXT();
        op_0xc3: UN64((int64_t) (int16_t) a); NEXT();
        op_0xc4: UN64((int64_t) (int32_t) a); NEXT();
        op_0xd0: *sp++ = 0; NEXT();
        op_0xd1: sp[-1] = sp[-1] == 0; NEXT();
        op_0xd2: *sp++ = (uintptr_t) inst->funcs[*pc++]; NEXT();
        op_0x25: op_0x26:
        op_prefix_fc_8: op_prefix_fc_9: op_prefix_fc_10:
        op_prefix_fc_11: op_prefix_fc_12: op_prefix_fc_13:
        op_prefix_fc_14: op_prefix_fc_15: op_prefix_fc_16:
        op_prefix_fc_17: {
            // Through copies: taking the addresses of pc and sp themselves
            // would keep them out of registers in the whole loop.
            const uint32_t *pc_ = pc;
            wasm_value *sp_ = sp;
            uint64_t fuel_ = fuel;
            status = wasm_interp_bulk(inst, OPCODE, &pc_, &sp_, &fuel_);
            pc = pc_, sp = sp_, fuel = fuel_;
            if (status == WASM_OUT_OF_FUEL) {
                pc--;
                goto out_of_fuel;
            }
            if (status != WASM_OK)
                goto trap;
            NEXT();
        }
        op_float: { // the float instructions (the validator emits nothing else)
            wasm_value *sp_ = sp;
            status = wasm_interp_float(OPCODE, &sp_);
            sp = sp_;
            if (status != WASM_OK)
                goto trap;
            NEXT();
        }

    call:
        if (callee->host) {
            uint32_t params = callee->type->param_count, results = callee->type->result_count;
            wasm_value *args = sp - params;
            if (args + (params > results ? params : results) > stack_end)
                TRAP(WASM_TRAP_STACK_EXHAUSTED);
            status = callee->host(callee->host_ctx, ex, args);
            if (status != WASM_OK)
                goto trap;
            sp = args + results;
            RELOAD_MEMORY();
            continue;
        }
        {
            const struct wasm_code *body = callee->code;
            wasm_value *new_fp = sp - callee->type->param_count;
            if (depth == ex->max_frames || body->max_height > (uint64_t) (stack_end - new_fp))
                TRAP(WASM_TRAP_STACK_EXHAUSTED);
            ex->frames[depth++] = (struct frame){func, pc, fp};
            for (uint32_t i = 0; i < body->local_count; i++) // (usually a few: no call)
                sp[i] = 0;
            sp += body->local_count;
            fp = new_fp, func = callee, inst = callee->instance;
            code = pc = body->words;
            RELOAD_MEMORY();
        }
    }

finished:
    ex->fuel = fuel;
    return WASM_OK;
out_of_fuel:
    ex->func = func, ex->pc = pc, ex->sp = sp, ex->fp = fp, ex->depth = depth;
    ex->fuel = 0;
    ex->suspended = true;
    return WASM_OUT_OF_FUEL;
trap:
    ex->fuel = fuel;
    return status;
}
