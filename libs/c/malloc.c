// The heap: malloc, free, calloc, realloc over regions from __libc_morecore.
//
// The heap is a sequence of blocks, each a 16-byte header followed by its
// payload; sizes count the header and are multiples of 16, so payloads stay
// 16-byte aligned. Each region ends with an "epilogue" header (size 0, in
// use) that stops merging at the region's end. Invariants:
// - a free block's neighbours are both in use (free blocks are merged at once);
// - a block's PREV_IN_USE flag tells whether the block before it is in use,
//   and when it is not, prev_size holds that free block's size;
// - every free block is in exactly one bin: bins[b] holds the free blocks
//   with 2^b <= size < 2^(b+1), and bit b of nonempty says the bin has one.
// malloc takes the first fitting block of the request's bin, else the first
// block of the next nonempty bin (all of which fit), and splits off the rest.
#include "libc_test_names.h" // first: renames for host tests, see there

#include "include/aster_libc.h"
#include "include/stdlib.h"
#include "include/string.h"
#include <stdbool.h>
#include <stdint.h>

#define ALIGNMENT 16
#define HEADER_SIZE 16                // struct block up to the free-list links
#define MIN_BLOCK 32                  // a header and room for the links
#define CHUNK_SIZE (64 * 1024)        // the heap grows by multiples of this
#define REQUEST_MAX (PTRDIFF_MAX / 2) // larger requests fail at once
#define NUM_BINS 64

#define IN_USE ((size_t) 1) // flags in the low bits of size_flags
#define PREV_IN_USE ((size_t) 2)
#define FLAGS (IN_USE | PREV_IN_USE)

// Each field takes 8 bytes also where size_t and pointers are 4 (wasm32),
// so the layout (HEADER_SIZE, MIN_BLOCK) is the same on every target.
#define SLOT __attribute__((aligned(8)))
struct block {
    SLOT size_t prev_size;        // size of the block before; valid only while that one is free
    SLOT size_t size_flags;       // this block's size, header included, | IN_USE | PREV_IN_USE
    SLOT struct block *next_free; // free blocks only (else the payload starts here): bin links
    SLOT struct block *prev_free;
};

static struct {
    struct block *bins[NUM_BINS];
    uint64_t nonempty; // bit b set when bins[b] has a block
    char *end;         // end of the latest region (after its epilogue), to join one that follows
    int lock;          // spin lock over all of the above
} heap;

_Static_assert(sizeof(struct block) == MIN_BLOCK, "a free block's fields fill a minimal block");

#ifdef ASTER_LIBC_TEST
// Host tests link every libs/c source: one that does not exercise the heap
// gets this stand-in, one that does defines its own hook, which wins.
__attribute__((weak)) void *__libc_morecore(size_t size) {
    (void) size;
    return NULL;
}
#endif

static void heap_lock(void) {
    while (__atomic_exchange_n(&heap.lock, 1, __ATOMIC_ACQUIRE))
        ;
}

static void heap_unlock(void) { __atomic_store_n(&heap.lock, 0, __ATOMIC_RELEASE); }

static size_t block_size(const struct block *b) { return b->size_flags & ~FLAGS; }
static bool in_use(const struct block *b) { return b->size_flags & IN_USE; }
static struct block *next_block(struct block *b) { return (struct block *) ((char *) b + block_size(b)); }
static struct block *block_of(void *payload) { return (struct block *) ((char *) payload - HEADER_SIZE); }
static void *payload_of(struct block *b) { return (char *) b + HEADER_SIZE; }

// Heap corruption or a bad pointer passed to free/realloc: stop the app.
static void heap_fail(void) { __builtin_trap(); }

static int bin_of(size_t size) { return 63 - __builtin_clzll((unsigned long long) size); }

static void bin_insert(struct block *b) {
    int bin = bin_of(block_size(b));
    b->prev_free = NULL;
    b->next_free = heap.bins[bin];
    if (b->next_free)
        b->next_free->prev_free = b;
    heap.bins[bin] = b;
    heap.nonempty |= 1ull << bin;
}

static void bin_remove(struct block *b) {
    int bin = bin_of(block_size(b));
    if (b->prev_free)
        b->prev_free->next_free = b->next_free;
    else
        heap.bins[bin] = b->next_free;
    if (b->next_free)
        b->next_free->prev_free = b->prev_free;
    if (!heap.bins[bin])
        heap.nonempty &= ~(1ull << bin);
}

// Makes `b` (not in a bin, its header's size set) free: merges it with free
// neighbours and puts the result in its bin.
static void release(struct block *b) {
    size_t size = block_size(b);
    struct block *next = next_block(b);
    if (!in_use(next)) {
        bin_remove(next);
        size += block_size(next);
    }
    if (!(b->size_flags & PREV_IN_USE)) {
        struct block *prev = (struct block *) ((char *) b - b->prev_size);
        bin_remove(prev);
        size += block_size(prev);
        b = prev;
    }
    b->size_flags = size | PREV_IN_USE; // the block before a free block is in use
    next = next_block(b);
    next->prev_size = size;
    next->size_flags &= ~PREV_IN_USE;
    bin_insert(b);
}

