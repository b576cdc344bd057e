// Parsing and checking of user-mode ELF executables (see elf.h).
//
// Every field is decoded from little-endian bytes after a bounds check, so the
// input may be unaligned and the host's byte order does not matter. Every sum
// of two file-supplied values is checked for overflow before it is used.
//
// Rules beyond the ELF specification, chosen for our loader:
// - p_vaddr and p_offset must agree modulo 4096 only when p_align >= 4096
//   (ld.lld always does this); the kernel copies file bytes, so smaller
//   alignments are harmless and accepted.
// - PT_LOAD segments with p_memsz == 0 are checked but then dropped: they map
//   nothing and do not count towards ELF_MAX_SEGMENTS.
// - A segment must be readable if it is writable, and must have some access:
//   Sv39 has no encoding for write-only or no-access leaf pages.
// - The entry point must be 2-byte aligned (the smallest RISC-V instruction).
#include "elf.h"
#include <string.h>

enum {
    EHDR_SIZE = 64, // Elf64_Ehdr
    PHDR_SIZE = 56, // Elf64_Phdr
    MAX_PHNUM = 64,
    EI_CLASS = 4,
    EI_DATA = 5,
    EI_VERSION = 6,
    ELFCLASS64 = 2,
    ELFDATA2LSB = 1,
    EV_CURRENT = 1,
    ET_EXEC = 2,
    EM_RISCV = 243,
    PT_LOAD = 1,
    PT_DYNAMIC = 2,
    PT_INTERP = 3,
    PF_X = 1,
    PF_W = 2,
    PF_R = 4,
};

// The Elf64_Ehdr fields we use.
struct elf_header {
    uint16_t type;
    uint16_t machine;
    uint32_t version;
    uint64_t entry;
    uint64_t phoff;
    uint16_t phentsize;
    uint16_t phnum;
};

// An Elf64_Phdr (p_paddr is not used).
struct elf_phdr {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
};

static uint64_t read_le(const uint8_t *bytes, size_t len) {
    uint64_t value = 0;
    for (size_t i = len; i > 0; i--)
        value = value << 8 | bytes[i - 1];
    return value;
}

static uint16_t read16(const uint8_t *bytes) { return (uint16_t) read_le(bytes, 2); }
static uint32_t read32(const uint8_t *bytes) { return (uint32_t) read_le(bytes, 4); }
static uint64_t read64(const uint8_t *bytes) { return read_le(bytes, 8); }

static uint64_t page_down(uint64_t addr) { return addr & ~(uint64_t) (ELF_PAGE_SIZE - 1); }

static error_t fail(const char **reason, error_t err, const char *why) {
    *reason = why;
    return err;
}

// Checks e_ident and the header fields, and decodes them into *header.
// Requires size >= EHDR_SIZE.
static error_t parse_header(const uint8_t *bytes, size_t size, struct elf_header *header,
                            const char **reason) {
    static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
    if (memcmp(bytes, magic, sizeof(magic)) != 0)
        return fail(reason, E_INVALID_ARG, "bad magic");
    if (bytes[EI_CLASS] != ELFCLASS64)
        return fail(reason, E_NOT_SUPPORTED, "not 64-bit");
    if (bytes[EI_DATA] != ELFDATA2LSB)
        return fail(reason, E_NOT_SUPPORTED, "not little-endian");
    if (bytes[EI_VERSION] != EV_CURRENT)
        return fail(reason, E_INVALID_ARG, "bad ident version");
    header->type = read16(bytes + 16);
    header->machine = read16(bytes + 18);
    header->version = read32(bytes + 20);
    header->entry = read64(bytes + 24);
    header->phoff = read64(bytes + 32);
    header->phentsize = read16(bytes + 54);
    header->phnum = read16(bytes + 56);
    if (header->type != ET_EXEC)
        return fail(reason, E_NOT_SUPPORTED, "not an executable");
    if (header->machine != EM_RISCV)
        return fail(reason, E_NOT_SUPPORTED, "not RISC-V");
    if (header->version != EV_CURRENT)
        return fail(reason, E_INVALID_ARG, "bad version");
    if (header->phentsize != PHDR_SIZE)
        return fail(reason, E_INVALID_ARG, "bad program header size");
    if (header->phnum == 0)
        return fail(reason, E_INVALID_ARG, "no program headers");
    if (header->phnum > MAX_PHNUM)
        return fail(reason, E_TOO_LARGE, "too many program headers");
    uint64_t table_size = (uint64_t) header->phnum * PHDR_SIZE; // at most 3584
    if (header->phoff > size || table_size > size - header->phoff)
        return fail(reason, E_INVALID_ARG, "program headers outside file");
    return OK;
}

static void read_phdr(const uint8_t *bytes, struct elf_phdr *phdr) {
    phdr->type = read32(bytes);
    phdr->flags = read32(bytes + 4);
    phdr->offset = read64(bytes + 8);
    phdr->vaddr = read64(bytes + 16);
    phdr->filesz = read64(bytes + 32);
    phdr->memsz = read64(bytes + 40);
    phdr->align = read64(bytes + 48);
}

static uint32_t segment_flags(uint32_t p_flags) {
    return ((p_flags & PF_R) ? ELF_R : 0) | ((p_flags & PF_W) ? ELF_W : 0) | ((p_flags & PF_X) ? ELF_X : 0);
}

