// Small blocks live in slabs: whole pages, each with a header and the free
// list of its own blocks, all of one size class. A class keeps its slabs
// that have a free block on a list; a slab whose last block is freed goes
// back to the page allocator, except one empty slab per class kept for the
// next allocation (so a message sent and received in a loop does not take
// and return a page each time). Large blocks are runs of whole pages.
#include "kmalloc.h"
#include "arch.h"
#include "page.h"
#include <string.h>

#define NUM_CLASSES  7
#define LARGE        0xffffffffu
#define HEADER_MAGIC 0xa110c8edu
#define SLAB_MAGIC   0x51ab51abu

// Block sizes, header included: multiples of 16 chosen so that the blocks
// fill a page after its 32-byte slab header (127, 63, 31, 16, 8, 4, 2 blocks).
static const uint32_t class_sizes[NUM_CLASSES] = {32, 64, 128, 240, 496, 1008, 2032};
// The class of a block of `total` bytes (header included) is
// class_of[(total - 1) / 16]: a load instead of a search on every kmalloc.
static const uint8_t class_of[127] = {
    [0 ... 1] = 0, [2 ... 3] = 1, [4 ... 7] = 2, [8 ... 14] = 3,
    [15 ... 30] = 4, [31 ... 62] = 5, [63 ... 126] = 6,
};

// Precedes every block. 16 bytes, so blocks stay 16-byte aligned.
struct header {
    struct account *account; // charged for this block
    uint32_t size_class;     // index into class_sizes, or LARGE - pages for a page run
    uint32_t magic;          // HEADER_MAGIC while allocated
};

struct free_block {
    struct free_block *next;
};

// The first 32 bytes of a slab page; its blocks follow.
struct slab {
    struct list link;        // in its class's list while it has a free block
    struct free_block *free; // its free blocks
    uint16_t in_use;         // blocks allocated
    uint16_t size_class;
    uint32_t magic;          // SLAB_MAGIC
};
_Static_assert(sizeof(struct slab) == 32, "slab header size");

static struct {
    struct list partial;     // slabs with a free block
    struct slab *kept;       // the empty slab kept for reuse, if it still is empty
    uint64_t pad;            // (32 bytes: indexing is a shift)
} classes[NUM_CLASSES] = {
#define CLASS_INIT(i) [i] = {.partial = LIST_INIT(classes[i].partial)}
    CLASS_INIT(0), CLASS_INIT(1), CLASS_INIT(2), CLASS_INIT(3),
    CLASS_INIT(4), CLASS_INIT(5), CLASS_INIT(6),
};

static uint64_t slab_pages; // pages the slabs hold, the kept empty ones included

// A fresh slab of `size_class` with every block free, on its class's list.
static NOINLINE struct slab *slab_create(uint32_t size_class) {
    paddr_t page = page_alloc(1, &kernel_account);
    if (!page)
        return NULL;
    struct slab *slab = paddr_to_ptr(page);
    *slab = (struct slab){.size_class = (uint16_t) size_class, .magic = SLAB_MAGIC};
    uint32_t size = class_sizes[size_class];
    char *base = (char *) slab;
    for (uint32_t i = (PAGE_SIZE - sizeof(struct slab)) / size; i-- > 0;) {
        struct free_block *block = (struct free_block *) (base + sizeof(struct slab) + i * size);
        block->next = slab->free;
        slab->free = block;
    }
    list_push_back(&classes[size_class].partial, &slab->link);
    slab_pages++;
    return slab;
}

// Takes a free block from a slab that has one.
static inline struct header *slab_take(struct slab *slab) {
    struct free_block *block = slab->free;
    slab->free = block->next;
    slab->in_use++;
    if (!slab->free)
        list_remove(&slab->link); // full: off the list until a block comes back
    return (struct header *) block;
}

static inline void *header_init(struct header *header, struct account *account, uint32_t size_class) {
    header->account = account;
    header->size_class = size_class;
    header->magic = HEADER_MAGIC;
    return header + 1;
}

// A small block when its class has no slab with a free block, or when
// charging may fail.
static NOINLINE void *alloc_small_slow(uint32_t size_class, struct account *account) {
    if (!account_charge(account, class_sizes[size_class]))
        return NULL;
    struct list *partial = &classes[size_class].partial;
    struct slab *slab = list_is_empty(partial) ? slab_create(size_class)
                                               : container_of(partial->next, struct slab, link);
    if (!slab) {
        account_uncharge(account, class_sizes[size_class]);
        return NULL;
    }
    return header_init(slab_take(slab), account, size_class);
}

