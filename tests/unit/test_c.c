// Host unit tests for libs/c, our freestanding libc. Built with
// -DASTER_LIBC_TEST, which renames each of its functions to test_<name>
// (libs/c/libc_test_names.h), so it links next to glibc: plain names here
// are glibc, the reference wherever C defines the result; test_* are ours.
//
// Build and run from the repository root, as the Makefile does (one command,
// split here to fit):
//   cc -std=gnu17 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all
//      -DASTER_LIBC_TEST -Ilibs/c tests/unit/test_c.c libs/c/string.c libs/c/printf.c libs/c/stdlib.c
//      libs/c/ctype.c -lcmocka -o build/host/test_c
//   build/host/test_c    # exits non-zero if any test fails

#ifndef ASTER_LIBC_TEST
#error "compile with -DASTER_LIBC_TEST (see the command above)"
#endif

// Our headers, with the renames on, declare test_memcpy and friends...
#include "libc_test_names.h"

#include "include/ctype.h"
#include "include/stdio.h"
#include "include/stdlib.h"
#include "include/string.h"

#define LIBC_TEST_NAMES_OFF
#include "libc_test_names.h"

// ...and glibc's declare the plain names.
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

// cmocka needs stdarg.h, stddef.h, stdint.h and setjmp.h first.
#include <cmocka.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int sign_of(int x) { return (x > 0) - (x < 0); }

// ---- snprintf --------------------------------------------------------------

#define FORMAT_BUF_SIZE 512
#define GUARD_BYTE '~' // fills buffers, so stray writes show up

// Formats with glibc and with ours into buffers of `size` bytes (NULL when
// size is 0) and fails on any difference: return value, text, or a byte
// written past the output.
static void compare_format_at_size(size_t size, const char *fmt, va_list ap) {
    char expected[FORMAT_BUF_SIZE + 1], actual[FORMAT_BUF_SIZE + 1];
    memset(expected, GUARD_BYTE, FORMAT_BUF_SIZE);
    memset(actual, GUARD_BYTE, FORMAT_BUF_SIZE);
    expected[FORMAT_BUF_SIZE] = actual[FORMAT_BUF_SIZE] = '\0'; // printable on failure
    va_list expected_args, actual_args;
    va_copy(expected_args, ap);
    va_copy(actual_args, ap);
    int expected_len = vsnprintf(size ? expected : NULL, size, fmt, expected_args);
    int actual_len = test_vsnprintf(size ? actual : NULL, size, fmt, actual_args);
    va_end(expected_args);
    va_end(actual_args);
    if (expected_len != actual_len || memcmp(expected, actual, FORMAT_BUF_SIZE) != 0)
        fail_msg("format \"%s\", size %zu:\n  glibc %d \"%.80s\"\n  ours  %d \"%.80s\"", fmt, size,
                 expected_len, expected, actual_len, actual);
}

// Checks a format against glibc in a large buffer, with no room (size 0),
// and truncated at half and at one short of the full output.
__attribute__((format(printf, 1, 2))) static void check_format(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    va_list len_args;
    va_copy(len_args, ap);
    int len = vsnprintf(NULL, 0, fmt, len_args);
    va_end(len_args);
    assert_true(len >= 0 && len < FORMAT_BUF_SIZE);
    size_t sizes[] = {FORMAT_BUF_SIZE, 0, 1, len / 2 + 1, len};
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
        compare_format_at_size(sizes[i], fmt, ap);
    va_end(ap);
}

// Checks output that glibc does not define (or defines differently).
#define check_ours(expected, ...)                                                                            \
    do {                                                                                                     \
        char buf_[FORMAT_BUF_SIZE];                                                                          \
        int len_ = test_snprintf(buf_, sizeof(buf_), __VA_ARGS__);                                           \
        assert_string_equal(buf_, expected);                                                                 \
        assert_int_equal(len_, strlen(expected));                                                            \
    } while (0)

static const long long integer_values[] = {
    0,     1,       -1,      7,        -8,        42,        127,       128,
    -128,  255,     256,     300,      -129,      32767,     32768,     -32769,
    65535, INT_MAX, INT_MIN, UINT_MAX, 1LL << 40, INT64_MAX, INT64_MIN, 0x123456789abcdef0,
};

