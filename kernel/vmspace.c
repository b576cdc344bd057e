#include "vmspace.h"
#include "arch.h"
#include "elf.h"
#include "kmalloc.h"
#include "page.h"
#include <string.h>

struct vmspace *vmspace_active;

struct vmspace *vmspace_create(struct account *account) {
    struct vmspace *vmspace = kmalloc(sizeof(*vmspace), account);
    void *arch = vmspace ? arch_vm_create(account) : NULL;
    if (!arch) {
        kfree(vmspace);
        return NULL;
    }
    *vmspace = (struct vmspace){.arch = arch, .account = account, .heap_end = USER_HEAP_BASE,
                                .data_end = USER_DATA_BASE, .stack_top = USER_STACK_TOP};
    return vmspace;
}

struct vmspace *vmspace_create_guest(struct account *account) {
    struct vmspace *vmspace = kmalloc(sizeof(*vmspace), account);
    void *arch = vmspace ? arch_guest_space_create(account) : NULL;
    if (!arch) {
        kfree(vmspace);
        return NULL;
    }
    *vmspace = (struct vmspace){.arch = arch, .guest = true, .account = account, .heap_end = USER_HEAP_BASE,
                                .data_end = USER_DATA_BASE, .stack_top = USER_STACK_TOP};
    return vmspace;
}

void vmspace_destroy(struct vmspace *vmspace) {
    if (vmspace->guest) {
        arch_guest_space_destroy(vmspace->arch, vmspace->account);
    } else {
        if (vmspace_active == vmspace) // never free the tables the CPU is walking
            vmspace_switch(NULL);
        arch_vm_destroy(vmspace->arch, vmspace->account);
    }
    kfree(vmspace);
}

void vmspace_switch(struct vmspace *vmspace) {
    if (vmspace == vmspace_active)
        return;
    vmspace_active = vmspace;
    arch_vm_activate(vmspace ? vmspace->arch : NULL);
}

// Maps `size` bytes of fresh zeroed pages at va; on failure none stays
// mapped, so that a later try at the same place can succeed.
static error_t map_new(struct vmspace *vmspace, uintptr_t va, size_t size, unsigned flags) {
    for (size_t off = 0; off < size; off += PAGE_SIZE) {
        paddr_t page = page_alloc(1, vmspace->account);
        error_t err = page ? OK : E_NO_MEMORY;
        if (page) {
            memset(paddr_to_ptr(page), 0, PAGE_SIZE);
            err = arch_vm_map(vmspace->arch, va + off, page, PAGE_SIZE, flags | VM_OWNED, vmspace->account);
            if (err)
                page_free(page, 1, vmspace->account);
        }
        if (err) {
            arch_vm_unmap(vmspace->arch, va, off, vmspace->account);
            return err;
        }
    }
    return OK;
}

