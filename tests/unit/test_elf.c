// Host unit tests for the ELF parser (kernel/elf.c): executables built in C
// by a small writer (header, program headers, payload), one rejection per
// check, every truncation of a good file, every single-byte corruption of its
// headers, and (if ASTER_SAMPLE_ELF names it) a real ld.lld output.
// Images are copied into exact-size heap buffers so ASan sees any overread.
//
// Build and run from the repository root (one command, split here to fit):
//   cc -std=gnu17 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all
//      -Ilibs/aster/include tests/unit/test_elf.c kernel/elf.c -lcmocka -o build/host/test_elf
//   ASTER_SAMPLE_ELF=path/to/app.elf build/host/test_elf
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// cmocka needs stdarg.h, stddef.h, stdint.h and setjmp.h first.
#include <cmocka.h>

#include "../../kernel/elf.h"
#include "../elf_invariants.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define USER_BASE 0x10000ull
#define USER_END 0x4000000000ull // Sv39's lower half

enum { PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_PHDR = 6, PT_TLS = 7 };
#define PT_GNU_STACK 0x6474e551u
#define PT_GNU_RELRO 0x6474e552u
#define PT_RISCV_ATTRIBUTES 0x70000003u
enum { PF_X = 1, PF_W = 2, PF_R = 4 };

static const uint8_t elf_magic[4] = {0x7f, 'E', 'L', 'F'};

// Header field offsets.
enum {
    EH_CLASS = 4,
    EH_DATA = 5,
    EH_IDENT_VERSION = 6,
    EH_TYPE = 16,
    EH_MACHINE = 18,
    EH_VERSION = 20,
    EH_ENTRY = 24,
    EH_PHOFF = 32,
    EH_EHSIZE = 52,
    EH_PHENTSIZE = 54,
    EH_PHNUM = 56,
    EH_SIZE = 64,
    PH_SIZE = 56,
};

// ---- a minimal ELF writer ----------------------------------------------------

struct phdr_spec {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz, align;
};

struct elf_spec {
    uint64_t entry;
    uint64_t phoff;
    int phnum;
    struct phdr_spec phdrs[80];
    size_t file_size; // header, program headers and payload
};

static void put_le(uint8_t *p, uint64_t value, int len) {
    for (int i = 0; i < len; i++)
        p[i] = (uint8_t) (value >> (8 * i));
}

// The good executable: RX text (with the headers in it, as ld.lld does) and
// RW data followed by bss.
static struct elf_spec good_spec(void) {
    struct elf_spec spec = {.entry = 0x10200, .phoff = EH_SIZE, .phnum = 2, .file_size = 0x500};
    spec.phdrs[0] = (struct phdr_spec){PT_LOAD, PF_R | PF_X, 0, 0x10000, 0x400, 0x400, 0x1000};
    spec.phdrs[1] = (struct phdr_spec){PT_LOAD, PF_R | PF_W, 0x400, 0x11400, 0x100, 0x3000, 0x1000};
    return spec;
}

// Adds a program header after the others.
static void add_phdr(struct elf_spec *spec, struct phdr_spec phdr) {
    assert_true(spec->phnum < (int) ARRAY_SIZE(spec->phdrs));
    spec->phdrs[spec->phnum++] = phdr;
}

// The file described by `spec`, in an exact-size heap buffer.
static uint8_t *build(const struct elf_spec *spec, size_t *size) {
    size_t table_end = spec->phoff + (size_t) spec->phnum * PH_SIZE;
    size_t file_size = spec->file_size > table_end ? spec->file_size : table_end;
    uint8_t *file = malloc(file_size);
    assert_non_null(file);
    for (size_t i = 0; i < file_size; i++)
        file[i] = (uint8_t) (0x5a ^ i); // a payload that is not all zeroes
    memset(file, 0, EH_SIZE);
    memcpy(file, elf_magic, sizeof(elf_magic));
    file[EH_CLASS] = 2, file[EH_DATA] = 1, file[EH_IDENT_VERSION] = 1;
    put_le(file + EH_TYPE, 2, 2);
    put_le(file + EH_MACHINE, 243, 2);
    put_le(file + EH_VERSION, 1, 4);
    put_le(file + EH_ENTRY, spec->entry, 8);
    put_le(file + EH_PHOFF, spec->phoff, 8);
    put_le(file + EH_EHSIZE, EH_SIZE, 2);
    put_le(file + EH_PHENTSIZE, PH_SIZE, 2);
    put_le(file + EH_PHNUM, (uint64_t) spec->phnum, 2);
    for (int i = 0; i < spec->phnum; i++) {
        const struct phdr_spec *ph = &spec->phdrs[i];
        uint8_t *p = file + spec->phoff + (size_t) i * PH_SIZE;
        put_le(p, ph->type, 4);
        put_le(p + 4, ph->flags, 4);
        put_le(p + 8, ph->offset, 8);
        put_le(p + 16, ph->vaddr, 8);
        put_le(p + 24, ph->vaddr, 8);
        put_le(p + 32, ph->filesz, 8);
        put_le(p + 40, ph->memsz, 8);
        put_le(p + 48, ph->align, 8);
    }
    *size = file_size;
    return file;
}

