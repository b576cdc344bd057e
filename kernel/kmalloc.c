#include "kmalloc.h"
#include "arch.h"
#include "page.h"
#include <string.h>

#define NUM_CLASSES    7 // 32, 64, ..., 2048 bytes, header included
#define MIN_CLASS_SIZE 32
#define LARGE          0xffffffffu
#define HEADER_MAGIC   0xa110c8edu

// Precedes every block. 16 bytes, so blocks stay 16-byte aligned.
struct header {
    struct account *account; // charged for this block
    uint32_t size_class;     // index into free_lists, or LARGE - pages for a page run
    uint32_t magic;          // HEADER_MAGIC while allocated
};

struct free_block {
    struct free_block *next;
};

static struct free_block *free_lists[NUM_CLASSES];
static uint64_t free_bytes;

static inline size_t class_size(uint32_t size_class) { return (size_t) MIN_CLASS_SIZE << size_class; }

// Carves a fresh page into free blocks of one class.
static NOINLINE bool refill(uint32_t size_class) {
    paddr_t page = page_alloc(1, &kernel_account);
    if (!page)
        return false;
    char *base = paddr_to_ptr(page);
    size_t size = class_size(size_class);
    for (size_t off = 0; off < PAGE_SIZE; off += size) {
        struct free_block *block = (struct free_block *) (base + off);
        block->next = free_lists[size_class];
        free_lists[size_class] = block;
    }
    free_bytes += PAGE_SIZE;
    return true;
}

static struct header *alloc_small(uint32_t size_class, struct account *account) {
    size_t size = class_size(size_class);
    if (!account_charge(account, size))
        return NULL;
    if (!free_lists[size_class] && !refill(size_class)) {
        account_uncharge(account, size);
        return NULL;
    }
    struct free_block *block = free_lists[size_class];
    free_lists[size_class] = block->next;
    free_bytes -= size;
    return (struct header *) block;
}

static NOINLINE struct header *alloc_large(size_t total, struct account *account, uint32_t *pages) {
    *pages = ALIGN_UP(total, PAGE_SIZE) / PAGE_SIZE;
    paddr_t paddr = page_alloc(*pages, account);
    return paddr ? paddr_to_ptr(paddr) : NULL;
}

void *kmalloc(size_t size, struct account *account) {
    if (size > (1ull << 32))
        return NULL;
    size_t total = size + sizeof(struct header);
    uint32_t size_class = 0; // (a loop: rv64imac has no count-leading-zeros)
    while (size_class < NUM_CLASSES && class_size(size_class) < total)
        size_class++;
    struct header *header;
    uint32_t large_pages = 0;
    if (size_class < NUM_CLASSES) {
        header = alloc_small(size_class, account);
    } else {
        header = alloc_large(total, account, &large_pages);
        size_class = LARGE;
    }
    if (!header)
        return NULL;
    header->account = account;
    header->size_class = size_class == LARGE ? LARGE - large_pages : size_class;
    header->magic = HEADER_MAGIC;
    return header + 1;
}

void *kzalloc(size_t size, struct account *account) {
    void *ptr = kmalloc(size, account);
    if (ptr)
        memset(ptr, 0, size);
    return ptr;
}

static NOINLINE void free_large(struct header *header, uint32_t pages) {
    page_free(ptr_to_paddr(header), pages, header->account);
}

void kfree(void *ptr) {
    if (!ptr)
        return;
    struct header *header = (struct header *) ptr - 1;
    if (header->magic != HEADER_MAGIC)
        PANIC("kfree of a bad or freed block %p", ptr);
    header->magic = 0;
    struct account *account = header->account;
    uint32_t size_class = header->size_class;
    if (size_class < NUM_CLASSES) {
        struct free_block *block = (struct free_block *) header;
        block->next = free_lists[size_class];
        free_lists[size_class] = block;
        free_bytes += class_size(size_class);
        account_uncharge(account, class_size(size_class));
    } else {
        free_large(header, LARGE - size_class);
    }
}

uint64_t kmalloc_free_bytes(void) { return free_bytes; }