// Checks one integer format (e.g. "%-08.3lld") for one value, passing the
// value as the argument type the length modifier and conversion call for.
static void check_integer_format(const char *fmt, const char *length, bool is_signed, long long value) {
    if (!strcmp(length, "l"))
        is_signed ? check_format(fmt, (long) value) : check_format(fmt, (unsigned long) value);
    else if (!strcmp(length, "ll"))
        is_signed ? check_format(fmt, value) : check_format(fmt, (unsigned long long) value);
    else if (!strcmp(length, "z") || !strcmp(length, "t"))
        is_signed ? check_format(fmt, (ptrdiff_t) value) : check_format(fmt, (size_t) value);
    else if (!strcmp(length, "j"))
        is_signed ? check_format(fmt, (intmax_t) value) : check_format(fmt, (uintmax_t) value);
    else // hh, h and none take an int; hh and h then narrow it
        is_signed ? check_format(fmt, (int) value) : check_format(fmt, (unsigned) value);
}

// Every combination of flags, width, precision, length and integer
// conversion that C defines, for values at and around each type's limits.
static void test_snprintf_integer_matrix(void **state) {
    (void) state;
    static const char *const flag_sets[] = {"",   "-",  "0",  "+",  " ",  "#",  "-0",
                                            "+ ", "-+", "0+", "- ", "#0", "-#", "0 "};
    static const char *const widths[] = {"", "1", "3", "8", "25"};
    static const char *const precisions[] = {"", ".", ".0", ".1", ".3", ".12", ".30"};
    static const char *const lengths[] = {"hh", "h", "", "l", "ll", "z", "t", "j"};
    static const char conversions[] = "diuoxX";
    char fmt[32];
    for (size_t f = 0; f < ARRAY_SIZE(flag_sets); f++)
        for (size_t w = 0; w < ARRAY_SIZE(widths); w++)
            for (size_t p = 0; p < ARRAY_SIZE(precisions); p++)
                for (size_t l = 0; l < ARRAY_SIZE(lengths); l++)
                    for (const char *conv = conversions; *conv; conv++) {
                        bool is_signed = *conv == 'd' || *conv == 'i';
                        if (strchr(flag_sets[f], '#') && (is_signed || *conv == 'u'))
                            continue; // '#' is undefined for these
                        snprintf(fmt, sizeof(fmt), "<%%%s%s%s%s%c>", flag_sets[f], widths[w], precisions[p],
                                 lengths[l], *conv);
                        for (size_t v = 0; v < ARRAY_SIZE(integer_values); v++)
                            check_integer_format(fmt, lengths[l], is_signed, integer_values[v]);
                    }
}

static void test_snprintf_integer_limits(void **state) {
    (void) state;
    check_format("%" PRId64 " %" PRIu64 " %" PRIx64, INT64_MIN, UINT64_MAX, UINT64_MAX);
    check_format("[%+25lld] [%-25lld] [%025lld]", LLONG_MIN, LLONG_MIN, LLONG_MIN);
    check_format("%#llo %#llX %#llx %llu", ULLONG_MAX, ULLONG_MAX, 0ULL, ULLONG_MAX);
    check_format("%zu %zd %td %jd %ju", SIZE_MAX, (ssize_t) -1, PTRDIFF_MIN, INTMAX_MIN, UINTMAX_MAX);
    check_format("%hhd %hhu %hd %hu", 200, 511, 40000, 70000);
    check_format("%#.0o %#.0x %.0d %#o %#x", 0, 0, 0, 0, 0);
    check_format("%200d|%-200x|", 1, 2);
}

static void test_snprintf_star_fields(void **state) {
    (void) state;
    check_format("[%*d] [%*d] [%*d]", 5, 42, -5, 42, 0, 42);
    check_format("[%.*d] [%.*d] [%.*d]", 3, 7, -1, 7, 0, 0);
    check_format("[%.*d] [%.*s]", -1, 0, -3, "abc"); // negative means no precision
    check_format("[%*.*x] [%-*.*X]", 10, 4, 0xab, 10, 4, 0xab);
    check_format("[%-*d] [%0*d]", -6, 1, 6, -1);
    check_format("[%.*s] [%*s]", 2, "hello", -8, "hi");
}

