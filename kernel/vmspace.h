// User address spaces: the lower half of Sv39, laid out as
//
//   0x0000010000  the app's ELF segments (text, data, bss)
//   0x1000000000  the heap, growing up (heap_grow)
//   0x2000000000  data the kernel places: the environment, granted blobs
//   0x3f00000000  thread stacks, growing down, each under a guard page
//
// Pages the space allocates are charged to the app's account and freed with
// the space. The kernel reaches app memory only through vmspace_copy_*,
// which check every page's user permissions.
#pragma once
#include "account.h"

#define USER_BASE        0x10000ull
#define USER_END         (1ull << 38)
#define USER_HEAP_BASE   0x1000000000ull
#define USER_HEAP_END    0x2000000000ull
#define USER_DATA_BASE   0x2000000000ull
#define USER_DATA_END    0x3000000000ull // stacks stay above
#define USER_STACK_TOP   0x3f00000000ull
#define USER_STACK_SIZE  (64 * 1024)

#define VMSPACE_SPARE_STACKS 16

struct vmspace {
    void *arch;              // the arch's page table (a guest space's G-stage tables)
    bool guest;              // a guest-physical address space (vm mode)
    struct account *account; // pays for the pages
    uint64_t elf_end;        // end of the ELF's segments
    uint64_t heap_end;       // next heap address
    uint64_t data_end;       // next address in the data area
    uint64_t stack_top;      // top of the next new thread stack
    uint32_t num_spare;      // stacks of exited threads, kept mapped for reuse
    uint64_t spare_stacks[VMSPACE_SPARE_STACKS];
};

struct vmspace *vmspace_create(struct account *account);
// A guest-physical address space (vm mode) with the same layout: the
// guest's addresses are these, translated by the G-stage tables.
struct vmspace *vmspace_create_guest(struct account *account);
void vmspace_destroy(struct vmspace *vmspace);
// Loads an ELF executable; returns its entry point via *entry. On a bad
// file, *reason says what is wrong.
error_t vmspace_load_elf(struct vmspace *vmspace, const void *elf, size_t size, uintptr_t *entry,
                         const char **reason);
// Copies `len` bytes into fresh read-only pages of the data area; returns
// their address (0 on failure).
uintptr_t vmspace_place(struct vmspace *vmspace, const void *data, size_t len);
// Maps existing memory (kernel RAM, page-aligned start) read-only into the
// data area without copying; returns its address (0 on failure).
uintptr_t vmspace_share(struct vmspace *vmspace, const void *data, size_t len);
// Maps device registers [base, base + size) read-write into the data area
// (the caller checked the grant); returns the address of `base` (0 on
// failure). The kernel never copies to or from such pages.
uintptr_t vmspace_map_device(struct vmspace *vmspace, paddr_t base, size_t size);
// `size` bytes (whole pages) of zeroed, physically contiguous memory mapped
// read-write into the data area and freed with the space: its address (0
// on failure), its physical address in *paddr.
uintptr_t vmspace_alloc_dma(struct vmspace *vmspace, size_t size, paddr_t *paddr);
// A thread stack (a spare one if there is one); returns its top (0 on
// failure). Only its top page is mapped yet.
uintptr_t vmspace_new_stack(struct vmspace *vmspace);
// Maps the page of `addr` if it is an untouched page of a thread stack
// (they are mapped as they are used); false for any other address, or
// without memory (then the access is a fault).
bool vmspace_fault_in(struct vmspace *vmspace, uintptr_t addr);
// The stack of an exited thread, for the next thread to reuse.
void vmspace_release_stack(struct vmspace *vmspace, uintptr_t top);
// `size` more bytes of zeroed heap; returns their address (0 on failure).
uintptr_t vmspace_grow_heap(struct vmspace *vmspace, size_t size);
// Copies between kernel memory and the app's; E_BAD_ADDRESS if any byte is
// not mapped for the user with the needed permission.
error_t vmspace_copy_from(struct vmspace *vmspace, void *dst, uintptr_t src, size_t len);
error_t vmspace_copy_to(struct vmspace *vmspace, uintptr_t dst, const void *src, size_t len);
error_t vmspace_check(struct vmspace *vmspace, uintptr_t addr, size_t len, unsigned need);
// Makes the scheduler's next thread's space current (kernel threads keep
// whatever is active: the kernel half is the same everywhere).
void vmspace_switch(struct vmspace *vmspace);
extern struct vmspace *vmspace_active; // the space in satp, NULL for the kernel's