// ---- checks ---------------------------------------------------------------------

// What elf_parse promises about a successful result (tests/elf_invariants.h).
static void check_invariants(size_t size, uint64_t base, uint64_t end, const struct elf_image *image) {
    const char *broken = elf_broken_promise(size, base, end, image);
    if (broken)
        fail_msg("broken promise: %s", broken);
}

static bool is_zero(const void *p, size_t len) {
    const uint8_t *bytes = p;
    for (size_t i = 0; i < len; i++)
        if (bytes[i])
            return false;
    return true;
}

// Parses `file` with the given range; on failure checks the promises made
// about *out and the reason. Returns the result.
static error_t parse_range(const uint8_t *file, size_t size, uint64_t base, uint64_t end,
                           struct elf_image *image, const char **reason) {
    memset(image, 0xa5, sizeof(*image));
    *reason = "unset";
    error_t err = elf_parse(file, size, base, end, image, reason);
    if (err == OK) {
        assert_null(*reason);
        check_invariants(size, base, end, image);
    } else {
        assert_true(err < 0);
        assert_non_null(*reason);
        assert_string_not_equal(*reason, "unset");
        assert_true(is_zero(image, sizeof(*image)));
    }
    return err;
}

static error_t parse(const uint8_t *file, size_t size, struct elf_image *image, const char **reason) {
    return parse_range(file, size, USER_BASE, USER_END, image, reason);
}

static void expect_buf(const uint8_t *file, size_t size, error_t want, const char *want_reason) {
    struct elf_image image;
    const char *reason;
    error_t err = parse(file, size, &image, &reason);
    if (err != want || (want != OK && strcmp(reason, want_reason) != 0))
        fail_msg("got %d (%s), want %d (%s)", err, err ? reason : "ok", want, want_reason);
}

static void expect(const struct elf_spec *spec, error_t want, const char *want_reason) {
    size_t size;
    uint8_t *file = build(spec, &size);
    expect_buf(file, size, want, want_reason);
    free(file);
}

// Builds the good file, writes `value` (len bytes) at `offset`, and expects.
static void expect_patched(size_t offset, uint64_t value, int len, error_t want, const char *want_reason) {
    struct elf_spec spec = good_spec();
    size_t size;
    uint8_t *file = build(&spec, &size);
    put_le(file + offset, value, len);
    expect_buf(file, size, want, want_reason);
    free(file);
}

// ---- tests ----------------------------------------------------------------------

static void test_good(void **state) {
    (void) state;
    struct elf_spec spec = good_spec();
    size_t size;
    uint8_t *file = build(&spec, &size);
    struct elf_image image;
    const char *reason;
    assert_int_equal(parse(file, size, &image, &reason), OK);
    assert_int_equal(image.entry, 0x10200);
    assert_int_equal(image.num_segments, 2);
    const struct elf_segment *text = &image.segments[0], *data = &image.segments[1];
    assert_int_equal(text->vaddr, 0x10000);
    assert_int_equal(text->memsz, 0x1000);
    assert_int_equal(text->file_offset, 0);
    assert_int_equal(text->file_size, 0x400);
    assert_int_equal(text->data_vaddr, 0x10000);
    assert_int_equal(text->flags, ELF_R | ELF_X);
    assert_int_equal(data->vaddr, 0x11000);
    assert_int_equal(data->memsz, 0x4000); // up to 0x14400, rounded up
    assert_int_equal(data->file_offset, 0x400);
    assert_int_equal(data->file_size, 0x100);
    assert_int_equal(data->data_vaddr, 0x11400);
    assert_int_equal(data->flags, ELF_R | ELF_W);

    // The same bytes at an odd address; and a NULL reason is allowed.
    uint8_t *shifted = malloc(size + 1);
    assert_non_null(shifted);
    memcpy(shifted + 1, file, size);
    struct elf_image image2;
    assert_int_equal(elf_parse(shifted + 1, size, USER_BASE, USER_END, &image2, NULL), OK);
    assert_memory_equal(&image, &image2, sizeof(image));
    free(shifted);
    free(file);
}