static NOINLINE void *alloc_large(size_t size, struct account *account) {
    if (size > (1ull << 32))
        return NULL;
    uint64_t pages = ALIGN_UP(size + sizeof(struct header), PAGE_SIZE) / PAGE_SIZE;
    paddr_t paddr = page_alloc(pages, account);
    return paddr ? header_init(paddr_to_ptr(paddr), account, LARGE - (uint32_t) pages) : NULL;
}

// The fast path makes no call: a slab with a free block, and room in the
// account's quota; every other case is out of line.
void *kmalloc(size_t size, struct account *account) {
    if (size > class_sizes[NUM_CLASSES - 1] - sizeof(struct header))
        return alloc_large(size, account);
    uint32_t size_class = class_of[(size + sizeof(struct header) - 1) / 16];
    uint64_t used = account->used + class_sizes[size_class];
    struct list *partial = &classes[size_class].partial;
    if (__builtin_expect(used > account->limit || list_is_empty(partial), 0))
        return alloc_small_slow(size_class, account);
    account->used = used; // account_charge, known to succeed
    account->refs++;
    return header_init(slab_take(container_of(partial->next, struct slab, link)), account, size_class);
}

void *kzalloc(size_t size, struct account *account) {
    void *ptr = kmalloc(size, account);
    if (ptr)
        memset(ptr, 0, size);
    return ptr;
}

// The last block of `slab` came back. One empty slab per class is kept (the
// kept pointer may have gone stale: that slab is in use again); any other
// goes back to the page allocator.
static void slab_emptied(struct slab *slab) {
    struct slab **kept = &classes[slab->size_class].kept;
    if (!*kept || (*kept)->in_use > 0 || *kept == slab) {
        *kept = slab;
        return;
    }
    list_remove(&slab->link);
    slab->magic = 0;
    slab_pages--;
    page_free(ptr_to_paddr(slab), 1, &kernel_account);
}

// The slow end of kfree: a slab emptied, or an account whose last charge
// went (what account_uncharge would call).
static NOINLINE void free_small_slow(struct slab *slab, struct account *account) {
    if (slab->in_use == 0)
        slab_emptied(slab);
    if (account->refs == 0 && account->release)
        account->release(account);
}

static NOINLINE void free_large(struct header *header) {
    page_free(ptr_to_paddr(header), LARGE - header->size_class, header->account);
}

// The fast path makes no call: the block goes back to a slab that keeps
// others, and its account keeps other charges.
void kfree(void *ptr) {
    if (!ptr)
        return;
    struct header *header = (struct header *) ptr - 1;
    if (__builtin_expect(header->magic != HEADER_MAGIC, 0))
        PANIC("kfree of a bad or freed block %p", ptr);
    header->magic = 0;
    uint32_t size_class = header->size_class;
    if (size_class >= NUM_CLASSES)
        return free_large(header);
    struct account *account = header->account;
    struct slab *slab = (struct slab *) ALIGN_DOWN((uintptr_t) header, PAGE_SIZE);
    if (__builtin_expect(slab->magic != SLAB_MAGIC, 0))
        PANIC("kfree of a block %p outside a slab", ptr);
    struct free_block *block = (struct free_block *) header;
    if (!slab->free)
        list_push_back(&classes[size_class].partial, &slab->link);
    block->next = slab->free;
    slab->free = block;
    account->used -= class_sizes[size_class]; // account_uncharge, its call deferred
    account->refs--;
    if (__builtin_expect(--slab->in_use == 0 || account->refs == 0, 0))
        free_small_slow(slab, account);
}

// Walks the slabs with free blocks (full ones have none to count).
void kmalloc_stats(struct kmalloc_stats *stats) {
    uint64_t empty = 0, free_bytes = 0;
    for (uint32_t i = 0; i < NUM_CLASSES; i++) {
        LIST_FOR_EACH (slab, &classes[i].partial, struct slab, link) {
            empty += slab->in_use == 0;
            for (struct free_block *block = slab->free; block && slab->in_use; block = block->next)
                free_bytes += class_sizes[i];
        }
    }
    stats->slab_pages = slab_pages;
    stats->empty_slab_pages = empty;
    stats->slab_free_bytes = free_bytes;
}

uint64_t kmalloc_free_pages(void) {
    struct kmalloc_stats stats;
    kmalloc_stats(&stats);
    return page_free_count() + stats.empty_slab_pages;
}
