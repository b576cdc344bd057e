// The physical page allocator: a bitmap over the span of physical RAM, one
// bit per 4 KiB page (1 = in use). Contiguous runs are found first-fit.
#pragma once
#include "account.h"
#include "common.h"

// Covers [base, base + npages pages) with `bitmap` (npages / 8 bytes, rounded
// up to 8), all pages marked in use until page_add_free.
void page_init(paddr_t base, uint64_t npages, uint64_t *bitmap);
// Marks whole pages inside [base, base + size) free / in use.
void page_add_free(paddr_t base, uint64_t size);
void page_reserve(paddr_t base, uint64_t size);
// Allocates `count` contiguous pages charged to `account`; returns 0 when
// memory or the account's quota runs out. The pages are not zeroed.
paddr_t page_alloc(uint64_t count, struct account *account);
// The same, with the run starting at a multiple of `align` bytes (a power of
// two, at least PAGE_SIZE).
paddr_t page_alloc_aligned(uint64_t count, uint64_t align, struct account *account);
void page_free(paddr_t paddr, uint64_t count, struct account *account);
uint64_t page_free_count(void);