static void test_snprintf_strings_and_chars(void **state) {
    (void) state;
    check_format("%s|%10s|%-10s|%.3s|%10.3s|%-10.3s|%.0s|", "hello", "hello", "hello", "hello", "hello",
                 "hello", "hello");
    check_format("%s%s", "", "");
    char unterminated[3] = {'a', 'b', 'c'}; // %.3s must read no further
    check_format("%.3s|%.*s", unterminated, 2, unterminated);
    check_format("%c|%5c|%-5c|%c", 'x', 'y', 'z', 0x141); // 0x141 narrows to 'A'
    check_format("a%cb", 0);                              // a NUL inside the output
    check_format("100%% %d%%", 5);
    check_format("%s", "");
    const char *volatile null_string = NULL; // volatile: gcc rejects a known NULL for %s
    check_ours("(null)|", "%s|", null_string);
}

static void test_snprintf_pointers(void **state) {
    (void) state;
    check_format("%p|%20p|%-20p|", (void *) 0x1234, (void *) 0xdeadbeef, (void *) 0xabc);
    check_format("%p", (void *) UINTPTR_MAX);
    check_ours("0x0", "%p", NULL); // glibc prints "(nil)"
}

// Floating point is unsupported: "?" in place, its argument consumed.
static void test_snprintf_float_placeholder(void **state) {
    (void) state;
    check_ours("?|7", "%f|%d", 1.5, 7);
    check_ours("    ?|x", "%5.2e|%s", 2.0, "x");
    check_ours("?|?|?|9", "%g|%a|%Lf|%d", 1.0, 2.0, (long double) 3.0, 9);
}

static void test_snprintf_unknown_conversion(void **state) {
    (void) state;
    const char *unknown = "%y%d"; // not a literal, so the compiler does not object
    check_ours("%y5", unknown, 5);
    const char *dangling = "ab%";
    check_ours("ab%", dangling, 0);
}

static void test_snprintf_truncation(void **state) {
    (void) state;
    char buf[8];
    memset(buf, GUARD_BYTE, sizeof(buf));
    assert_int_equal(test_snprintf(buf, 4, "%s", "hello"), 5);
    assert_string_equal(buf, "hel");
    assert_int_equal(buf[4], GUARD_BYTE);
    assert_int_equal(test_snprintf(NULL, 0, "%d", -12345), 6);
    buf[0] = 'x';
    assert_int_equal(test_snprintf(buf, 1, "%d", 7), 1);
    assert_int_equal(buf[0], '\0');
    check_format("%s %d %x", "truncate me please", 123456, 0xabcdef);
}

// A cbprintf sink that counts characters and keeps the first few.
struct collector {
    char text[16];
    size_t count;
};

static void collect_char(void *ctx, char c) {
    struct collector *collector = ctx;
    if (collector->count < sizeof(collector->text) - 1)
        collector->text[collector->count] = c;
    collector->count++;
}

static void test_cbprintf_has_no_limit(void **state) {
    (void) state;
    struct collector collector = {{0}, 0};
    assert_int_equal(test_cbprintf(collect_char, &collector, "%-2000d|%s", 42, "end"), 2004);
    assert_int_equal(collector.count, 2004);
    assert_string_equal(collector.text, "42             ");
}

// ---- strto* ----------------------------------------------------------------

static const char *const number_strings[] = {
    "",
    "   ",
    "0",
    "-0",
    "+0",
    "  42",
    "\t\n\v\f\r 42abc",
    "-42",
    "+-1",
    "- 1",
    "0x",
    "0x1f",
    "0X1F",
    "0xg",
    "-0x10",
    "0x 1",
    "010",
    "08",
    "0b101",
    "zz",
    "Zz!",
    "   +",
    "1e5",
    "7fffffff",
    "123456789012345678901234567890",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "-18446744073709551615",
    "-18446744073709551616",
    "0x7fffffffffffffff",
    "0xffffffffffffffff",
    "0x10000000000000000",
    "-0x8000000000000000",
    "1111111111111111111111111111111111111111111111111111111111111111",
    "3w5e11264sgsf",
    "3w5e11264sgsg",
    "2147483647",
    "-2147483649",
    "4294967296",
};

