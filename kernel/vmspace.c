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

uintptr_t vmspace_new_stack(struct vmspace *vmspace) {
    if (vmspace->num_spare > 0)
        return vmspace->spare_stacks[--vmspace->num_spare];
    uintptr_t top = vmspace->stack_top;
    uintptr_t bottom = top - USER_STACK_SIZE;
    if (bottom < USER_DATA_END)
        return 0;
    if (map_new(vmspace, bottom, USER_STACK_SIZE, VM_READ | VM_WRITE))
        return 0;
    vmspace->stack_top = bottom - PAGE_SIZE; // a guard page below each stack
    return top;
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

error_t vmspace_check(struct vmspace *vmspace, uintptr_t addr, size_t len, unsigned need) {
    if (len == 0)
        return OK;
    if (addr + len < addr || addr + len > USER_END)
        return E_BAD_ADDRESS;
    for (uintptr_t page = ALIGN_DOWN(addr, PAGE_SIZE); page < addr + len; page += PAGE_SIZE) {
        paddr_t pa;
        unsigned flags;
        if (!arch_vm_lookup(vmspace->arch, page, &pa, &flags) || (flags & need) != need)
            return E_BAD_ADDRESS;
    }
    return OK;
}

error_t vmspace_copy_from(struct vmspace *vmspace, void *dst, uintptr_t src, size_t len) {
    error_t err = vmspace_check(vmspace, src, len, VM_READ);
    if (err)
        return err;
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
    return OK;
}

error_t vmspace_copy_to(struct vmspace *vmspace, uintptr_t dst, const void *src, size_t len) {
    error_t err = vmspace_check(vmspace, dst, len, VM_WRITE);
    if (!err)
        write_mapped(vmspace, dst, src, len);
    return err;
}
