// The execution context and the helpers the interpreter shares with
// instantiation (segment initialization, constant expressions).
#pragma once
#include "internal.h"

struct frame {
    struct wasm_func *func;   // the caller, to resume
    const uint32_t *pc;       // where the caller resumes
    wasm_value *fp;           // the caller's frame base
};

struct wasm_exec {
    struct wasm_allocator alloc;
    wasm_value *stack;
    uint32_t stack_slots;
    struct frame *frames;
    uint32_t max_frames;
    uint64_t fuel;
    // The state of a call suspended by WASM_OUT_OF_FUEL.
    bool suspended;
    bool running;             // inside wasm_interp_run: calls on this exec are refused
    struct wasm_func *func;
    const uint32_t *pc;
    wasm_value *sp, *fp;
    uint32_t depth;
    uint32_t result_count;    // of the outermost call
};

// Runs from the saved state until the outermost call returns (results at
// stack[0..]), a trap, or fuel runs out (state saved, suspended set).
int wasm_interp_run(struct wasm_exec *exec);

wasm_value wasm_const_expr_eval(const struct wasm_instance *inst, const struct const_expr *e);
// table.init / memory.init semantics, shared with instantiation.
int wasm_table_init(struct wasm_instance *inst, uint32_t table, uint32_t elem, uint32_t dst,
               uint32_t src, uint32_t len);
int wasm_memory_init(struct wasm_instance *inst, uint32_t data, uint32_t dst, uint32_t src,
                uint32_t len);
// The bulk memory, table and reference instructions (interp_bulk.c).
// Reads immediates at *pc, operands below *sp, and charges *fuel. Returns
// WASM_OK with pc and sp past the instruction, a trap, or WASM_OUT_OF_FUEL
// with pc and sp unchanged and the operands updated to the work left.
int wasm_interp_bulk(struct wasm_instance *inst, uint32_t op, const uint32_t **pc, wasm_value **sp,
                     uint64_t *fuel);
// The float arithmetic, comparison and conversion instructions.
int wasm_interp_float(uint32_t op, wasm_value **sp);
