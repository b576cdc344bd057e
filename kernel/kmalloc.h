// The general kernel allocator. Small blocks come from per-size-class free
// lists carved out of whole pages; large ones are runs of pages. Every block
// is charged to an account (its full size class or page run) until freed.
#pragma once
#include "account.h"

// A block of at least `size` bytes, 16-byte aligned, charged to `account`;
// NULL when memory or the account's quota runs out. Not zeroed.
void *kmalloc(size_t size, struct account *account);
// Like kmalloc, but zeroed.
void *kzalloc(size_t size, struct account *account);
// Frees a block from kmalloc and releases its charge. NULL is ignored.
void kfree(void *ptr);
// Bytes in blocks that are free for reuse (not counting free pages).
uint64_t kmalloc_free_bytes(void);
