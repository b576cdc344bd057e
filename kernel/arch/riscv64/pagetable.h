#pragma once
#include "../../account.h"
#include "../../arch.h"

#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_G (1ull << 5)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
#define PTE_OWNED (1ull << 8) // software bit: a user page the space frees
#define PTE_DEVICE (1ull << 9) // software bit: device registers (never copied by the kernel)

// An empty root (or lower) table, or NULL when out of memory.
uint64_t *pagetable_create(struct account *account);
// Maps [va, va + size) to [pa, pa + size) with the largest pages that fit.
// Fails with E_ALREADY_EXISTS if any page is already mapped.
// Tables it needs are charged to `account`.
error_t pagetable_map(uint64_t *root, vaddr_t va, paddr_t pa, uint64_t size, uint64_t flags,
                      struct account *account);
void pagetable_activate(uint64_t *root);
uint64_t *pagetable_create_user(const uint64_t *kernel, struct account *account);
uint64_t *pagetable_leaf(uint64_t *root, vaddr_t va);
// The root table in satp (for flushing after changes to the running space).
extern uint64_t *pagetable_active;
void pagetable_destroy_user(uint64_t *root, struct account *account);
// Frees the tables below `root` in its lower half, and the pages mapped
// owned, but not the root itself.
void pagetable_destroy_levels(uint64_t *root, struct account *account);