static void test_ignored_types(void **state) {
    (void) state;
    struct elf_spec spec = good_spec();
    // Junk in the fields of the types we ignore must not matter.
    uint32_t types[] = {PT_PHDR, PT_NOTE,   PT_TLS, PT_GNU_STACK, PT_GNU_RELRO, PT_RISCV_ATTRIBUTES,
                        0,       0x12345678};
    for (size_t i = 0; i < ARRAY_SIZE(types); i++)
        add_phdr(&spec,
                 (struct phdr_spec){types[i], PF_R | PF_W | PF_X, UINT64_MAX, UINT64_MAX, UINT64_MAX, 1, 3});
    size_t size;
    uint8_t *file = build(&spec, &size);
    struct elf_image image;
    const char *reason;
    assert_int_equal(parse(file, size, &image, &reason), OK);
    assert_int_equal(image.num_segments, 2);
    free(file);
}

static void test_bad_arguments(void **state) {
    (void) state;
    struct elf_spec spec = good_spec();
    size_t size;
    uint8_t *file = build(&spec, &size);
    struct elf_image image;
    const char *reason;
    assert_int_equal(elf_parse(file, size, USER_BASE, USER_END, NULL, &reason), E_INVALID_ARG);
    assert_string_equal(reason, "bad arguments");
    assert_int_equal(parse(NULL, size, &image, &reason), E_INVALID_ARG);
    assert_string_equal(reason, "bad arguments");
    assert_int_equal(parse(NULL, 0, &image, &reason), E_INVALID_ARG);
    assert_string_equal(reason, "file too small for ELF header");
    uint64_t ranges[][2] = {{USER_BASE + 1, USER_END},
                            {USER_BASE, USER_END - 1},
                            {USER_BASE, USER_BASE},
                            {USER_END, USER_BASE},
                            {0, UINT64_MAX}};
    for (size_t i = 0; i < ARRAY_SIZE(ranges); i++) {
        assert_int_equal(parse_range(file, size, ranges[i][0], ranges[i][1], &image, &reason), E_INVALID_ARG);
        assert_string_equal(reason, "bad user range");
    }
    // The widest range allowed works.
    assert_int_equal(parse_range(file, size, 0, UINT64_MAX - 4095, &image, &reason), OK);
    free(file);
}

static void test_bad_ident(void **state) {
    (void) state;
    for (int i = 0; i < 4; i++)
        expect_patched((size_t) i, elf_magic[i] ^ 0x20u, 1, E_INVALID_ARG, "bad magic");
    expect_patched(EH_CLASS, 1, 1, E_NOT_SUPPORTED, "not 64-bit");
    expect_patched(EH_CLASS, 0, 1, E_NOT_SUPPORTED, "not 64-bit");
    expect_patched(EH_DATA, 2, 1, E_NOT_SUPPORTED, "not little-endian");
    expect_patched(EH_DATA, 0, 1, E_NOT_SUPPORTED, "not little-endian");
    expect_patched(EH_IDENT_VERSION, 0, 1, E_INVALID_ARG, "bad ident version");
    expect_patched(EH_IDENT_VERSION, 2, 1, E_INVALID_ARG, "bad ident version");
}

