// Growing memories and tables: a new zeroed buffer from the owner's
// allocator, the old contents copied over, the old buffer freed. Nothing
// changes when the limits or the allocator refuse.
#include "internal.h"
#include <string.h>

static uint32_t max_of(const struct wasm_limits *limits, uint32_t bound) {
    return limits->has_max && limits->max < bound ? limits->max : bound;
}

int64_t wasm_memory_grow(struct wasm_memory *mem, uint32_t delta) {
    uint32_t old = mem->limits.min;
    if (delta == 0)
        return old;
    if (delta > max_of(&mem->limits, WASM_MAX_PAGES) - old)
        return -1;
    uint64_t new_size = (uint64_t) (old + delta) * WASM_PAGE_SIZE;
    if (new_size > SIZE_MAX)
        return -1;
    uint8_t *data = mem->alloc.alloc(mem->alloc.ctx, (size_t) new_size);
    if (!data)
        return -1;
    if (mem->data)
        memcpy(data, mem->data, (size_t) mem->size);
    memset(data + mem->size, 0, (size_t) (new_size - mem->size));
    if (mem->data)
        mem->alloc.free(mem->alloc.ctx, mem->data, (size_t) mem->size);
    mem->data = data;
    mem->size = new_size;
    mem->limits.min = old + delta;
    return old;
}

int64_t wasm_table_grow(struct wasm_table *table, uint32_t delta, wasm_value init) {
    uint32_t old = table->limits.min;
    if (delta == 0)
        return old;
    if (delta > max_of(&table->limits, WASM_MAX_TABLE) - old)
        return -1;
    size_t new_size = (size_t) (old + delta);
    wasm_value *elems = table->alloc.alloc(table->alloc.ctx, new_size * sizeof *elems);
    if (!elems)
        return -1;
    if (table->elems) {
        memcpy(elems, table->elems, (size_t) old * sizeof *elems);
        table->alloc.free(table->alloc.ctx, table->elems, (size_t) old * sizeof *elems);
    }
    for (size_t i = old; i < new_size; i++)
        elems[i] = init;
    table->elems = elems;
    table->limits.min = old + delta;
    return old;
}
