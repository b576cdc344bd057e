// libFuzzer target for kernel/elf.c. Contract under test: elf_parse() never
// reads outside its input and either refuses it (with a reason, *out zeroed)
// or returns segments that are page-aligned, inside the user range, mutually
// disjoint, with file bytes inside the input, and an entry point inside an
// executable segment (violations trap).
//
// Each input is parsed as raw bytes, and XORed onto a built-in good
// executable (zero-extended to the input's length), so the fuzzer reaches the
// segment checks without a seed corpus. Both with a wide and a tight range.
//
// Build and run from the repository root:
//   clang-19 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
//      -Ilibs/aster/include tests/fuzz/fuzz_elf.c kernel/elf.c -o build/host/fuzz_elf
//   build/host/fuzz_elf -max_total_time=60
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/elf.h"
#include "../elf_invariants.h"
#include <stdio.h>

#define CHECK(cond) ((cond) ? (void) 0 : __builtin_trap())

#define USER_BASE 0x10000ull
#define USER_END 0x4000000000ull

static volatile uint8_t sink; // keeps reads of the input from being optimised away

// Reads every byte a segment claims is in the file, so ASan checks the claim.
static void touch(const uint8_t *data, uint64_t len) {
    for (uint64_t i = 0; i < len; i++)
        sink ^= data[i];
}

static void check_image(const uint8_t *data, size_t size, uint64_t base, uint64_t end,
                        const struct elf_image *image) {
    const char *broken = elf_broken_promise(size, base, end, image);
    if (broken) {
        fprintf(stderr, "broken promise: %s\n", broken);
        abort();
    }
    for (uint32_t i = 0; i < image->num_segments; i++)
        touch(data + image->segments[i].file_offset, image->segments[i].file_size);
}

static bool is_zero(const void *p, size_t len) {
    const uint8_t *bytes = p;
    for (size_t i = 0; i < len; i++)
        if (bytes[i])
            return false;
    return true;
}

static void parse_and_check(const uint8_t *data, size_t size, uint64_t base, uint64_t end) {
    struct elf_image image;
    const char *reason = "unset";
    memset(&image, 0xa5, sizeof(image));
    error_t err = elf_parse(data, size, base, end, &image, &reason);
    if (err == OK) {
        CHECK(reason == NULL);
        check_image(data, size, base, end, &image);
    } else {
        CHECK(err < 0 && reason != NULL && strcmp(reason, "unset") != 0 && reason[0] != '\0');
        CHECK(is_zero(&image, sizeof(image)));
    }
}

// A good executable: RX text (header and program headers included) from
// 0x10000, RW data at 0x11100 with bss, and a PT_GNU_STACK.
#define TEMPLATE_SIZE 0x120
static uint8_t template[TEMPLATE_SIZE];

static void put_le(uint8_t *p, uint64_t value, int len) {
    for (int i = 0; i < len; i++)
        p[i] = (uint8_t) (value >> (8 * i));
}

static void put_phdr(uint8_t *p, uint32_t type, uint32_t flags, uint64_t offset, uint64_t vaddr,
                     uint64_t filesz, uint64_t memsz, uint64_t align) {
    put_le(p, type, 4);
    put_le(p + 4, flags, 4);
    put_le(p + 8, offset, 8);
    put_le(p + 16, vaddr, 8);
    put_le(p + 24, vaddr, 8);
    put_le(p + 32, filesz, 8);
    put_le(p + 40, memsz, 8);
    put_le(p + 48, align, 8);
}

static void build_template(void) {
    for (size_t i = 0; i < TEMPLATE_SIZE; i++)
        template[i] = (uint8_t) (0x5a ^ i);
    memset(template, 0, 64);
    static const uint8_t ident[7] = {0x7f, 'E', 'L', 'F', 2, 1, 1}; // ELFCLASS64, LSB, EV_CURRENT
    memcpy(template, ident, sizeof(ident));
    put_le(template + 16, 2, 2);       // ET_EXEC
    put_le(template + 18, 243, 2);     // EM_RISCV
    put_le(template + 20, 1, 4);       // EV_CURRENT
    put_le(template + 24, 0x100f0, 8); // entry
    put_le(template + 32, 64, 8);      // phoff
    put_le(template + 52, 64, 2);      // ehsize
    put_le(template + 54, 56, 2);      // phentsize
    put_le(template + 56, 3, 2);       // phnum
    put_phdr(template + 64, 1, 5, 0, 0x10000, 0x100, 0x100, 0x1000);
    put_phdr(template + 120, 1, 6, 0x100, 0x11100, 0x20, 0x2000, 0x1000);
    put_phdr(template + 176, 0x6474e551, 6, 0, 0, 0, 0, 0x10);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static bool template_ready;
    if (!template_ready) {
        build_template();
        template_ready = true;
        parse_and_check(template, TEMPLATE_SIZE, USER_BASE, USER_END);
        struct elf_image image;
        CHECK(elf_parse(template, TEMPLATE_SIZE, USER_BASE, USER_END, &image, NULL) == OK);
    }
    // libFuzzer's buffer is exactly `size` bytes, so overreads are caught.
    parse_and_check(data, size, USER_BASE, USER_END);
    parse_and_check(data, size, USER_BASE, USER_BASE + 0x10000); // a tight range

    size_t mutated_size = size > TEMPLATE_SIZE ? size : TEMPLATE_SIZE;
    uint8_t *mutated = calloc(1, mutated_size);
    CHECK(mutated != NULL);
    memcpy(mutated, template, TEMPLATE_SIZE);
    for (size_t i = 0; i < size; i++)
        mutated[i] ^= data[i];
    parse_and_check(mutated, mutated_size, USER_BASE, USER_END);
    parse_and_check(mutated, mutated_size, USER_BASE, USER_BASE + 0x10000);
    free(mutated);
    return 0;
}
