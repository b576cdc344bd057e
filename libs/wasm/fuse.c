// Superinstructions: after each plain instruction, the last two or three
// are replaced by one where a common sequence fits (the list is in
// compile.h; the choice follows a count of instruction pairs in clang's
// -O2 output). A fused instruction keeps the start of the first one, so a
// branch target never moves, and the validator resets the window at every
// control instruction, so nothing is fused across a target.
#include "validate.h"

// Opcodes of the i32 binary operators that have fused forms (OP_K, OP_L,
// OP_LK, OP_LL): comparisons and arithmetic that cannot trap.
static bool has_k_form(uint32_t op) {
    return (op >= 0x46 && op <= 0x4F) || op == 0x6A || op == 0x6B || op == 0x6C || (op >= 0x71 && op <= 0x78);
}

// Rewrites the code from `at` to the end as `count` words; the
// instruction starting at `at` is now the last one.
static void replace(struct vstate *v, uint32_t at, const uint32_t *words, uint32_t count) {
    for (uint32_t i = 0; i < count; i++)
        v->out.words[at + i] = words[i];
    v->out.count = at + count;
    v->recent_count--; // the last two became one
    v->recent[v->recent_count - 1] = at;
}

// Tries to fuse the last two instructions; true if it did.
static bool fuse_two(struct vstate *v) {
    uint32_t a = v->recent[v->recent_count - 2], b = v->recent[v->recent_count - 1];
    const uint32_t *w = v->out.words;
    uint32_t op_a = w[a], op_b = w[b];
    if (op_a == 0x20 && op_b == 0x20)
        return replace(v, a, (uint32_t[]){OP_GET2, w[a + 1], w[b + 1]}, 3), true;
    if (op_a == 0x20 && op_b == 0x41)
        return replace(v, a, (uint32_t[]){OP_GET_K, w[a + 1], w[b + 1]}, 3), true;
    if (op_a == 0x21 && op_b == 0x20)
        return replace(v, a, (uint32_t[]){OP_SET_GET, w[a + 1], w[b + 1]}, 3), true;
    if (op_a == 0x22 && op_b == 0x20)
        return replace(v, a, (uint32_t[]){OP_TEE_GET, w[a + 1], w[b + 1]}, 3), true;
    if (op_a == 0x20 && op_b == 0x21)
        return replace(v, a, (uint32_t[]){OP_COPY, w[a + 1], w[b + 1]}, 3), true;
    if (op_a == 0x20 && (op_b == 0x28 || op_b == 0x2D || op_b == 0x2F)) {
        uint32_t fused = op_b == 0x28 ? OP_GET_LOAD : op_b == 0x2D ? OP_GET_LOAD8U : OP_GET_LOAD16U;
        return replace(v, a, (uint32_t[]){fused, w[a + 1], w[b + 1]}, 3), true;
    }
    if (has_k_form(op_b)) {
        uint32_t x = op_b - 0x46;
        if (op_a == 0x41)
            return replace(v, a, (uint32_t[]){OP_K + x, w[a + 1]}, 2), true;
        if (op_a == 0x20)
            return replace(v, a, (uint32_t[]){OP_L + x, w[a + 1]}, 2), true;
        if (op_a == OP_GET_K)
            return replace(v, a, (uint32_t[]){OP_LK + x, w[a + 1], w[a + 2]}, 3), true;
        if (op_a == OP_GET2)
            return replace(v, a, (uint32_t[]){OP_LL + x, w[a + 1], w[a + 2]}, 3), true;
    }
    return false;
}

void wasm_fuse(struct vstate *v, uint32_t start) {
    if (v->out.failed) {
        v->recent_count = 0;
        return;
    }
    if (v->recent_count == 3) { // keep the window at its last three
        v->recent[0] = v->recent[1];
        v->recent[1] = v->recent[2];
        v->recent_count = 2;
    }
    v->recent[v->recent_count++] = start;
    while (v->recent_count >= 2 && fuse_two(v))
        ;
}

void wasm_fuse_br_if(struct vstate *v, uint32_t start) {
    if (v->out.failed || v->recent_count == 0)
        return;
    uint32_t last = v->recent[v->recent_count - 1];
    uint32_t *w = v->out.words;
    uint32_t op = w[last];
    if (op >= 0x45 && op <= 0x4F && last + 1 == start)
        w[last] = OP_BRC + (op - 0x45);
    else if (op >= OP_K && op <= OP_K + 9 && last + 2 == start)
        w[last] = OP_BRK + (op - OP_K);
    else if (op >= OP_L && op <= OP_L + 9 && last + 2 == start)
        w[last] = OP_BRL + (op - OP_L);
    else if (op >= OP_LK && op <= OP_LK + 9 && last + 3 == start)
        w[last] = OP_BRLK + (op - OP_LK);
    else if (op >= OP_LL && op <= OP_LL + 9 && last + 3 == start)
        w[last] = OP_BRLL + (op - OP_LL);
}