// Copies into the space regardless of the pages' user permissions (for
// loading; the pages must be mapped).
static void write_mapped(struct vmspace *vmspace, uintptr_t va, const void *src, size_t len) {
    while (len > 0) {
        paddr_t pa;
        unsigned flags;
        size_t chunk = MIN(len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        if (!arch_vm_lookup(vmspace->arch, va, &pa, &flags))
            PANIC("write_mapped to an unmapped page");
        memcpy(paddr_to_ptr(pa), src, chunk);
        va += chunk;
        src = (const char *) src + chunk;
        len -= chunk;
    }
}

error_t vmspace_load_elf(struct vmspace *vmspace, const void *elf, size_t size, uintptr_t *entry,
                         const char **reason) {
    static struct elf_image image; // big; the kernel is not preempted
    error_t err = elf_parse(elf, size, USER_BASE, USER_HEAP_BASE, &image, reason);
    if (err)
        return err;
    for (uint32_t i = 0; i < image.num_segments; i++) {
        const struct elf_segment *seg = &image.segments[i];
        unsigned flags = (seg->flags & ELF_R ? VM_READ : 0) | (seg->flags & ELF_W ? VM_WRITE : 0)
                       | (seg->flags & ELF_X ? VM_EXEC : 0);
        if ((err = map_new(vmspace, seg->vaddr, seg->memsz, flags))) {
            *reason = "out of memory";
            return err;
        }
        write_mapped(vmspace, seg->data_vaddr, (const char *) elf + seg->file_offset, seg->file_size);
        vmspace->elf_end = MAX(vmspace->elf_end, seg->vaddr + seg->memsz);
    }
    *entry = image.entry;
    return OK;
}

uintptr_t vmspace_place(struct vmspace *vmspace, const void *data, size_t len) {
    uintptr_t va = vmspace->data_end;
    size_t size = ALIGN_UP(len, PAGE_SIZE);
    if (len == 0 || va + size > USER_DATA_END)
        return 0;
    if (map_new(vmspace, va, size, VM_READ))
        return 0;
    write_mapped(vmspace, va, data, len);
    vmspace->data_end += size + PAGE_SIZE; // a hole between placements
    return va;
}

// The whole pages are shared; a last partial page is copied into a fresh
// zeroed page, so that the app sees nothing past `len` of what follows.
uintptr_t vmspace_share(struct vmspace *vmspace, const void *data, size_t len) {
    uintptr_t va = vmspace->data_end;
    size_t size = ALIGN_UP(len, PAGE_SIZE), whole = ALIGN_DOWN(len, PAGE_SIZE);
    if (len == 0 || va + size > USER_DATA_END || ((uintptr_t) data & (PAGE_SIZE - 1))
        || !arch_is_kernel_ram(data, len))
        return 0;
    if (whole && arch_vm_map(vmspace->arch, va, ptr_to_paddr(data), whole, VM_READ, vmspace->account))
        return 0;
    if (whole < len) {
        if (map_new(vmspace, va + whole, PAGE_SIZE, VM_READ)) {
            arch_vm_unmap(vmspace->arch, va, whole, vmspace->account);
            return 0;
        }
        write_mapped(vmspace, va + whole, (const char *) data + whole, len - whole);
    }
    vmspace->data_end += size + PAGE_SIZE;
    return va;
}

uintptr_t vmspace_alloc_dma(struct vmspace *vmspace, size_t size, paddr_t *paddr) {
    size_t len = ALIGN_UP(size, PAGE_SIZE);
    uintptr_t va = vmspace->data_end;
    if (size == 0 || va + len > USER_DATA_END)
        return 0;
    paddr_t pa = page_alloc(len / PAGE_SIZE, vmspace->account);
    if (!pa)
        return 0;
    memset(paddr_to_ptr(pa), 0, len);
    if (arch_vm_map(vmspace->arch, va, pa, len, VM_READ | VM_WRITE | VM_OWNED, vmspace->account)) {
        page_free(pa, len / PAGE_SIZE, vmspace->account);
        return 0;
    }
    vmspace->data_end += len + PAGE_SIZE;
    *paddr = pa;
    return va;
}

uintptr_t vmspace_map_device(struct vmspace *vmspace, paddr_t base, size_t size) {
    paddr_t start = ALIGN_DOWN(base, PAGE_SIZE);
    size_t len = ALIGN_UP(base + size, PAGE_SIZE) - start;
    uintptr_t va = vmspace->data_end;
    if (size == 0 || va + len > USER_DATA_END
        || arch_vm_map(vmspace->arch, va, start, len, VM_READ | VM_WRITE | VM_DEVICE, vmspace->account))
        return 0;
    vmspace->data_end += len + PAGE_SIZE;
    return va + (base - start);
}

// Stacks are mapped as they are used: a new one gets its top page, and
// every other page of it comes when first touched (vmspace_fault_in), by
// the app or by a system call given a buffer there. Most threads use a few
// pages of their 64 KiB.
uintptr_t vmspace_new_stack(struct vmspace *vmspace) {
    if (vmspace->num_spare > 0)
        return vmspace->spare_stacks[--vmspace->num_spare];
    uintptr_t top = vmspace->stack_top;
    uintptr_t bottom = top - USER_STACK_SIZE;
    if (bottom < USER_DATA_END)
        return 0;
    if (map_new(vmspace, top - PAGE_SIZE, PAGE_SIZE, VM_READ | VM_WRITE))
        return 0;
    vmspace->stack_top = bottom - PAGE_SIZE; // a guard page below each stack
    return top;
}

// Whether `addr` lies in a stack made so far (not in a guard page below one).
static bool in_stack(const struct vmspace *vmspace, uintptr_t addr) {
    const uintptr_t stride = USER_STACK_SIZE + PAGE_SIZE;
    return addr < USER_STACK_TOP && addr >= vmspace->stack_top + PAGE_SIZE
        && (USER_STACK_TOP - 1 - addr) % stride < USER_STACK_SIZE;
}

NOINLINE bool vmspace_fault_in(struct vmspace *vmspace, uintptr_t addr) {
    paddr_t pa;
    unsigned flags;
    uintptr_t page = ALIGN_DOWN(addr, PAGE_SIZE);
    return in_stack(vmspace, addr) && !arch_vm_lookup(vmspace->arch, page, &pa, &flags)
        && map_new(vmspace, page, PAGE_SIZE, VM_READ | VM_WRITE) == OK;
}

// Stacks past the spare slots stay mapped until the space goes: a program
// with more than VMSPACE_SPARE_STACKS exited threads at once is rare.
void vmspace_release_stack(struct vmspace *vmspace, uintptr_t top) {
    if (vmspace->num_spare < VMSPACE_SPARE_STACKS)
        vmspace->spare_stacks[vmspace->num_spare++] = top;
}

uintptr_t vmspace_grow_heap(struct vmspace *vmspace, size_t size) {
    uintptr_t va = vmspace->heap_end;
    size = ALIGN_UP(size, PAGE_SIZE);
    if (size == 0 || va + size > USER_HEAP_END || map_new(vmspace, va, size, VM_READ | VM_WRITE))
        return 0;
    vmspace->heap_end += size;
    return va;
}

// Whether every page of [addr, addr + len) is mapped with `need` (and is
// not device memory), mapping untouched stack pages on the way.
static NOINLINE error_t check_faulting_in(struct vmspace *vmspace, uintptr_t addr, size_t len, unsigned need) {
    for (uintptr_t page = ALIGN_DOWN(addr, PAGE_SIZE); page < addr + len; page += PAGE_SIZE) {
        paddr_t pa;
        unsigned flags;
        bool mapped = arch_vm_lookup(vmspace->arch, page, &pa, &flags)
                   || (vmspace_fault_in(vmspace, page) && arch_vm_lookup(vmspace->arch, page, &pa, &flags));
        if (!mapped || (flags & need) != need || (flags & VM_DEVICE))
            return E_BAD_ADDRESS;
    }
    return OK;
}

// The check on every copy's path, without calls: OK, E_BAD_ADDRESS, or
// E_NOT_FOUND when a page is not mapped (a stack page not yet used, or a
// bad address: check_faulting_in tells, off this path, so that the short
// loop keeps few registers).
static inline error_t check_mapped(struct vmspace *vmspace, uintptr_t addr, size_t len, unsigned need) {
    if (len == 0)
        return OK;
    if (addr + len < addr || addr + len > USER_END)
        return E_BAD_ADDRESS;
    for (uintptr_t page = ALIGN_DOWN(addr, PAGE_SIZE); page < addr + len; page += PAGE_SIZE) {
        paddr_t pa;
        unsigned flags;
        if (!arch_vm_lookup(vmspace->arch, page, &pa, &flags))
            return E_NOT_FOUND;
        if ((flags & need) != need || (flags & VM_DEVICE))
            return E_BAD_ADDRESS;
    }
    return OK;
}

error_t vmspace_check(struct vmspace *vmspace, uintptr_t addr, size_t len, unsigned need) {
    error_t err = check_mapped(vmspace, addr, len, need);
    return err == E_NOT_FOUND ? check_faulting_in(vmspace, addr, len, need) : err;
}

static inline void read_mapped(struct vmspace *vmspace, void *dst, uintptr_t src, size_t len) {
    while (len > 0) {
        paddr_t pa;
        unsigned flags;
        size_t chunk = MIN(len, PAGE_SIZE - (src & (PAGE_SIZE - 1)));
        arch_vm_lookup(vmspace->arch, src, &pa, &flags);
        memcpy(dst, paddr_to_ptr(pa), chunk);
        dst = (char *) dst + chunk;
        src += chunk;
        len -= chunk;
    }
}

// A copy that meets an unmapped page: the whole check again, mapping stack
// pages, then the copy.
static NOINLINE error_t copy_from_faulting_in(struct vmspace *vmspace, void *dst, uintptr_t src, size_t len) {
    error_t err = check_faulting_in(vmspace, src, len, VM_READ);
    if (!err)
        read_mapped(vmspace, dst, src, len);
    return err;
}

static NOINLINE error_t copy_to_faulting_in(struct vmspace *vmspace, uintptr_t dst, const void *src, size_t len) {
    error_t err = check_faulting_in(vmspace, dst, len, VM_WRITE);
    if (!err)
        write_mapped(vmspace, dst, src, len);
    return err;
}

// The common copy, of bytes within one mapped page: where the kernel reaches
// them with `need`, from one walk that both checks and translates (NULL:
// take the general path, which tells the error).
static inline void *within_one_page(struct vmspace *vmspace, uintptr_t addr, size_t len, unsigned need) {
    paddr_t pa;
    unsigned flags;
    if (len == 0 || (addr & (PAGE_SIZE - 1)) + len > PAGE_SIZE || addr >= USER_END
        || !arch_vm_lookup(vmspace->arch, addr, &pa, &flags) || (flags & need) != need || (flags & VM_DEVICE))
        return NULL;
    return paddr_to_ptr(pa);
}

error_t vmspace_copy_from(struct vmspace *vmspace, void *dst, uintptr_t src, size_t len) {
    const void *mapped = within_one_page(vmspace, src, len, VM_READ);
    if (mapped) {
        memcpy(dst, mapped, len);
        return OK;
    }
    error_t err = check_mapped(vmspace, src, len, VM_READ);
    if (err)
        return err == E_NOT_FOUND ? copy_from_faulting_in(vmspace, dst, src, len) : err;
    read_mapped(vmspace, dst, src, len);
    return OK;
}

error_t vmspace_copy_to(struct vmspace *vmspace, uintptr_t dst, const void *src, size_t len) {
    void *mapped = within_one_page(vmspace, dst, len, VM_WRITE);
    if (mapped) {
        memcpy(mapped, src, len);
        return OK;
    }
    error_t err = check_mapped(vmspace, dst, len, VM_WRITE);
    if (err)
        return err == E_NOT_FOUND ? copy_to_faulting_in(vmspace, dst, src, len) : err;
    write_mapped(vmspace, dst, src, len);
    return OK;
}
