#include "page.h"

static struct {
    paddr_t base;       // physical address of page 0
    uint64_t npages;    // pages covered by the bitmap
    uint64_t *bitmap;   // bit set = page in use or not RAM
    uint64_t free;      // pages free
    uint64_t hint;      // a word index at or before the first free page
} pages;

struct account kernel_account = {
    .name = "kernel", .limit = UINT64_MAX, .refs = 1,
};

static inline bool page_is_used(uint64_t index) {
    return pages.bitmap[index / 64] & (1ull << (index % 64));
}

static void page_mark(uint64_t first, uint64_t count, bool used) {
    for (uint64_t i = first; i < first + count; i++) {
        if (page_is_used(i) == used)
            continue;
        pages.bitmap[i / 64] ^= 1ull << (i % 64);
        pages.free += used ? -1 : 1;
    }
}

void page_init(paddr_t base, uint64_t npages, uint64_t *bitmap) {
    pages.base = base;
    pages.npages = npages;
    pages.bitmap = bitmap;
    pages.free = 0;
    pages.hint = 0;
    for (uint64_t i = 0; i < (npages + 63) / 64; i++)
        bitmap[i] = ~0ull;
}

// Clips [base, base + size) to whole pages inside the bitmap's span.
static bool page_range(paddr_t base, uint64_t size, bool inner, uint64_t *first, uint64_t *count) {
    paddr_t start = inner ? ALIGN_UP(base, PAGE_SIZE) : ALIGN_DOWN(base, PAGE_SIZE);
    paddr_t end = inner ? ALIGN_DOWN(base + size, PAGE_SIZE) : ALIGN_UP(base + size, PAGE_SIZE);
    paddr_t span_end = pages.base + pages.npages * PAGE_SIZE;
    start = MAX(start, pages.base);
    end = MIN(end, span_end);
    if (base + size < base || start >= end)
        return false;
    *first = (start - pages.base) / PAGE_SIZE;
    *count = (end - start) / PAGE_SIZE;
    return true;
}

void page_add_free(paddr_t base, uint64_t size) {
    uint64_t first, count;
    if (page_range(base, size, true, &first, &count))
        page_mark(first, count, false);
    pages.hint = 0;
}

void page_reserve(paddr_t base, uint64_t size) {
    uint64_t first, count;
    if (page_range(base, size, false, &first, &count))
        page_mark(first, count, true);
}

// First index of a run of `count` free pages at or after word `hint`, or
// pages.npages if there is none.
static uint64_t page_find_run(uint64_t count) {
    uint64_t run = 0;
    for (uint64_t i = pages.hint * 64; i < pages.npages; i++) {
        if (run == 0 && i % 64 == 0 && pages.bitmap[i / 64] == ~0ull) {
            i += 63;
            continue;
        }
        run = page_is_used(i) ? 0 : run + 1;
        if (run == count)
            return i + 1 - count;
    }
    return pages.npages;
}

paddr_t page_alloc(uint64_t count, struct account *account) {
    if (count == 0 || count > pages.free)
        return 0;
    if (!account_charge(account, count * PAGE_SIZE))
        return 0;
    uint64_t first = page_find_run(count);
    if (first == pages.npages) {
        account_uncharge(account, count * PAGE_SIZE);
        return 0;
    }
    page_mark(first, count, true);
    if (count == 1) // every page before `first` is in use
        pages.hint = (first + 1) / 64;
    return pages.base + first * PAGE_SIZE;
}

paddr_t page_alloc_aligned(uint64_t count, uint64_t align, struct account *account) {
    if (count == 0 || count > pages.free || align < PAGE_SIZE || (align & (align - 1)))
        return 0;
    if (!account_charge(account, count * PAGE_SIZE))
        return 0;
    uint64_t step = align / PAGE_SIZE;
    uint64_t first = (ALIGN_UP(pages.base, align) - pages.base) / PAGE_SIZE;
    for (; first + count <= pages.npages; first += step) {
        uint64_t i = 0;
        while (i < count && !page_is_used(first + i))
            i++;
        if (i == count) {
            page_mark(first, count, true);
            return pages.base + first * PAGE_SIZE;
        }
    }
    account_uncharge(account, count * PAGE_SIZE);
    return 0;
}

void page_free(paddr_t paddr, uint64_t count, struct account *account) {
    uint64_t first = (paddr - pages.base) / PAGE_SIZE;
    for (uint64_t i = first; i < first + count; i++)
        if (!page_is_used(i))
            PANIC("double free of page %lx", (unsigned long) (pages.base + i * PAGE_SIZE));
    page_mark(first, count, false);
    if (first / 64 < pages.hint)
        pages.hint = first / 64;
    account_uncharge(account, count * PAGE_SIZE);
}

uint64_t page_free_count(void) { return pages.free; }