static void test_bad_header(void **state) {
    (void) state;
    expect_patched(EH_TYPE, 3, 2, E_NOT_SUPPORTED, "not an executable"); // ET_DYN (PIE)
    expect_patched(EH_TYPE, 1, 2, E_NOT_SUPPORTED, "not an executable"); // ET_REL
    expect_patched(EH_TYPE, 0x102, 2, E_NOT_SUPPORTED, "not an executable");
    expect_patched(EH_MACHINE, 62, 2, E_NOT_SUPPORTED, "not RISC-V");
    expect_patched(EH_MACHINE, 243 | 0x100, 2, E_NOT_SUPPORTED, "not RISC-V");
    expect_patched(EH_VERSION, 0, 4, E_INVALID_ARG, "bad version");
    expect_patched(EH_VERSION, 0x101, 4, E_INVALID_ARG, "bad version");
    expect_patched(EH_PHENTSIZE, 32, 2, E_INVALID_ARG, "bad program header size");
    expect_patched(EH_PHENTSIZE, 64, 2, E_INVALID_ARG, "bad program header size");
    expect_patched(EH_PHNUM, 0, 2, E_INVALID_ARG, "no program headers");
    expect_patched(EH_PHNUM, 65, 2, E_TOO_LARGE, "too many program headers");
    expect_patched(EH_PHNUM, 0xffff, 2, E_TOO_LARGE, "too many program headers"); // PN_XNUM
    expect_patched(EH_PHNUM, 64, 2, E_INVALID_ARG, "program headers outside file");
    expect_patched(EH_PHOFF, 0x500, 8, E_INVALID_ARG, "program headers outside file");
    expect_patched(EH_PHOFF, 0x500 - 2 * PH_SIZE + 1, 8, E_INVALID_ARG, "program headers outside file");
    expect_patched(EH_PHOFF, UINT64_MAX - 10, 8, E_INVALID_ARG, "program headers outside file");
    expect_patched(EH_PHOFF, UINT64_MAX, 8, E_INVALID_ARG, "program headers outside file");
    // The table may sit anywhere inside the file, even unaligned.
    struct elf_spec spec = good_spec();
    spec.phoff = 0x500 - 2 * PH_SIZE - 3;
    expect(&spec, OK, NULL);
}

static void test_dynamic(void **state) {
    (void) state;
    uint32_t types[] = {PT_INTERP, PT_DYNAMIC};
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        struct elf_spec spec = good_spec();
        add_phdr(&spec, (struct phdr_spec){types[i], PF_R, 0x100, 0x10100, 0x10, 0x10, 1});
        expect(&spec, E_NOT_SUPPORTED, "dynamically linked");
    }
}

static void test_bad_sizes(void **state) {
    (void) state;
    struct elf_spec spec = good_spec();
    spec.phdrs[1].filesz = spec.phdrs[1].memsz + 1;
    expect(&spec, E_INVALID_ARG, "file size exceeds memory size");
    spec = good_spec();
    spec.phdrs[1].filesz = 0x101; // one byte past the end of the file
    expect(&spec, E_INVALID_ARG, "segment outside file");
    spec = good_spec();
    spec.phdrs[1].offset = 0x501, spec.phdrs[1].filesz = 0;
    expect(&spec, E_INVALID_ARG, "segment outside file");
    spec = good_spec();
    spec.phdrs[1].offset = UINT64_MAX - 0xff; // offset + filesz wraps to 0
    spec.phdrs[1].vaddr = 0x11000 + (spec.phdrs[1].offset & 0xfff);
    expect(&spec, E_INVALID_ARG, "segment outside file");
    spec = good_spec();
    spec.phdrs[1].filesz = spec.phdrs[1].memsz = UINT64_MAX;
    expect(&spec, E_INVALID_ARG, "segment outside file");
    spec = good_spec();
    spec.phdrs[1].vaddr = 0xfffffffffffff400, spec.phdrs[1].memsz = 0xc00;
    expect(&spec, E_BAD_ADDRESS, "segment address overflows");
    spec.phdrs[1].memsz = UINT64_MAX;
    expect(&spec, E_BAD_ADDRESS, "segment address overflows");
    spec.phdrs[1].memsz = 0xbff; // ends at the last byte
    expect(&spec, E_BAD_ADDRESS, "segment outside user range");
}

