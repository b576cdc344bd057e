// The internal code the interpreter runs: an array of 32-bit words, each
// instruction an opcode word followed by its immediates. Branch targets are
// word indices and carry the operand-stack height (in slots above the frame
// base, locals included) and the number of values the branch keeps.
//
//   one-byte Wasm opcodes keep their value; 0xFC xx is OP_PREFIX_FC + xx.
//   const i32/f32: op v            const i64/f64: op lo hi
//   load/store: op offset          local.*, global.*, call, ref.func: op index
//   OP_BR / OP_BR_IF: op target height arity
//   OP_BR_TABLE: op count {target height arity} * (count + 1)
//   OP_IF: op else_target          OP_JUMP: op target
//   call_indirect: op type_index table_index
//
// Superinstructions (fuse.c) replace common sequences of plain
// instructions, never across a branch target:
//   OP_GET2 a b            local.get a; local.get b
//   OP_GET_K a k           local.get a; i32.const k
//   OP_SET_GET a b         local.set a; local.get b
//   OP_TEE_GET a b         local.tee a; local.get b
//   OP_COPY a b            local.get a; local.set b
//   OP_GET_LOAD a offset   local.get a; i32.load offset (also _LOAD8U, _LOAD16U)
//   For the i32 comparisons and the i32 arithmetic that cannot trap
//   (op in 0x46..0x78, FUSIBLE_I32 in interp.c), with x = op - 0x46:
//   OP_K + x k             i32.const k; op
//   OP_L + x a             local.get a; op (a is the second operand)
//   OP_LK + x a k          local.get a; i32.const k; op
//   OP_LL + x a b          local.get a; local.get b; op
//   OP_BRC + (cmp - 0x45)  an i32 comparison (eqz..ge_u) and the br_if after
//                          it: op, then the br_if's words (op target height
//                          arity) left in place, so no branch fixup moves
//   OP_BRK + (cmp - 0x46)  the same with OP_K + cmp: op k, then the br_if;
//                          OP_BRL, OP_BRLK, OP_BRLL likewise from OP_L,
//                          OP_LK and OP_LL (op a [k|b], then the br_if)
#pragma once
#include "internal.h"

enum {
    OP_PREFIX_FC = 0x100,
    OP_JUMP = 0x200,
    OP_IF,
    OP_BR,
    OP_BR_IF,
    OP_BR_TABLE,
    OP_RETURN,
    OP_GET2,
    OP_GET_K,
    OP_SET_GET,
    OP_TEE_GET,
    OP_COPY,
    OP_GET_LOAD,
    OP_GET_LOAD8U,
    OP_GET_LOAD16U,
    OP_K = 0x240,   // .. + 0x32
    OP_BRC = 0x280, // .. + 10
    OP_BRK = 0x290, // .. + 9
    OP_L = 0x2C0,   // .. + 0x32
    OP_LK = 0x300,  // .. + 0x32
    OP_LL = 0x340,  // .. + 0x32
    OP_BRL = 0x380, // .. + 9
    OP_BRLK = 0x390,
    OP_BRLL = 0x3A0, // (all opcodes stay below 1024)
};

#define FIXUP_NONE UINT32_MAX

// A growing word buffer on the caller's allocator. After a failed
// allocation `failed` is set and further emits are dropped.
struct emitter {
    uint32_t *words;
    uint32_t count, capacity;
    struct wasm_allocator alloc;
    bool failed;
};

void wasm_emit_init(struct emitter *out, const struct wasm_allocator *alloc);
void wasm_emit_word(struct emitter *out, uint32_t word);
void wasm_emit_u64(struct emitter *out, uint64_t value);
// Emits a placeholder for a forward target and links it into *list.
void wasm_emit_fixup(struct emitter *out, uint32_t *list);
// Resolves every placeholder on *list to `target` and empties the list.
void wasm_emit_patch(struct emitter *out, uint32_t *list, uint32_t target);
// Moves the words into the module's arena and frees the buffer.
bool wasm_emit_finish(struct emitter *out, struct arena *arena, uint32_t **words, uint32_t *count);
void wasm_emit_discard(struct emitter *out);
