// The internal code the interpreter runs: an array of 32-bit words, each
// instruction an opcode word followed by its immediates. Branch targets are
// word indices and carry the operand-stack height (in slots above the frame
// base, locals included) and the number of values the branch keeps.
//
//   one-byte Wasm opcodes keep their value; 0xFC xx is OP_PREFIX_FC + xx.
//   const i32/f32: op v            const i64/f64: op lo hi
//   load/store: op offset          local.*, global.*, ref.func: op index
//   OP_BR / OP_BR_IF: op cost target height arity
//   OP_BR_TABLE: op cost count {target height arity} * (count + 1)
//   OP_IF: op cost else_target     OP_JUMP: op cost target
//   OP_RETURN: op cost             OP_FUEL: op cost
//   call: op cost index            call_indirect: op cost type_index table_index
//
// Fuel (README: Fuel). The fuel points above carry a cost: branches,
// `if` (charged when it jumps to its else or end), the else branch's jump,
// calls, returns and OP_FUEL. A *segment* is the code from one
// unconditional fuel point (br to a block, br_table, OP_JUMP, call,
// return, OP_FUEL) or the function's entry to the next, in emission order.
// A fuel point costs 1 + w / FUEL_UNIT_WORDS, w being the words of its
// segment up to it; a loop's back branch counts only from the loop's start
// (when that is later) and does not end the segment. w also counts the
// values a branch or return moves, and in the first segment the declared
// locals zeroed at entry (FUEL_LOCALS_PER_WORD to a word). Every jump
// pays when taken, so a run between two payments lies in the words the
// second one pays for, except the words before a loop, which are paid
// when the loop is left (every other fuel point pays from the segment's
// start). The compiler ends a segment with OP_FUEL at FUEL_SEGMENT_WORDS,
// and before a loop reached after FUEL_LOOP_WORDS words of one.
//
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
    OP_FUEL,
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
#define FUEL_FROM_SEGMENT UINT32_MAX
#define FUEL_UNIT_WORDS 16      // words of code one unit of fuel pays for
#define FUEL_SEGMENT_WORDS 256  // the longest segment before an OP_FUEL
#define FUEL_LOOP_WORDS 64      // a loop after this many words of a segment starts a new one
#define FUEL_LOCALS_PER_WORD 8  // declared locals zeroed per word of cost
#define FUEL_UNIT_BYTES 1024    // bytes of bulk memory work one unit pays for
#define FUEL_UNIT_ELEMS 32      // table elements likewise
#define FUEL_CHUNK_BYTES 65536  // fills and copies stop for fuel between chunks

// A growing word buffer on the caller's allocator. After a failed
// allocation `failed` is set and further emits are dropped.
struct emitter {
    uint32_t *words;
    uint32_t count, capacity;
    struct wasm_allocator alloc;
    bool failed;
    uint32_t segment;           // where the current fuel segment starts
    uint32_t segment_extra;     // words of cost it has besides its code
};

void wasm_emit_init(struct emitter *out, const struct wasm_allocator *alloc);
void wasm_emit_word(struct emitter *out, uint32_t word);
void wasm_emit_u64(struct emitter *out, uint64_t value);
// Emits a placeholder for a forward target and links it into *list.
void wasm_emit_fixup(struct emitter *out, uint32_t *list);
// Resolves every placeholder on *list to `target` and empties the list.
void wasm_emit_patch(struct emitter *out, uint32_t *list, uint32_t target);
// Emits a fuel point: opcode, then its cost: the words from `from` (a loop's
// start, for its back branches) or from the segment's start if that is
// later or from is FUEL_FROM_SEGMENT, plus extra_words. The caller emits
// the rest of the instruction.
void wasm_emit_fuel_point(struct emitter *out, uint32_t opcode, uint32_t from, uint32_t extra_words);
// Starts a new segment at the next word, with extra_words of cost already.
void wasm_emit_segment(struct emitter *out, uint32_t extra_words);
// Words of cost in the current segment so far.
uint32_t wasm_emit_segment_words(const struct emitter *out);
// Moves the words into the module's arena and frees the buffer.
bool wasm_emit_finish(struct emitter *out, struct arena *arena, uint32_t **words, uint32_t *count);
void wasm_emit_discard(struct emitter *out);
