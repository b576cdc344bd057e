// What elf_parse promises about a successful result, checked the same way by
// the unit tests and the fuzzer.
#pragma once
#include "../kernel/elf.h"
#include <stdbool.h>

#define ELF_PROMISE(cond)                                                      \
    do {                                                                       \
        if (!(cond))                                                           \
            return #cond;                                                      \
    } while (0)

// NULL if every promise holds for `image` parsed from a file of `size`
// bytes for the user range [base, end); else the first broken one.
static inline const char *elf_broken_promise(size_t size, uint64_t base, uint64_t end,
                                             const struct elf_image *image) {
    ELF_PROMISE(image->num_segments >= 1 && image->num_segments <= ELF_MAX_SEGMENTS);
    bool entry_found = false;
    for (uint32_t i = 0; i < image->num_segments; i++) {
        const struct elf_segment *s = &image->segments[i];
        ELF_PROMISE(s->vaddr % ELF_PAGE_SIZE == 0 && s->memsz % ELF_PAGE_SIZE == 0 && s->memsz > 0);
        ELF_PROMISE(s->vaddr >= base && s->memsz <= end - s->vaddr);
        ELF_PROMISE(s->file_offset <= size && s->file_size <= size - s->file_offset);
        ELF_PROMISE(s->data_vaddr >= s->vaddr && s->data_vaddr - s->vaddr < ELF_PAGE_SIZE);
        ELF_PROMISE(s->file_size <= s->vaddr + s->memsz - s->data_vaddr);
        ELF_PROMISE(s->flags != 0 && (s->flags & ~(ELF_R | ELF_W | ELF_X)) == 0);
        ELF_PROMISE(!((s->flags & ELF_W) && (s->flags & ELF_X)));
        ELF_PROMISE(!((s->flags & ELF_W) && !(s->flags & ELF_R)));
        for (uint32_t j = 0; j < i; j++) {
            const struct elf_segment *t = &image->segments[j];
            ELF_PROMISE(s->vaddr >= t->vaddr + t->memsz || t->vaddr >= s->vaddr + s->memsz);
        }
        if ((s->flags & ELF_X) && image->entry >= s->data_vaddr && image->entry < s->vaddr + s->memsz)
            entry_found = true;
    }
    ELF_PROMISE(entry_found && image->entry % 2 == 0);
    return NULL;
}
