// Integer conversion and absolute value. There is no errno: on overflow the
// strto* functions clamp to the type's limits as C specifies, and an invalid
// base returns 0 with *endptr = nptr. No memory allocation here (yet).
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