// Compares one of our strto* functions with glibc's: value and *endptr.
#define CHECK_STRTO(name, s, base)                                                                           \
    do {                                                                                                     \
        char *expected_end = NULL, *actual_end = NULL;                                                       \
        __typeof__(name(s, NULL, 0)) expected = name(s, &expected_end, base);                                \
        __typeof__(name(s, NULL, 0)) actual = test_##name(s, &actual_end, base);                             \
        if (expected != actual || expected_end != actual_end)                                                \
            fail_msg(#name "(\"%s\", %d): glibc %llx end +%td, ours %llx end +%td", s, base,                 \
                     (unsigned long long) expected, expected_end - s, (unsigned long long) actual,           \
                     actual_end - s);                                                                        \
    } while (0)

static void test_strto_matches_glibc(void **state) {
    (void) state;
    static const int bases[] = {0, 2, 3, 8, 10, 16, 35, 36};
    for (size_t i = 0; i < ARRAY_SIZE(number_strings); i++) {
        for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
            CHECK_STRTO(strtol, number_strings[i], bases[b]);
            CHECK_STRTO(strtoll, number_strings[i], bases[b]);
            CHECK_STRTO(strtoul, number_strings[i], bases[b]);
            CHECK_STRTO(strtoull, number_strings[i], bases[b]);
        }
    }
}

static void test_strto_invalid_base(void **state) {
    (void) state;
    static const int bad_bases[] = {-1, 1, 37, 100};
    const char *s = "123";
    for (size_t b = 0; b < ARRAY_SIZE(bad_bases); b++) {
        char *end = NULL;
        assert_int_equal(test_strtol(s, &end, bad_bases[b]), 0);
        assert_ptr_equal(end, s);
    }
}

static void test_strto_clamps(void **state) {
    (void) state;
    assert_true(test_strtol("99999999999999999999", NULL, 10) == LONG_MAX);
    assert_true(test_strtol("-99999999999999999999", NULL, 10) == LONG_MIN);
    assert_true(test_strtoul("-99999999999999999999", NULL, 10) == ULONG_MAX);
    assert_true(test_strtoul("-1", NULL, 10) == ULONG_MAX);
    assert_true(test_strtoll("-9223372036854775808", NULL, 0) == LLONG_MIN);
}

static void test_atoi_abs(void **state) {
    (void) state;
    static const char *const in_range[] = {"0", "-0", "  +17x", "-2147483648", "2147483647", "z"};
    for (size_t i = 0; i < ARRAY_SIZE(in_range); i++)
        assert_int_equal(test_atoi(in_range[i]), atoi(in_range[i]));
    assert_int_equal(test_abs(-5), 5);
    assert_int_equal(test_abs(INT_MAX), INT_MAX);
    assert_int_equal(test_abs(-INT_MAX), INT_MAX);
    assert_true(test_labs(-LONG_MAX) == LONG_MAX);
    assert_true(test_labs(3) == 3);
}

// ---- memory ----------------------------------------------------------------

#define MEM_BUF_SIZE 96 // room for 8 bytes of offset, 70 of data, and slack
#define MAX_MEM_LEN 70

static void fill_pattern(unsigned char *buf, size_t len, unsigned seed) {
    for (size_t i = 0; i < len; i++)
        buf[i] = (unsigned char) (seed + i * 7);
}

// Every source and destination alignment, every length 0..70; bytes around
// the destination must stay untouched.
static void test_memcpy_alignments(void **state) {
    (void) state;
    unsigned char src[MEM_BUF_SIZE] __attribute__((aligned(8)));
    unsigned char dst[MEM_BUF_SIZE] __attribute__((aligned(8)));
    unsigned char expected[MEM_BUF_SIZE];
    fill_pattern(src, sizeof(src), 1);
    for (size_t src_offset = 0; src_offset < 8; src_offset++)
        for (size_t dst_offset = 0; dst_offset < 8; dst_offset++)
            for (size_t len = 0; len <= MAX_MEM_LEN; len++) {
                fill_pattern(dst, sizeof(dst), 100);
                fill_pattern(expected, sizeof(expected), 100);
                memcpy(expected + dst_offset, src + src_offset, len);
                void *result = test_memcpy(dst + dst_offset, src + src_offset, len);
                assert_ptr_equal(result, dst + dst_offset);
                assert_memory_equal(dst, expected, sizeof(dst));
            }
}

