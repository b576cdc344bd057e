// The validator's state for one function body: the spec's operand and
// control stacks, plus the emitter that compiles as it validates.
#pragma once
#include "compile.h"
#include "decode.h"

struct ctrl {
    uint8_t opcode;             // 0x02 block, 0x03 loop, 0x04 if, 0x05 else; 0 = function
    const uint8_t *params, *results;
    uint32_t param_count, result_count;
    uint32_t height;            // operand stack size at entry (params excluded)
    bool unreachable;
    uint32_t start_pc;          // loop: branch target
    uint32_t end_fixups;        // placeholders to patch with the end's pc
    uint32_t else_fixup;        // if: the OP_IF target, FIXUP_NONE once placed
};

struct vstate {
    struct reader rd;
    const struct wasm_module *m;
    const struct wasm_functype *type;
    const struct wasm_code *code;
    uint32_t local_total;       // params + declared locals
    struct wasm_allocator alloc;
    uint8_t *vals;
    uint32_t val_count, val_capacity, max_vals;
    struct ctrl *ctrls;
    uint32_t ctrl_count, ctrl_capacity;
    struct emitter out;
    uint32_t recent[3];         // starts of the last plain instructions (fuse.c)
    uint32_t recent_count;      // 0 after a branch target or control instruction
};

bool wasm_push_val(struct vstate *v, uint8_t type);
// Pops one operand; WASM_UNKNOWN when the stack is polymorphic there.
bool wasm_pop_val(struct vstate *v, uint8_t *type);
bool wasm_pop_expect(struct vstate *v, uint8_t want);
bool wasm_pop_vals(struct vstate *v, const uint8_t *types, uint32_t count);
bool wasm_push_vals(struct vstate *v, const uint8_t *types, uint32_t count);
void wasm_set_unreachable(struct vstate *v);
bool wasm_local_type(struct vstate *v, uint32_t index, uint8_t *type);
// Validates and emits one non-control instruction; false on error.
bool wasm_validate_plain_op(struct vstate *v, uint8_t opcode);
bool wasm_validate_fc_op(struct vstate *v);
bool wasm_is_num_type(uint8_t type);
// After each emitted plain instruction (starting at word `start`): replaces
// the last instructions with a superinstruction where one fits (compile.h).
void wasm_fuse(struct vstate *v, uint32_t start);
// After a br_if emitted at `start`: folds an i32 comparison just before it
// into the branch (OP_BRC, OP_BRK).
void wasm_fuse_br_if(struct vstate *v, uint32_t start);
