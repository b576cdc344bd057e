// The interpreter loop over the internal code (compile.h). Locals live at
// the frame base `fp` on the value stack, operands above them; calls push
// a struct frame, so wasm recursion never recurses in C. Fuel is spent by
// every taken branch and every call; when it runs out the state is saved
// at the instruction that needed it, and wasm_interp_run can be entered again.
//
// One long function by design: a switch-dispatch loop keeps its registers
// (pc, sp, fp, memory) in locals. Float and bulk operations live in
// wasm_interp_float.c and wasm_interp_bulk.c.
#include "compile.h"
#include "exec.h"
#include "numeric.h"
#include <string.h>

#define TRAP(code) do { status = (code); goto trap; } while (0)
#define USE_FUEL() do { if (fuel == 0) { pc--; goto out_of_fuel; } fuel--; } while (0)
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
// skipped): branch if cond, popping `popped` operands either way. Fuel is
// spent before anything changes, so an out-of-fuel stop resumes here.
#define BRC(cond, popped) do { \
    uint32_t b = (uint32_t) sp[-1], a = popped == 2 ? (uint32_t) sp[-2] : b; (void) b; \
    if (cond) { USE_FUEL(); sp -= popped; BRANCH(pc + 1); } \
    else { sp -= popped; pc += 4; } } while (0)
#define BRK(cond) do { \
    uint32_t a = (uint32_t) sp[-1], b = pc[0]; \
    if (cond) { USE_FUEL(); sp--; BRANCH(pc + 2); } \
    else { sp--; pc += 5; } } while (0)