static void test_memset_alignments(void **state) {
    (void) state;
    static const int values[] = {0, 0xff, 0x5a, -1, 0x1ab}; // 0x1ab stores 0xab
    unsigned char buf[MEM_BUF_SIZE] __attribute__((aligned(8)));
    unsigned char expected[MEM_BUF_SIZE];
    for (size_t v = 0; v < ARRAY_SIZE(values); v++)
        for (size_t offset = 0; offset < 8; offset++)
            for (size_t len = 0; len <= MAX_MEM_LEN; len++) {
                fill_pattern(buf, sizeof(buf), 3);
                fill_pattern(expected, sizeof(expected), 3);
                memset(expected + offset, values[v], len);
                assert_ptr_equal(test_memset(buf + offset, values[v], len), buf + offset);
                assert_memory_equal(buf, expected, sizeof(buf));
            }
}

// Overlapping moves in both directions, at every alignment.
static void test_memmove_overlap(void **state) {
    (void) state;
    enum { SIZE = MEM_BUF_SIZE + 32 };
    unsigned char buf[SIZE] __attribute__((aligned(8)));
    unsigned char expected[SIZE];
    for (size_t src_offset = 12; src_offset < 20; src_offset++)
        for (int shift = -12; shift <= 12; shift++)
            for (size_t len = 0; len <= MAX_MEM_LEN; len++) {
                size_t dst_offset = src_offset + shift;
                fill_pattern(buf, SIZE, 9);
                fill_pattern(expected, SIZE, 9);
                memmove(expected + dst_offset, expected + src_offset, len);
                void *result = test_memmove(buf + dst_offset, buf + src_offset, len);
                assert_ptr_equal(result, buf + dst_offset);
                assert_memory_equal(buf, expected, SIZE);
            }
}

static void test_memcmp_memchr(void **state) {
    (void) state;
    unsigned char a[40], b[40];
    fill_pattern(a, sizeof(a), 5);
    for (size_t i = 0; i < sizeof(a); i++) {
        memcpy(b, a, sizeof(a));
        b[i] = (unsigned char) (a[i] + 0x80); // differs, across the signed boundary
        assert_int_equal(sign_of(test_memcmp(a, b, sizeof(a))), sign_of(memcmp(a, b, sizeof(a))));
        assert_int_equal(test_memcmp(a, b, i), 0);
        assert_ptr_equal(test_memchr(a, a[i], sizeof(a)), memchr(a, a[i], sizeof(a)));
        assert_ptr_equal(test_memchr(a, a[i] + 256, i), memchr(a, a[i] + 256, i));
    }
    assert_null(test_memchr(a, 0x100 + (unsigned char) ~a[0], 1));
}

// ---- strings ---------------------------------------------------------------

static const char *const sample_strings[] = {
    "", "a", "ab", "abc", "abd", "abcdef", "hello world", "\xff\x80", "\x7f", "aaa", "aab",
    "A", "AbC", "ABD", "Hello World", "[", "@", "`", "{",
};

static void test_string_compare(void **state) {
    (void) state;
    for (size_t i = 0; i < ARRAY_SIZE(sample_strings); i++) {
        const char *a = sample_strings[i];
        assert_int_equal(test_strlen(a), strlen(a));
        for (size_t max = 0; max < 8; max++)
            assert_int_equal(test_strnlen(a, max), strnlen(a, max));
        for (size_t j = 0; j < ARRAY_SIZE(sample_strings); j++) {
            const char *b = sample_strings[j];
            assert_int_equal(sign_of(test_strcmp(a, b)), sign_of(strcmp(a, b)));
            for (size_t max = 0; max < 5; max++)
                assert_int_equal(sign_of(test_strncmp(a, b, max)), sign_of(strncmp(a, b, max)));
            assert_int_equal(sign_of(test_strcasecmp(a, b)), sign_of(strcasecmp(a, b)));
            for (size_t max = 0; max < 5; max++)
                assert_int_equal(sign_of(test_strncasecmp(a, b, max)), sign_of(strncasecmp(a, b, max)));
            assert_ptr_equal(test_strstr(a, b), strstr(a, b));
        }
    }
}