// Shrinks the in-use block `b` to `size` bytes, freeing the rest if it can
// form a block of its own.
static void trim(struct block *b, size_t size) {
    size_t rest = block_size(b) - size;
    if (rest < MIN_BLOCK)
        return;
    b->size_flags = size | (b->size_flags & FLAGS);
    struct block *tail = next_block(b);
    tail->size_flags = rest | PREV_IN_USE | IN_USE;
    release(tail);
}

// Takes the free block `b` out of its bin for a request of `size` bytes.
static void *take(struct block *b, size_t size) {
    bin_remove(b);
    b->size_flags |= IN_USE;
    next_block(b)->size_flags |= PREV_IN_USE;
    trim(b, size);
    return payload_of(b);
}

// A free block of at least `size` bytes, or NULL.
static struct block *find_free(size_t size) {
    int bin = bin_of(size);
    for (struct block *b = heap.bins[bin]; b; b = b->next_free)
        if (block_size(b) >= size)
            return b;
    uint64_t larger = bin == NUM_BINS - 1 ? 0 : heap.nonempty & ~((2ull << bin) - 1);
    return larger ? heap.bins[__builtin_ctzll(larger)] : NULL;
}

// Adds a region that can hold a block of `size` bytes to the heap.
static bool grow(size_t size) {
    size_t region_size = (size + HEADER_SIZE + ALIGNMENT + CHUNK_SIZE - 1) / CHUNK_SIZE * CHUNK_SIZE;
    char *region = __libc_morecore(region_size);
    if (!region)
        return false;
    char *start = (char *) (((uintptr_t) region + ALIGNMENT - 1) & ~(uintptr_t) (ALIGNMENT - 1));
    char *end = (char *) (((uintptr_t) region + region_size) & ~(uintptr_t) (ALIGNMENT - 1));
    struct block *b;
    if (start == region && region == heap.end) {
        b = (struct block *) (start - HEADER_SIZE); // the old epilogue, whose flags stay valid
        b->size_flags = (size_t) (end - HEADER_SIZE - (char *) b) | (b->size_flags & PREV_IN_USE);
    } else {
        b = (struct block *) start;
        b->size_flags = (size_t) (end - HEADER_SIZE - start) | PREV_IN_USE; // nothing before it
    }
    struct block *epilogue = (struct block *) (end - HEADER_SIZE);
    epilogue->size_flags = IN_USE;
    heap.end = end;
    release(b);
    return true;
}

// The block size for a request of `n` bytes, or 0 if it is too large.
static size_t block_size_for(size_t n) {
    if (n > REQUEST_MAX)
        return 0;
    size_t size = (n + HEADER_SIZE + ALIGNMENT - 1) & ~(size_t) (ALIGNMENT - 1);
    return size < MIN_BLOCK ? MIN_BLOCK : size;
}

// malloc with the lock held.
static void *allocate(size_t n) {
    size_t size = block_size_for(n);
    if (!size)
        return NULL;
    struct block *b = find_free(size);
    if (!b && grow(size))
        b = find_free(size);
    return b ? take(b, size) : NULL;
}

// The block of a pointer from malloc, checked as far as is cheap.
static struct block *checked_block(void *ptr) {
    struct block *b = block_of(ptr);
    if (((uintptr_t) ptr & (ALIGNMENT - 1)) || !in_use(b) || block_size(b) < MIN_BLOCK)
        heap_fail(); // not from malloc, or freed already
    return b;
}

void *malloc(size_t size) {
    heap_lock();
    void *ptr = allocate(size);
    heap_unlock();
    return ptr;
}

void free(void *ptr) {
    if (!ptr)
        return;
    heap_lock();
    struct block *b = checked_block(ptr);
    b->size_flags &= ~IN_USE;
    release(b);
    heap_unlock();
}

void *calloc(size_t count, size_t size) {
    size_t total;
    if (__builtin_mul_overflow(count, size, &total))
        return NULL;
    void *ptr = malloc(total);
    if (ptr)
        memset(ptr, 0, total);
    return ptr;
}

// Resizes the in-use block `b` in place to `size` bytes if it or the free
// block after it has room.
static bool resize_in_place(struct block *b, size_t size) {
    struct block *next = next_block(b);
    if (block_size(b) < size) {
        if (in_use(next) || block_size(b) + block_size(next) < size)
            return false;
        bin_remove(next);
        b->size_flags += block_size(next);
        next_block(b)->size_flags |= PREV_IN_USE;
    }
    trim(b, size);
    return true;
}

void *realloc(void *ptr, size_t n) {
    if (!ptr)
        return malloc(n);
    heap_lock();
    struct block *b = checked_block(ptr);
    size_t size = block_size_for(n);
    void *moved = NULL;
    if (size && resize_in_place(b, size)) {
        moved = ptr;
    } else if (size && (moved = allocate(n))) {
        memcpy(moved, ptr, block_size(b) - HEADER_SIZE); // all of the old payload fits
        b->size_flags &= ~IN_USE;
        release(b);
    }
    heap_unlock();
    return moved;
}
