// The general kernel allocator. Small blocks come from slabs (pages carved
// into blocks of one size class, returned to the page allocator when empty);
// large ones are runs of pages. Every block is charged to an account (its
// full size class or page run) until freed.
#pragma once
#include "account.h"

// A block of at least `size` bytes, 16-byte aligned, charged to `account`;
// NULL when memory or the account's quota runs out. Not zeroed.
void *kmalloc(size_t size, struct account *account);
// Like kmalloc, but zeroed.
void *kzalloc(size_t size, struct account *account);
// Frees a block from kmalloc and releases its charge. NULL is ignored.
void kfree(void *ptr);

struct kmalloc_stats {
    uint64_t slab_pages;       // pages held by slabs
    uint64_t empty_slab_pages; // of those, empty ones kept for reuse (at most one per class)
    uint64_t slab_free_bytes;  // free blocks in the slabs in use (the empty ones not counted)
};
void kmalloc_stats(struct kmalloc_stats *stats);
// Pages free for any use: the page allocator's, plus the empty slabs kept
// for reuse. Free blocks inside slabs that are in use do not count.
uint64_t kmalloc_free_pages(void);