static void test_user_range(void **state) {
    (void) state;
    struct elf_spec spec = good_spec();
    size_t size;
    uint8_t *file = build(&spec, &size);
    struct elf_image image;
    const char *reason;
    // Text ends at 0x10400, data at 0x14400: the range may end at 0x15000.
    assert_int_equal(parse_range(file, size, 0x10000, 0x15000, &image, &reason), OK);
    assert_int_equal(parse_range(file, size, 0x10000, 0x14000, &image, &reason), E_BAD_ADDRESS);
    assert_string_equal(reason, "segment outside user range");
    assert_int_equal(parse_range(file, size, 0x11000, USER_END, &image, &reason), E_BAD_ADDRESS);
    assert_string_equal(reason, "segment outside user range");
    free(file);

    spec.phdrs[1].memsz = 0x15000 - 0x11400; // the exact end of the range
    file = build(&spec, &size);
    assert_int_equal(parse_range(file, size, 0x10000, 0x15000, &image, &reason), OK);
    free(file);

    spec = good_spec();
    spec.phdrs[1].vaddr = USER_END + 0x400;
    expect(&spec, E_BAD_ADDRESS, "segment outside user range");
    spec.phdrs[1].vaddr = 0x400; // below, in page 0
    expect(&spec, E_BAD_ADDRESS, "segment outside user range");
    spec.phdrs[1].vaddr = USER_BASE - 0x1000 + 0x400; // in the page just below the range
    spec.phdrs[1].memsz = 0xc00;
    expect(&spec, E_BAD_ADDRESS, "segment outside user range");
    spec.phdrs[1].vaddr = 0xffffffffffffe400;
    expect(&spec, E_BAD_ADDRESS, "segment outside user range");
}

static void test_alignment(void **state) {
    (void) state;
    uint64_t bad_aligns[] = {3, 6, 0x3000, 0x1001, UINT64_MAX};
    for (size_t i = 0; i < ARRAY_SIZE(bad_aligns); i++) {
        struct elf_spec spec = good_spec();
        spec.phdrs[1].align = bad_aligns[i];
        expect(&spec, E_INVALID_ARG, "alignment not a power of two");
    }
    uint64_t good_aligns[] = {0, 1, 2, 16, 0x1000, 0x10000, 1ull << 63};
    for (size_t i = 0; i < ARRAY_SIZE(good_aligns); i++) {
        struct elf_spec spec = good_spec();
        spec.phdrs[1].align = good_aligns[i];
        expect(&spec, OK, NULL);
    }
    // Offset and address differ within the page: refused only when the
    // segment claims page alignment.
    struct elf_spec spec = good_spec();
    spec.phdrs[1].vaddr = 0x11500;
    expect(&spec, E_INVALID_ARG, "address and offset misaligned");
    spec.phdrs[1].align = 0x10000;
    expect(&spec, E_INVALID_ARG, "address and offset misaligned");
    spec.phdrs[1].align = 0x800;
    expect(&spec, OK, NULL);
    spec.phdrs[1].align = 0;
    expect(&spec, OK, NULL);
}

static void test_overlap(void **state) {
    (void) state;
    struct elf_spec spec = good_spec();
    spec.phdrs[1].vaddr = 0x10400; // in the text's last page
    expect(&spec, E_INVALID_ARG, "segments overlap");
    spec = good_spec();
    spec.phdrs[0].vaddr = 0x20000, spec.entry = 0x20200;
    spec.phdrs[1].memsz = 0x10000; // data's bss covers the text
    expect(&spec, E_INVALID_ARG, "segments overlap");
    spec = good_spec();
    spec.phdrs[0].memsz = 0x1000; // text fills its page, data starts on the next
    expect(&spec, OK, NULL);
    spec.phdrs[0].memsz = 0x1001;
    expect(&spec, E_INVALID_ARG, "segments overlap");
    // Overlap between non-neighbours, listed out of order.
    spec = good_spec();
    add_phdr(&spec, (struct phdr_spec){PT_LOAD, PF_R, 0, 0x20000, 0, 0x1000, 0x1000});
    add_phdr(&spec, (struct phdr_spec){PT_LOAD, PF_R, 0x100, 0x13100, 0x10, 0x10, 0x1000});
    expect(&spec, E_INVALID_ARG, "segments overlap");
    spec.phdrs[3].vaddr = 0x1f100;
    expect(&spec, OK, NULL);
}