// An i32 operator whose second operand is the immediate.
#define K32(expr) do { uint32_t a = (uint32_t) sp[-1], b = *pc++; \
    sp[-1] = (uint32_t) (expr); } while (0)
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
    for (;;) {
        uint32_t op = *pc++;
        switch (op) {
        case 0x00: TRAP(WASM_TRAP_UNREACHABLE);
        case OP_JUMP: pc = code + pc[0]; break;
        case OP_IF:
            pc = (uint32_t) *--sp ? pc + 1 : code + pc[0];
            break;
        case OP_BR: USE_FUEL(); BRANCH(pc); break;
        case OP_BR_IF:
            if ((uint32_t) sp[-1]) {
                USE_FUEL();
                sp--;
                BRANCH(pc);
            } else {
                sp--;
                pc += 3;
            }
            break;
        case OP_BR_TABLE: {
            USE_FUEL();
            uint32_t count = pc[0], index = (uint32_t) *--sp;
            const uint32_t *target = pc + 1 + 3 * (index < count ? index : count);
            BRANCH(target);
            break;
        }
        case OP_RETURN: {
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
            break;
        }
        case 0x10:
            USE_FUEL();
            callee = inst->funcs[*pc++];
            goto call;
        case 0x11: {
            USE_FUEL();
            uint32_t index = (uint32_t) *--sp;
            const struct wasm_table *table = inst->tables[pc[1]];
            if (index >= table->limits.min)
                TRAP(WASM_TRAP_UNDEFINED_ELEMENT);
            callee = (struct wasm_func *) (uintptr_t) table->elems[index];
            if (!callee)
                TRAP(WASM_TRAP_UNINITIALIZED_ELEMENT);
            if (!types_match(callee, &inst->module->types[pc[0]]))
                TRAP(WASM_TRAP_INDIRECT_MISMATCH);
            pc += 2;
            goto call;
        }
        // Superinstructions (fuse.c).
        case OP_BRC + 0: BRC(a == 0, 1); break; // i32.eqz: one operand
        case OP_BRC + 1: BRC(a == b, 2); break;
        case OP_BRC + 2: BRC(a != b, 2); break;
        case OP_BRC + 3: BRC((int32_t) a < (int32_t) b, 2); break;
        case OP_BRC + 4: BRC(a < b, 2); break;
        case OP_BRC + 5: BRC((int32_t) a > (int32_t) b, 2); break;
        case OP_BRC + 6: BRC(a > b, 2); break;
        case OP_BRC + 7: BRC((int32_t) a <= (int32_t) b, 2); break;
        case OP_BRC + 8: BRC(a <= b, 2); break;
        case OP_BRC + 9: BRC((int32_t) a >= (int32_t) b, 2); break;
        case OP_BRC + 10: BRC(a >= b, 2); break;
        case OP_BRK + 0: BRK(a == b); break;
        case OP_BRK + 1: BRK(a != b); break;
        case OP_BRK + 2: BRK((int32_t) a < (int32_t) b); break;
        case OP_BRK + 3: BRK(a < b); break;
        case OP_BRK + 4: BRK((int32_t) a > (int32_t) b); break;
        case OP_BRK + 5: BRK(a > b); break;
        case OP_BRK + 6: BRK((int32_t) a <= (int32_t) b); break;
        case OP_BRK + 7: BRK(a <= b); break;
        case OP_BRK + 8: BRK((int32_t) a >= (int32_t) b); break;
        case OP_BRK + 9: BRK(a >= b); break;
        case OP_GET2: sp[0] = fp[pc[0]], sp[1] = fp[pc[1]], sp += 2, pc += 2; break;
        case OP_GET_K: sp[0] = fp[pc[0]], sp[1] = pc[1], sp += 2, pc += 2; break;
        case OP_GET_ADD_K: *sp++ = (uint32_t) ((uint32_t) fp[pc[0]] + pc[1]), pc += 2; break;
        case OP_SET_GET: fp[pc[0]] = sp[-1], sp[-1] = fp[pc[1]], pc += 2; break;
        case OP_TEE_GET: fp[pc[0]] = sp[-1], *sp++ = fp[pc[1]], pc += 2; break;
        case OP_COPY: fp[pc[1]] = fp[pc[0]], pc += 2; break;
        case OP_GET_LOAD: *sp++ = fp[*pc++]; LOAD(uint32_t, 4, uint64_t); break;
        case OP_GET_LOAD8U: *sp++ = fp[*pc++]; LOAD(uint8_t, 1, uint64_t); break;
        case OP_GET_LOAD16U: *sp++ = fp[*pc++]; LOAD(uint16_t, 2, uint64_t); break;
        case OP_K + 0x46 - 0x46: K32(a == b); break;
        case OP_K + 0x47 - 0x46: K32(a != b); break;
        case OP_K + 0x48 - 0x46: K32((int32_t) a < (int32_t) b); break;
        case OP_K + 0x49 - 0x46: K32(a < b); break;
        case OP_K + 0x4A - 0x46: K32((int32_t) a > (int32_t) b); break;
        case OP_K + 0x4B - 0x46: K32(a > b); break;
        case OP_K + 0x4C - 0x46: K32((int32_t) a <= (int32_t) b); break;
        case OP_K + 0x4D - 0x46: K32(a <= b); break;
        case OP_K + 0x4E - 0x46: K32((int32_t) a >= (int32_t) b); break;
        case OP_K + 0x4F - 0x46: K32(a >= b); break;
        case OP_K + 0x6A - 0x46: K32(a + b); break;
        case OP_K + 0x6B - 0x46: K32(a - b); break;
        case OP_K + 0x6C - 0x46: K32(a * b); break;
        case OP_K + 0x71 - 0x46: K32(a & b); break;
        case OP_K + 0x72 - 0x46: K32(a | b); break;
        case OP_K + 0x73 - 0x46: K32(a ^ b); break;
        case OP_K + 0x74 - 0x46: K32(a << (b & 31)); break;
        case OP_K + 0x75 - 0x46: K32((uint32_t) ((int32_t) a >> (b & 31))); break;
        case OP_K + 0x76 - 0x46: K32(a >> (b & 31)); break;
        case OP_K + 0x77 - 0x46: K32(rotl32(a, b)); break;
        case OP_K + 0x78 - 0x46: K32(rotr32(a, b)); break;
        case 0x1A: sp--; break;
        case 0x1B: {
            uint32_t cond = (uint32_t) sp[-1];
            sp -= 2;
            if (!cond)
                sp[-1] = sp[0];
            break;
        }
        case 0x20: *sp++ = fp[*pc++]; break;
        case 0x21: fp[*pc++] = *--sp; break;
        case 0x22: fp[*pc++] = sp[-1]; break;
        case 0x23: *sp++ = inst->globals[*pc++]->value; break;
        case 0x24: inst->globals[*pc++]->value = *--sp; break;
        case 0x28: LOAD(uint32_t, 4, uint64_t); break;
        case 0x29: LOAD(uint64_t, 8, uint64_t); break;
        case 0x2A: LOAD(uint32_t, 4, uint64_t); break;
        case 0x2B: LOAD(uint64_t, 8, uint64_t); break;
        case 0x2C: LOAD(int8_t, 1, uint32_t); break;
        case 0x2D: LOAD(uint8_t, 1, uint64_t); break;
        case 0x2E: LOAD(int16_t, 2, uint32_t); break;
        case 0x2F: LOAD(uint16_t, 2, uint64_t); break;
        case 0x30: LOAD(int8_t, 1, uint64_t); break;
        case 0x31: LOAD(uint8_t, 1, uint64_t); break;
        case 0x32: LOAD(int16_t, 2, uint64_t); break;
        case 0x33: LOAD(uint16_t, 2, uint64_t); break;
        case 0x34: LOAD(int32_t, 4, uint64_t); break;
        case 0x35: LOAD(uint32_t, 4, uint64_t); break;
        case 0x36: case 0x38: STORE(uint32_t, 4); break;
        case 0x37: case 0x39: STORE(uint64_t, 8); break;
        case 0x3A: case 0x3C: STORE(uint8_t, 1); break;
        case 0x3B: case 0x3D: STORE(uint16_t, 2); break;
        case 0x3E: STORE(uint32_t, 4); break;
        case 0x3F: *sp++ = inst->memory->limits.min; break;
        case 0x40:
            sp[-1] = (uint32_t) (int32_t) wasm_memory_grow(inst->memory, (uint32_t) sp[-1]);
            RELOAD_MEMORY();
            break;
        case 0x41: case 0x43: *sp++ = *pc++; break;
        case 0x42: case 0x44: *sp++ = pc[0] | (uint64_t) pc[1] << 32; pc += 2; break;
        case 0x45: UN32(a == 0); break;
        case 0x46: BIN32(a == b); break;
        case 0x47: BIN32(a != b); break;
        case 0x48: BIN32((int32_t) a < (int32_t) b); break;
        case 0x49: BIN32(a < b); break;
        case 0x4A: BIN32((int32_t) a > (int32_t) b); break;
        case 0x4B: BIN32(a > b); break;
        case 0x4C: BIN32((int32_t) a <= (int32_t) b); break;
        case 0x4D: BIN32(a <= b); break;
        case 0x4E: BIN32((int32_t) a >= (int32_t) b); break;
        case 0x4F: BIN32(a >= b); break;
        case 0x50: UN64(a == 0); break;
        case 0x51: BIN64(a == b); break;
        case 0x52: BIN64(a != b); break;
        case 0x53: BIN64((int64_t) a < (int64_t) b); break;
        case 0x54: BIN64(a < b); break;
        case 0x55: BIN64((int64_t) a > (int64_t) b); break;
        case 0x56: BIN64(a > b); break;
        case 0x57: BIN64((int64_t) a <= (int64_t) b); break;
        case 0x58: BIN64(a <= b); break;
        case 0x59: BIN64((int64_t) a >= (int64_t) b); break;
        case 0x5A: BIN64(a >= b); break;
        case 0x67: UN32(wasm_bits_clz(a, 32)); break;
        case 0x68: UN32(wasm_bits_ctz(a, 32)); break;
        case 0x69: UN32(wasm_bits_popcount(a)); break;
        case 0x6A: BIN32(a + b); break;
        case 0x6B: BIN32(a - b); break;
        case 0x6C: BIN32(a * b); break;
        case 0x6D: case 0x6E: case 0x6F: case 0x70: {
            uint32_t result;
            status = div32(op, (uint32_t) sp[-2], (uint32_t) sp[-1], &result);
            if (status != WASM_OK)
                goto trap;
            sp--, sp[-1] = result;
            break;
        }
        case 0x71: BIN32(a & b); break;
        case 0x72: BIN32(a | b); break;
        case 0x73: BIN32(a ^ b); break;
        case 0x74: BIN32(a << (b & 31)); break;
        case 0x75: BIN32((uint32_t) ((int32_t) a >> (b & 31))); break;
        case 0x76: BIN32(a >> (b & 31)); break;
        case 0x77: BIN32(rotl32(a, b)); break;
        case 0x78: BIN32(rotr32(a, b)); break;
        case 0x79: UN64(wasm_bits_clz(a, 64)); break;
        case 0x7A: UN64(wasm_bits_ctz(a, 64)); break;
        case 0x7B: UN64(wasm_bits_popcount(a)); break;
        case 0x7C: BIN64(a + b); break;
        case 0x7D: BIN64(a - b); break;
        case 0x7E: BIN64(a * b); break;
        case 0x7F: case 0x80: case 0x81: case 0x82: {
            uint64_t result;
            status = div64(op, sp[-2], sp[-1], &result);
            if (status != WASM_OK)
                goto trap;
            sp--, sp[-1] = result;
            break;
        }
        case 0x83: BIN64(a & b); break;
        case 0x84: BIN64(a | b); break;
        case 0x85: BIN64(a ^ b); break;
        case 0x86: BIN64(a << (b & 63)); break;
        case 0x87: BIN64((uint64_t) ((int64_t) a >> (b & 63))); break;
        case 0x88: BIN64(a >> (b & 63)); break;
        case 0x89: BIN64(rotl64(a, b)); break;
        case 0x8A: BIN64(rotr64(a, b)); break;
        case 0xA7: UN64((uint32_t) a); break;
        case 0xAC: UN64((int64_t) (int32_t) a); break;
        case 0xAD: case 0xBC: case 0xBD: case 0xBE: case 0xBF: break;
        case 0xC0: UN32((int32_t) (int8_t) a); break;
        case 0xC1: UN32((int32_t) (int16_t) a); break;
        case 0xC2: UN64((int64_t) (int8_t) a); break;
        case 0xC3: UN64((int64_t) (int16_t) a); break;
        case 0xC4: UN64((int64_t) (int32_t) a); break;
        case 0xD0: *sp++ = 0; break;
        case 0xD1: sp[-1] = sp[-1] == 0; break;
        case 0xD2: *sp++ = (uintptr_t) inst->funcs[*pc++]; break;
        case 0x25: case 0x26:
        case OP_PREFIX_FC + 8: case OP_PREFIX_FC + 9: case OP_PREFIX_FC + 10:
        case OP_PREFIX_FC + 11: case OP_PREFIX_FC + 12: case OP_PREFIX_FC + 13:
        case OP_PREFIX_FC + 14: case OP_PREFIX_FC + 15: case OP_PREFIX_FC + 16:
        case OP_PREFIX_FC + 17: {
            // Through copies: taking the addresses of pc and sp themselves
            // would keep them out of registers in the whole loop.
            const uint32_t *pc_ = pc;
            wasm_value *sp_ = sp;
            status = wasm_interp_bulk(inst, op, &pc_, &sp_);
            pc = pc_, sp = sp_;
            if (status != WASM_OK)
                goto trap;
            break;
        }
        default: { // the float instructions (the validator emits nothing else)
            wasm_value *sp_ = sp;
            status = wasm_interp_float(op, &sp_);
            sp = sp_;
            if (status != WASM_OK)
                goto trap;
            break;
        }
        }
        continue;

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
            memset(sp, 0, body->local_count * sizeof *sp);
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
