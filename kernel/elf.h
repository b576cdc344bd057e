// The ELF loader's parser: checks a statically linked riscv64 executable
// (as ld.lld produces for our apps) against a user address range and
// describes the segments to map. Pure and hostile-input safe: it reads only
// the bytes it is given, allocates nothing and changes no other state, so the
// caller maps memory only once the whole file is known to be good.
#pragma once
#include <aster/error.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16 // loadable segments an image may have
#define ELF_PAGE_SIZE 4096

// Segment permissions, our own values (not the ELF PF_* bits).
#define ELF_R (1u << 0)
#define ELF_W (1u << 1)
#define ELF_X (1u << 2)

// One loadable segment. The caller maps [vaddr, vaddr + memsz) with `flags`,
// zero-filled, then copies file bytes [file_offset, file_offset + file_size)
// to data_vaddr. Those bytes always lie inside the page range and inside the
// file. Their file offset and address agree modulo ELF_PAGE_SIZE only when
// the segment said so (p_align >= 4096), so copy rather than share file pages
// unless (file_offset - data_vaddr) % ELF_PAGE_SIZE == 0.
struct elf_segment {
    uint64_t vaddr;       // page-aligned start (p_vaddr rounded down)
    uint64_t memsz;       // bytes from vaddr, a whole number of pages, > 0
    uint64_t file_offset; // where the segment's file bytes start (p_offset)
    uint64_t file_size;   // p_filesz, <= p_memsz
    uint64_t data_vaddr;  // p_vaddr: where the file bytes go
    uint32_t flags;       // ELF_R | ELF_W | ELF_X; never W without R, never W with X
};

// A checked executable: its segments lie in the user range, do not share a
// page with each other, and `entry` lies inside an ELF_X segment.
struct elf_image {
    uint64_t entry;                                // e_entry
    uint32_t num_segments;                         // 1..ELF_MAX_SEGMENTS
    struct elf_segment segments[ELF_MAX_SEGMENTS]; // in program header order
};

// Parses and checks an ELF executable for the user address space
// [user_base, user_end), both page-aligned with user_base < user_end.
// Reads nothing outside [data, data + size); `data` may be unaligned.
// On success fills *out, sets *reason to NULL and returns OK. On any problem
// returns an error, zeroes *out and sets *reason to a short static text:
//   E_INVALID_ARG    bad arguments, or a malformed or inconsistent file
//   E_NOT_SUPPORTED  a valid ELF file of a kind we do not load (32-bit,
//                    big-endian, not RISC-V, not ET_EXEC, dynamically linked,
//                    writable and executable)
//   E_TOO_LARGE      more than 64 program headers or ELF_MAX_SEGMENTS segments
//   E_BAD_ADDRESS    a segment outside the user range, or a bad entry point
// `reason` may be NULL.
error_t elf_parse(const void *data, size_t size, uint64_t user_base, uint64_t user_end, struct elf_image *out,
                  const char **reason);