static void test_permissions(void **state) {
    (void) state;
    struct elf_spec spec = good_spec();
    spec.phdrs[1].flags = PF_R | PF_W | PF_X;
    expect(&spec, E_NOT_SUPPORTED, "writable and executable");
    spec.phdrs[1].flags = PF_W | PF_X;
    expect(&spec, E_NOT_SUPPORTED, "writable and executable");
    spec.phdrs[1].flags = PF_W;
    expect(&spec, E_INVALID_ARG, "writable but not readable");
    spec.phdrs[1].flags = 0;
    expect(&spec, E_INVALID_ARG, "segment has no access");
    spec.phdrs[1].flags = 0xfff00000; // only OS/processor-specific bits
    expect(&spec, E_INVALID_ARG, "segment has no access");

    spec = good_spec();
    spec.phdrs[0].flags = PF_X | 0xfff00000; // execute-only text, extra bits ignored
    spec.phdrs[1].flags = PF_R;
    size_t size;
    uint8_t *file = build(&spec, &size);
    struct elf_image image;
    const char *reason;
    assert_int_equal(parse(file, size, &image, &reason), OK);
    assert_int_equal(image.segments[0].flags, ELF_X);
    assert_int_equal(image.segments[1].flags, ELF_R);
    free(file);
}

static void test_segment_count(void **state) {
    (void) state;
    struct elf_spec spec = good_spec();
    spec.phdrs[0].type = spec.phdrs[1].type = PT_GNU_STACK;
    expect(&spec, E_INVALID_ARG, "no loadable segment");
    // Empty PT_LOADs are checked, then dropped.
    spec.phdrs[0] = (struct phdr_spec){PT_LOAD, PF_R | PF_X, 0, 0x10000, 0, 0, 0x1000};
    expect(&spec, E_INVALID_ARG, "no loadable segment");
    spec = good_spec();
    add_phdr(&spec, (struct phdr_spec){PT_LOAD, PF_R, 0x10, 0x10010, 0, 0, 0x1000}); // inside text
    expect(&spec, OK, NULL);
    spec.phdrs[2].offset = 0x510, spec.phdrs[2].vaddr = 0x10510;
    expect(&spec, E_INVALID_ARG, "segment outside file");
    spec.phdrs[2].offset = 0x10, spec.phdrs[2].vaddr = 0x10;
    expect(&spec, E_BAD_ADDRESS, "segment outside user range");
    spec.phdrs[2].vaddr = 0x10010, spec.phdrs[2].flags = PF_W | PF_X;
    expect(&spec, E_NOT_SUPPORTED, "writable and executable");

    // Up to ELF_MAX_SEGMENTS, one read-only page each, plus empty ones.
    spec = good_spec();
    for (int i = 2; i < ELF_MAX_SEGMENTS; i++) {
        uint64_t vaddr = 0x100000 + (uint64_t) i * 0x2000;
        add_phdr(&spec, (struct phdr_spec){PT_LOAD, PF_R, 0x80, vaddr + 0x80, 0x40, 0x40, 0x1000});
        add_phdr(&spec, (struct phdr_spec){PT_LOAD, PF_R, 0, vaddr + 0x1000, 0, 0, 0x1000});
    }
    expect(&spec, OK, NULL);
    add_phdr(&spec, (struct phdr_spec){PT_LOAD, PF_R, 0, 0x200000, 0x10, 0x10, 0x1000});
    expect(&spec, E_TOO_LARGE, "too many segments");
}

