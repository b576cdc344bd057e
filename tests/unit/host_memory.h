// A page-aligned arena handed to the kernel's page allocator in host tests.
#pragma once
#include "page.h"
#include <stdlib.h>

#define HOST_PAGES 256

static inline void *host_memory_init(void) {
    static uint64_t bitmap[(HOST_PAGES + 63) / 64];
    void *arena = aligned_alloc(PAGE_SIZE, HOST_PAGES * PAGE_SIZE);
    page_init((paddr_t) (uintptr_t) arena, HOST_PAGES, bitmap);
    page_add_free((paddr_t) (uintptr_t) arena, HOST_PAGES * PAGE_SIZE);
    return arena;
}