// Checks one PT_LOAD against the file size and the user range (page-aligned,
// base < end) and describes it in *segment.
static error_t parse_load(const struct elf_phdr *phdr, size_t size, uint64_t user_base, uint64_t user_end,
                          struct elf_segment *segment, const char **reason) {
    if (phdr->filesz > phdr->memsz)
        return fail(reason, E_INVALID_ARG, "file size exceeds memory size");
    if (phdr->offset > size || phdr->filesz > size - phdr->offset)
        return fail(reason, E_INVALID_ARG, "segment outside file");
    if (phdr->vaddr > UINT64_MAX - phdr->memsz)
        return fail(reason, E_BAD_ADDRESS, "segment address overflows");
    if (phdr->align & (phdr->align - 1)) // 0 and 1 mean "no alignment"
        return fail(reason, E_INVALID_ARG, "alignment not a power of two");
    if (phdr->align >= ELF_PAGE_SIZE && (phdr->vaddr - phdr->offset) % ELF_PAGE_SIZE != 0)
        return fail(reason, E_INVALID_ARG, "address and offset misaligned");
    uint64_t end = phdr->vaddr + phdr->memsz;
    // user_end is page-aligned, so rounding `end` up stays within it.
    if (page_down(phdr->vaddr) < user_base || end > user_end)
        return fail(reason, E_BAD_ADDRESS, "segment outside user range");
    uint32_t flags = segment_flags(phdr->flags);
    if ((flags & ELF_W) && (flags & ELF_X))
        return fail(reason, E_NOT_SUPPORTED, "writable and executable");
    if ((flags & ELF_W) && !(flags & ELF_R))
        return fail(reason, E_INVALID_ARG, "writable but not readable");
    if (flags == 0)
        return fail(reason, E_INVALID_ARG, "segment has no access");
    segment->vaddr = page_down(phdr->vaddr);
    segment->memsz = page_down(end + ELF_PAGE_SIZE - 1) - segment->vaddr;
    segment->file_offset = phdr->offset;
    segment->file_size = phdr->filesz;
    segment->data_vaddr = phdr->vaddr;
    segment->flags = flags;
    return OK;
}

static bool contains_entry(const struct elf_phdr *phdr, uint32_t flags, uint64_t entry) {
    return (flags & ELF_X) && entry >= phdr->vaddr && entry - phdr->vaddr < phdr->memsz;
}

// Reads every program header, checking each and collecting the non-empty
// PT_LOAD segments into image->segments. The entry point (image->entry) must
// lie within the bytes, not just the pages, of an executable segment.
static error_t parse_segments(const uint8_t *bytes, size_t size, const struct elf_header *header,
                              uint64_t user_base, uint64_t user_end, struct elf_image *image,
                              const char **reason) {
    bool entry_found = false;
    for (uint16_t i = 0; i < header->phnum; i++) {
        struct elf_phdr phdr;
        read_phdr(bytes + header->phoff + (size_t) i * PHDR_SIZE, &phdr);
        if (phdr.type == PT_INTERP || phdr.type == PT_DYNAMIC)
            return fail(reason, E_NOT_SUPPORTED, "dynamically linked");
        if (phdr.type != PT_LOAD)
            continue; // PT_GNU_STACK, PT_NOTE, PT_RISCV_ATTRIBUTES, ...
        struct elf_segment segment;
        error_t err = parse_load(&phdr, size, user_base, user_end, &segment, reason);
        if (err != OK)
            return err;
        if (phdr.memsz == 0)
            continue;
        if (image->num_segments == ELF_MAX_SEGMENTS)
            return fail(reason, E_TOO_LARGE, "too many segments");
        image->segments[image->num_segments++] = segment;
        entry_found |= contains_entry(&phdr, segment.flags, image->entry);
    }
    if (image->num_segments == 0)
        return fail(reason, E_INVALID_ARG, "no loadable segment");
    if (image->entry % 2 != 0)
        return fail(reason, E_BAD_ADDRESS, "entry point misaligned");
    if (!entry_found)
        return fail(reason, E_BAD_ADDRESS, "entry point not in an executable segment");
    return OK;
}

// Page ranges are compared, since two segments cannot share a page mapping.
static error_t check_overlaps(const struct elf_image *image, const char **reason) {
    for (uint32_t i = 0; i < image->num_segments; i++) {
        const struct elf_segment *a = &image->segments[i];
        for (uint32_t j = i + 1; j < image->num_segments; j++) {
            const struct elf_segment *b = &image->segments[j];
            if (a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz)
                return fail(reason, E_INVALID_ARG, "segments overlap");
        }
    }
    return OK;
}

static error_t parse(const uint8_t *bytes, size_t size, uint64_t user_base, uint64_t user_end,
                     struct elf_image *out, const char **reason) {
    if (bytes == NULL && size != 0)
        return fail(reason, E_INVALID_ARG, "bad arguments");
    if (user_base % ELF_PAGE_SIZE != 0 || user_end % ELF_PAGE_SIZE != 0 || user_base >= user_end)
        return fail(reason, E_INVALID_ARG, "bad user range");
    if (size < EHDR_SIZE)
        return fail(reason, E_INVALID_ARG, "file too small for ELF header");
    struct elf_header header;
    error_t err = parse_header(bytes, size, &header, reason);
    if (err != OK)
        return err;
    out->entry = header.entry;
    err = parse_segments(bytes, size, &header, user_base, user_end, out, reason);
    if (err != OK)
        return err;
    return check_overlaps(out, reason);
}

error_t elf_parse(const void *data, size_t size, uint64_t user_base, uint64_t user_end, struct elf_image *out,
                  const char **reason) {
    const char *unused_reason;
    if (reason == NULL)
        reason = &unused_reason;
    if (out == NULL)
        return fail(reason, E_INVALID_ARG, "bad arguments");
    memset(out, 0, sizeof(*out));
    error_t err = parse(data, size, user_base, user_end, out, reason);
    if (err != OK) {
        memset(out, 0, sizeof(*out));
        return err;
    }
    *reason = NULL;
    return OK;
}