static void test_entry(void **state) {
    (void) state;
    struct {
        uint64_t entry;
        error_t want;
        const char *reason;
    } cases[] = {
        {0x10000, OK, NULL},
        {0x103fe, OK, NULL},
        {0x10400, E_BAD_ADDRESS, "entry point not in an executable segment"}, // text's page padding
        {0x10ffe, E_BAD_ADDRESS, "entry point not in an executable segment"},
        {0x11400, E_BAD_ADDRESS, "entry point not in an executable segment"}, // data
        {0x12000, E_BAD_ADDRESS, "entry point not in an executable segment"}, // bss
        {0xfffe, E_BAD_ADDRESS, "entry point not in an executable segment"},
        {0, E_BAD_ADDRESS, "entry point not in an executable segment"},
        {UINT64_MAX - 1, E_BAD_ADDRESS, "entry point not in an executable segment"},
        {0x10201, E_BAD_ADDRESS, "entry point misaligned"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
        expect_patched(EH_ENTRY, cases[i].entry, 8, cases[i].want, cases[i].reason);
    // Text that starts inside its page: the bytes below it do not count.
    struct elf_spec spec = good_spec();
    spec.phdrs[0].offset = 0x100, spec.phdrs[0].vaddr = 0x10100, spec.phdrs[0].filesz = 0x300;
    spec.phdrs[0].memsz = 0x300;
    spec.entry = 0x100fe;
    expect(&spec, E_BAD_ADDRESS, "entry point not in an executable segment");
    spec.entry = 0x10100;
    expect(&spec, OK, NULL);
}

// Every proper prefix of the good file is refused: its last segment's file
// bytes end at the end of the file.
static void test_truncations(void **state) {
    (void) state;
    struct elf_spec spec = good_spec();
    size_t size;
    uint8_t *file = build(&spec, &size);
    for (size_t len = 0; len < size; len++) {
        uint8_t *prefix = malloc(len ? len : 1);
        assert_non_null(prefix);
        memcpy(prefix, file, len);
        struct elf_image image;
        const char *reason;
        assert_int_not_equal(parse(prefix, len, &image, &reason), OK);
        free(prefix);
    }
    free(file);
}

// Every value of every byte of the ELF header and the program header table:
// never a sanitizer report, and a result that is either a refusal or keeps
// every promise. Bytes of fields that admit one value must always be refused.
static void test_byte_corruptions(void **state) {
    (void) state;
    struct elf_spec spec = good_spec();
    size_t size;
    uint8_t *file = build(&spec, &size);
    size_t headers_end = EH_SIZE + 2 * PH_SIZE;
    int accepted = 0;
    for (size_t offset = 0; offset < headers_end; offset++) {
        uint8_t original = file[offset];
        bool must_fail = offset <= EH_IDENT_VERSION || (offset >= EH_TYPE && offset < EH_ENTRY) ||
                         offset == EH_PHENTSIZE || offset == EH_PHENTSIZE + 1;
        for (int value = 0; value < 256; value++) {
            if (value == original)
                continue;
            file[offset] = (uint8_t) value;
            struct elf_image image;
            const char *reason;
            error_t err = parse(file, size, &image, &reason);
            if (must_fail && err == OK)
                fail_msg("byte %zu = %#x accepted", offset, value);
            accepted += err == OK;
        }
        file[offset] = original;
    }
    print_message("%d of %zu corruptions accepted\n", accepted, headers_end * 255);
    free(file);
}

static void test_sample_elf(void **state) {
    (void) state;
    const char *path = getenv("ASTER_SAMPLE_ELF");
    if (!path || !*path) {
        print_message("ASTER_SAMPLE_ELF is not set: skipping the ld.lld sample test\n");
        skip();
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long len = ftell(f);
    assert_true(len > 0);
    rewind(f);
    uint8_t *file = malloc((size_t) len);
    assert_non_null(file);
    assert_int_equal(fread(file, 1, (size_t) len, f), (size_t) len);
    fclose(f);
    struct elf_image image;
    const char *reason;
    error_t err = parse_range(file, (size_t) len, 0x10000, 0x4000000000, &image, &reason);
    if (err != OK)
        fail_msg("%s refused: %s", path, reason);
    print_message("%s: entry %#llx, %u segments\n", path, (unsigned long long) image.entry,
                  image.num_segments);
    for (uint32_t i = 0; i < image.num_segments; i++) {
        const struct elf_segment *s = &image.segments[i];
        print_message("  %#llx +%#llx file %#llx+%#llx at %#llx %c%c%c\n", (unsigned long long) s->vaddr,
                      (unsigned long long) s->memsz, (unsigned long long) s->file_offset,
                      (unsigned long long) s->file_size, (unsigned long long) s->data_vaddr,
                      s->flags & ELF_R ? 'r' : '-', s->flags & ELF_W ? 'w' : '-',
                      s->flags & ELF_X ? 'x' : '-');
    }
    free(file);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_ignored_types),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_bad_ident),
        cmocka_unit_test(test_bad_header),
        cmocka_unit_test(test_dynamic),
        cmocka_unit_test(test_bad_sizes),
        cmocka_unit_test(test_user_range),
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_overlap),
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_segment_count),
        cmocka_unit_test(test_entry),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_byte_corruptions),
        cmocka_unit_test(test_sample_elf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
