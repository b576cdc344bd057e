// Sv39 page tables: three levels of 512 entries; leaves may be 4 KiB, 2 MiB
// or 1 GiB pages. Tables are pages from the physical page allocator and are
// reached through the kernel's direct map.
#include "pagetable.h"
#include "../../page.h"
#include <string.h>

#define PTE_PPN_SHIFT 10
#define LEVEL_SHIFT(level) (12 + 9 * (level))
#define LEVEL_SIZE(level)  (1ull << LEVEL_SHIFT(level))

static inline uint64_t *pte_table(uint64_t pte) {
    return paddr_to_ptr((pte >> PTE_PPN_SHIFT) << 12);
}

static inline bool pte_is_leaf(uint64_t pte) { return (pte & (PTE_R | PTE_W | PTE_X)) != 0; }

uint64_t *pagetable_create(struct account *account) {
    paddr_t page = page_alloc(1, account);
    if (!page)
        return NULL;
    uint64_t *table = paddr_to_ptr(page);
    memset(table, 0, PAGE_SIZE);
    return table;
}

// Returns the entry mapping `va` at `level` (0 = 4 KiB), creating the tables
// above it, or NULL if memory runs out or a larger page already covers va.
static uint64_t *pte_slot(uint64_t *root, vaddr_t va, int level, struct account *account) {
    uint64_t *table = root;
    for (int l = 2; l > level; l--) {
        uint64_t *entry = &table[(va >> LEVEL_SHIFT(l)) & 511];
        if (!(*entry & PTE_V)) {
            uint64_t *next = pagetable_create(account);
            if (!next)
                return NULL;
            *entry = ((ptr_to_paddr(next) >> 12) << PTE_PPN_SHIFT) | PTE_V;
        } else if (pte_is_leaf(*entry)) {
            return NULL;
        }
        table = pte_table(*entry);
    }
    return &table[(va >> LEVEL_SHIFT(level)) & 511];
}

error_t pagetable_map(uint64_t *root, vaddr_t va, paddr_t pa, uint64_t size, uint64_t flags,
                      struct account *account) {
    if (!IS_ALIGNED(va | pa | size, PAGE_SIZE))
        return E_INVALID_ARG;
    while (size > 0) {
        int level = 2;
        while (level > 0 && (!IS_ALIGNED(va | pa, LEVEL_SIZE(level)) || size < LEVEL_SIZE(level)))
            level--;
        uint64_t *slot = pte_slot(root, va, level, account);
        if (!slot)
            return E_NO_MEMORY;
        if (*slot & PTE_V)
            return E_ALREADY_EXISTS;
        *slot = ((pa >> 12) << PTE_PPN_SHIFT) | flags | PTE_V | PTE_A | PTE_D;
        va += LEVEL_SIZE(level);
        pa += LEVEL_SIZE(level);
        size -= LEVEL_SIZE(level);
    }
    return OK;
}

uint64_t *pagetable_active;

void pagetable_activate(uint64_t *root) {
    pagetable_active = root;
    uint64_t satp = (8ull << 60) | (ptr_to_paddr(root) >> 12);
    __asm__ volatile("sfence.vma\n csrw satp, %0\n sfence.vma" ::"r"(satp) : "memory");
}

// A new user address space: its own lower half, the kernel's upper half
// (the root entries are copied, so the kernel's lower-level tables are
// shared; the kernel adds no root entries after boot).
uint64_t *pagetable_create_user(const uint64_t *kernel, struct account *account) {
    uint64_t *root = pagetable_create(account);
    if (root)
        memcpy(&root[256], &kernel[256], 256 * sizeof(uint64_t));
    return root;
}

// The 4 KiB leaf entry for `va`, or NULL if it is not mapped that way.
uint64_t *pagetable_leaf(uint64_t *root, vaddr_t va) {
    uint64_t *table = root;
    for (int level = 2; level > 0; level--) {
        uint64_t entry = table[(va >> LEVEL_SHIFT(level)) & 511];
        if (!(entry & PTE_V) || pte_is_leaf(entry))
            return NULL;
        table = pte_table(entry);
    }
    uint64_t *leaf = &table[(va >> 12) & 511];
    return (*leaf & PTE_V) ? leaf : NULL;
}

static void destroy_level(uint64_t *table, int level, int first, int last, struct account *account) {
    for (int i = first; i < last; i++) {
        uint64_t entry = table[i];
        if (!(entry & PTE_V))
            continue;
        if (pte_is_leaf(entry)) {
            if (entry & PTE_OWNED)
                page_free((entry >> PTE_PPN_SHIFT) << 12, 1, account);
        } else {
            destroy_level(pte_table(entry), level - 1, 0, 512, account);
        }
    }
    if (level < 2)
        page_free(ptr_to_paddr(table), 1, account);
}

void pagetable_destroy_levels(uint64_t *root, struct account *account) { destroy_level(root, 2, 0, 256, account); }

// Frees the lower half's tables and the pages marked owned, then the root;
// all were charged to `account`.
void pagetable_destroy_user(uint64_t *root, struct account *account) {
    pagetable_destroy_levels(root, account);
    page_free(ptr_to_paddr(root), 1, account);
}
