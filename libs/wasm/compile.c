// The emitter behind the validator: it writes the internal code (compile.h)
// while validation walks a function body.
#include "compile.h"
#include <string.h>

void wasm_emit_init(struct emitter *out, const struct wasm_allocator *alloc) {
    *out = (struct emitter){NULL, 0, 0, *alloc, false, 0, 0};
}

static bool emit_grow(struct emitter *out) {
    uint32_t capacity = out->capacity ? out->capacity * 2 : 256;
    if (capacity < out->capacity)
        return false;
    uint32_t *words = out->alloc.alloc(out->alloc.ctx, (size_t) capacity * sizeof *words);
    if (!words)
        return false;
    if (out->words) {
        memcpy(words, out->words, (size_t) out->count * sizeof *words);
        out->alloc.free(out->alloc.ctx, out->words, (size_t) out->capacity * sizeof *words);
    }
    out->words = words;
    out->capacity = capacity;
    return true;
}

void wasm_emit_word(struct emitter *out, uint32_t word) {
    if (out->failed)
        return;
    if (out->count == out->capacity && !emit_grow(out)) {
        out->failed = true;
        return;
    }
    out->words[out->count++] = word;
}

void wasm_emit_u64(struct emitter *out, uint64_t value) {
    wasm_emit_word(out, (uint32_t) value);
    wasm_emit_word(out, (uint32_t) (value >> 32));
}

void wasm_emit_fixup(struct emitter *out, uint32_t *list) {
    uint32_t at = out->count;
    wasm_emit_word(out, *list);
    if (!out->failed)
        *list = at;
}

void wasm_emit_patch(struct emitter *out, uint32_t *list, uint32_t target) {
    uint32_t at = *list;
    while (at != FIXUP_NONE && !out->failed) {
        uint32_t next = out->words[at];
        out->words[at] = target;
        at = next;
    }
    *list = FIXUP_NONE;
}

uint32_t wasm_emit_segment_words(const struct emitter *out) {
    uint64_t words = (uint64_t) out->count - out->segment + out->segment_extra;
    return words < UINT32_MAX ? (uint32_t) words : UINT32_MAX;
}

void wasm_emit_fuel_point(struct emitter *out, uint32_t opcode, uint32_t from, uint32_t extra_words) {
    bool loop = from != FUEL_FROM_SEGMENT && from >= out->segment;
    uint64_t words = loop ? out->count - from : wasm_emit_segment_words(out);
    words += extra_words;
    uint64_t cost = 1 + words / FUEL_UNIT_WORDS;
    wasm_emit_word(out, opcode);
    wasm_emit_word(out, cost < UINT32_MAX ? (uint32_t) cost : UINT32_MAX);
}

void wasm_emit_segment(struct emitter *out, uint32_t extra_words) {
    out->segment = out->count;
    out->segment_extra = extra_words;
}

bool wasm_emit_finish(struct emitter *out, struct arena *arena, uint32_t **words, uint32_t *count) {
    if (out->failed)
        return false;
    *words = wasm_arena_alloc(arena, out->count, sizeof(uint32_t));
    if (*words && out->count)
        memcpy(*words, out->words, (size_t) out->count * sizeof(uint32_t));
    *count = out->count;
    wasm_emit_discard(out);
    return *words != NULL;
}

void wasm_emit_discard(struct emitter *out) {
    if (out->words)
        out->alloc.free(out->alloc.ctx, out->words, (size_t) out->capacity * sizeof(uint32_t));
    out->words = NULL;
    out->count = out->capacity = 0;
}
