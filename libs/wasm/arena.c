// The bump allocator that holds a module's or instance's fixed-size data.
#include "internal.h"
#include <string.h>

#define ARENA_CHUNK 4096u

struct arena_chunk {
    struct arena_chunk *next;
    size_t size;  // bytes including this header
    size_t used;
};

void wasm_arena_init(struct arena *arena, const struct wasm_allocator *alloc) {
    arena->alloc = *alloc;
    arena->chunks = NULL;
}

static struct arena_chunk *arena_new_chunk(struct arena *arena, size_t need) {
    size_t size = sizeof(struct arena_chunk) + need;
    if (size < need)
        return NULL;
    if (size < ARENA_CHUNK)
        size = ARENA_CHUNK;
    struct arena_chunk *chunk = arena->alloc.alloc(arena->alloc.ctx, size);
    if (!chunk)
        return NULL;
    chunk->size = size;
    chunk->used = sizeof(struct arena_chunk);
    chunk->next = arena->chunks;
    arena->chunks = chunk;
    return chunk;
}

// Returns zeroed memory for count*size bytes (at least 1), 8-byte aligned.
void *wasm_arena_alloc(struct arena *arena, size_t count, size_t size) {
    if (size && count > SIZE_MAX / size)
        return NULL;
    size_t bytes = (count * size + 7) & ~(size_t) 7;
    if (bytes == 0)
        bytes = 8;
    struct arena_chunk *chunk = arena->chunks;
    if (!chunk || chunk->size - chunk->used < bytes) {
        chunk = arena_new_chunk(arena, bytes);
        if (!chunk)
            return NULL;
    }
    uint8_t *ptr = (uint8_t *) chunk + chunk->used;
    chunk->used += bytes;
    memset(ptr, 0, bytes);
    return ptr;
}

void wasm_arena_free_all(struct arena *arena) {
    while (arena->chunks) {
        struct arena_chunk *next = arena->chunks->next;
        arena->alloc.free(arena->alloc.ctx, arena->chunks, arena->chunks->size);
        arena->chunks = next;
    }
}
