// Integer conversion, absolute value and memory allocation. There is no
// errno: on overflow the strto* functions clamp to the type's limits as C
// specifies, and an invalid base returns 0 with *endptr = nptr.
#pragma once
#include <stddef.h>

// Parse "[whitespace][+|-][0x|0X|0]digits" in base 2..36, or base 0 to pick
// 16, 8 or 10 from the prefix. If endptr is not NULL, *endptr is set to the
// first character not used, or to nptr when no digits were found.
long strtol(const char *nptr, char **endptr, int base);
long long strtoll(const char *nptr, char **endptr, int base);
unsigned long strtoul(const char *nptr, char **endptr, int base);
unsigned long long strtoull(const char *nptr, char **endptr, int base);

// strtol(s, NULL, 10) narrowed to int.
int atoi(const char *s);

// Undefined for INT_MIN and LONG_MIN, as in C.
int abs(int x);
long labs(long x);

// The heap (libs/c/malloc.c), grown through __libc_morecore (aster_libc.h).
// Every block is aligned to 16 bytes. A size too large to represent, or a
// count * size that overflows, fails with NULL. malloc(0) and realloc(p, 0)
// return a unique minimal block (NULL only when out of memory), and a
// failed realloc leaves the old block as it was. Safe to call from several
// threads (one spin lock).
void *malloc(size_t size);
void free(void *ptr);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