static void test_string_search(void **state) {
    (void) state;
    const char *s = "hello, world";
    static const int targets[] = {'h', 'o', 'l', 'd', 'z', '\0', 'o' + 256, 0xff};
    for (size_t i = 0; i < ARRAY_SIZE(targets); i++) {
        assert_ptr_equal(test_strchr(s, targets[i]), strchr(s, targets[i]));
        assert_ptr_equal(test_strrchr(s, targets[i]), strrchr(s, targets[i]));
    }
    assert_ptr_equal(test_strstr(s, "world"), s + 7);
    assert_ptr_equal(test_strstr(s, ""), s);
    assert_null(test_strstr(s, "worlds"));
}

static void test_string_copy(void **state) {
    (void) state;
    char dst[16], expected[16];
    memset(dst, GUARD_BYTE, sizeof(dst));
    assert_ptr_equal(test_strcpy(dst, "abc"), dst);
    assert_string_equal(dst, "abc");
    assert_ptr_equal(test_strcat(dst, "def"), dst);
    assert_string_equal(dst, "abcdef");
    for (size_t len = 0; len < sizeof(dst); len++) {
        memset(dst, GUARD_BYTE, sizeof(dst));
        memset(expected, GUARD_BYTE, sizeof(expected));
        const char *src = "hello";
        test_strncpy(dst, src, len);
        strncpy(expected, src, len); // pads with NULs up to len
        assert_memory_equal(dst, expected, sizeof(dst));
    }
}

static void test_strlcpy_truncates(void **state) {
    (void) state;
    char dst[8];
    memset(dst, GUARD_BYTE, sizeof(dst));
    assert_int_equal(test_strlcpy(dst, "hello world", 0), 11); // writes nothing
    assert_int_equal(dst[0], GUARD_BYTE);
    assert_int_equal(test_strlcpy(dst, "hello world", sizeof(dst)), 11);
    assert_string_equal(dst, "hello w");
    assert_int_equal(test_strlcpy(dst, "hi", sizeof(dst)), 2);
    assert_string_equal(dst, "hi");
    assert_int_equal(test_strlcpy(dst, "1234567", sizeof(dst)), 7); // fits exactly
    assert_string_equal(dst, "1234567");
    assert_int_equal(test_strlcpy(dst, "x", 1), 1);
    assert_string_equal(dst, "");
}

// ---- ctype -----------------------------------------------------------------

static void test_ctype_matches_c_locale(void **state) {
    (void) state;
    for (int c = EOF; c <= UCHAR_MAX; c++) {
        assert_int_equal(!!test_isdigit(c), !!isdigit(c));
        assert_int_equal(!!test_isxdigit(c), !!isxdigit(c));
        assert_int_equal(!!test_isalpha(c), !!isalpha(c));
        assert_int_equal(!!test_isalnum(c), !!isalnum(c));
        assert_int_equal(!!test_isupper(c), !!isupper(c));
        assert_int_equal(!!test_islower(c), !!islower(c));
        assert_int_equal(!!test_isspace(c), !!isspace(c));
        assert_int_equal(!!test_isprint(c), !!isprint(c));
        assert_int_equal(test_toupper(c), toupper(c));
        assert_int_equal(test_tolower(c), tolower(c));
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snprintf_integer_matrix),
        cmocka_unit_test(test_snprintf_integer_limits),
        cmocka_unit_test(test_snprintf_star_fields),
        cmocka_unit_test(test_snprintf_strings_and_chars),
        cmocka_unit_test(test_snprintf_pointers),
        cmocka_unit_test(test_snprintf_float_placeholder),
        cmocka_unit_test(test_snprintf_unknown_conversion),
        cmocka_unit_test(test_snprintf_truncation),
        cmocka_unit_test(test_cbprintf_has_no_limit),
        cmocka_unit_test(test_strto_matches_glibc),
        cmocka_unit_test(test_strto_invalid_base),
        cmocka_unit_test(test_strto_clamps),
        cmocka_unit_test(test_atoi_abs),
        cmocka_unit_test(test_memcpy_alignments),
        cmocka_unit_test(test_memset_alignments),
        cmocka_unit_test(test_memmove_overlap),
        cmocka_unit_test(test_memcmp_memchr),
        cmocka_unit_test(test_string_compare),
        cmocka_unit_test(test_string_search),
        cmocka_unit_test(test_string_copy),
        cmocka_unit_test(test_strlcpy_truncates),
        cmocka_unit_test(test_ctype_matches_c_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL) != 0;
}
