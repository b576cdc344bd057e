// Memory and string functions. memcpy, memmove and memset move 8-byte words
// when both pointers can be brought to 8-byte alignment together (riscv64
// does not promise fast or even working misaligned accesses), and bytes
// otherwise; the other functions work byte by byte.
#include "libc_test_names.h" // first: renames for host tests, see there

#include "include/string.h"
#include "include/ctype.h"
#include <stdbool.h>
#include <stdint.h>

// A word that may alias objects of any type, so word-wise copies are
// well defined whatever the bytes belong to.
typedef uint64_t __attribute__((may_alias)) word_t;
#define WORD_SIZE sizeof(word_t)

// Keeps the compiler from turning the loops below back into calls to
// memcpy or memset, which would recurse. (The build also passes -fno-builtin.)
#if __has_attribute(no_builtin)
#define NO_LIBCALL_IDIOMS __attribute__((no_builtin))
#elif defined(__GNUC__) && !defined(__clang__)
#define NO_LIBCALL_IDIOMS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LIBCALL_IDIOMS
#endif

static bool word_aligned(const void *p) { return (uintptr_t) p % WORD_SIZE == 0; }

static bool same_word_offset(const void *a, const void *b) {
    return ((uintptr_t) a ^ (uintptr_t) b) % WORD_SIZE == 0;
}

// Copies from low to high addresses; safe for overlap only if dst <= src.
NO_LIBCALL_IDIOMS static void copy_forward(unsigned char *dst, const unsigned char *src, size_t len) {
    if (same_word_offset(dst, src)) {
        for (; len > 0 && !word_aligned(dst); len--)
            *dst++ = *src++;
        for (; len >= WORD_SIZE; len -= WORD_SIZE, dst += WORD_SIZE, src += WORD_SIZE)
            *(word_t *) dst = *(const word_t *) src;
    }
    for (; len > 0; len--)
        *dst++ = *src++;
}

// Copies from high to low addresses; safe for overlap if dst >= src.
NO_LIBCALL_IDIOMS static void copy_backward(unsigned char *dst, const unsigned char *src, size_t len) {
    dst += len;
    src += len;
    if (same_word_offset(dst, src)) {
        for (; len > 0 && !word_aligned(dst); len--)
            *--dst = *--src;
        for (; len >= WORD_SIZE; len -= WORD_SIZE) {
            dst -= WORD_SIZE;
            src -= WORD_SIZE;
            *(word_t *) dst = *(const word_t *) src;
        }
    }
    for (; len > 0; len--)
        *--dst = *--src;
}

void *memcpy(void *dst, const void *src, size_t len) {
    copy_forward(dst, src, len);
    return dst;
}

void *memmove(void *dst, const void *src, size_t len) {
    // Unsigned wrap-around: the difference is < len exactly when dst lies
    // inside (src, src + len), the one case where copying forward would
    // overwrite source bytes before reading them.
    if ((uintptr_t) dst - (uintptr_t) src >= len)
        copy_forward(dst, src, len);
    else
        copy_backward(dst, src, len);
    return dst;
}

NO_LIBCALL_IDIOMS void *memset(void *dst, int c, size_t len) {
    unsigned char *p = dst;
    unsigned char byte = (unsigned char) c;
    for (; len > 0 && !word_aligned(p); len--)
        *p++ = byte;
    word_t pattern = byte * (word_t) 0x0101010101010101;
    for (; len >= WORD_SIZE; len -= WORD_SIZE, p += WORD_SIZE)
        *(word_t *) p = pattern;
    for (; len > 0; len--)
        *p++ = byte;
    return dst;
}

int memcmp(const void *a, const void *b, size_t len) {
    const unsigned char *x = a, *y = b;
    for (; len > 0; len--, x++, y++) {
        if (*x != *y)
            return *x - *y;
    }
    return 0;
}

void *memchr(const void *s, int c, size_t len) {
    const unsigned char *p = s;
    for (; len > 0; len--, p++) {
        if (*p == (unsigned char) c)
            return (void *) p;
    }
    return NULL;
}

NO_LIBCALL_IDIOMS size_t strlen(const char *s) {
    const char *end = s;
    while (*end)
        end++;
    return end - s;
}

NO_LIBCALL_IDIOMS size_t strnlen(const char *s, size_t max_len) {
    size_t len = 0;
    while (len < max_len && s[len])
        len++;
    return len;
}

int strcmp(const char *a, const char *b) { return strncmp(a, b, SIZE_MAX); }

int strncmp(const char *a, const char *b, size_t max_len) {
    for (; max_len > 0; max_len--, a++, b++) {
        if (*a != *b)
            return (unsigned char) *a - (unsigned char) *b;
        if (!*a)
            break;
    }
    return 0;
}

int strcasecmp(const char *a, const char *b) { return strncasecmp(a, b, (size_t) -1); }

int strncasecmp(const char *a, const char *b, size_t max_len) {
    for (; max_len > 0; max_len--, a++, b++) {
        int x = tolower((unsigned char) *a), y = tolower((unsigned char) *b);
        if (x != y)
            return x - y;
        if (!*a)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c) {
    for (;; s++) {
        if (*s == (char) c)
            return (char *) s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c) {
    const char *last = NULL;
    for (;; s++) {
        if (*s == (char) c)
            last = s;
        if (!*s)
            return (char *) last;
    }
}

char *strstr(const char *haystack, const char *needle) {
    size_t needle_len = strlen(needle);
    for (; *haystack; haystack++) {
        if (strncmp(haystack, needle, needle_len) == 0)
            return (char *) haystack;
    }
    return needle_len == 0 ? (char *) haystack : NULL;
}

char *strcpy(char *dst, const char *src) {
    memcpy(dst, src, strlen(src) + 1);
    return dst;
}

// Copies at most len bytes and pads dst with NULs up to len; dst is not
// NUL-terminated if src is at least len bytes long.
char *strncpy(char *dst, const char *src, size_t len) {
    size_t copied = strnlen(src, len);
    memcpy(dst, src, copied);
    memset(dst + copied, 0, len - copied);
    return dst;
}

char *strcat(char *dst, const char *src) {
    strcpy(dst + strlen(dst), src);
    return dst;
}

size_t strlcpy(char *dst, const char *src, size_t size) {
    size_t src_len = strlen(src);
    if (size > 0) {
        size_t copied = src_len < size ? src_len : size - 1;
        memcpy(dst, src, copied);
        dst[copied] = '\0';
    }
    return src_len;
}
