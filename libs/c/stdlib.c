// String to integer conversion and absolute values. One scanner serves the
// whole strto* family; each function then fits the result into its type.
#include "libc_test_names.h" // first: renames for host tests, see there

#include "include/ctype.h"
#include "include/stdlib.h"
#include <limits.h>
#include <stdbool.h>

// A number as scanned, before it is fitted into the caller's type.
struct scanned_number {
    unsigned long long magnitude; // the value without its sign
    bool negative;                // a '-' came before the digits
    bool overflow;                // the magnitude exceeded ULLONG_MAX (then it holds ULLONG_MAX)
};

// The value of c as a digit in bases up to 36; 36 (too big for any base) if
// c is neither a digit nor a letter.
static int digit_value(char c) {
    if (isdigit(c))
        return c - '0';
    if (isalpha(c))
        return tolower(c) - 'a' + 10;
    return 36;
}

// Skips a "0x" or "0X" that hex allows, resolving base 0 to 16, 8 or 10 by
// the prefix. A prefix counts only if a hex digit follows it, so "0xg"
// scans as "0". Returns where the digits start.
static const char *skip_base_prefix(const char *s, int *base) {
    bool hex_prefix = s[0] == '0' && tolower(s[1]) == 'x' && digit_value(s[2]) < 16;
    if ((*base == 0 || *base == 16) && hex_prefix) {
        *base = 16;
        return s + 2;
    }
    if (*base == 0)
        *base = s[0] == '0' ? 8 : 10;
    return s;
}

// Scans "[whitespace][+|-][prefix]digits" and sets *endptr as strtoull does.
static struct scanned_number scan_number(const char *nptr, char **endptr, int base) {
    struct scanned_number number = {0};
    const char *end = nptr; // stays at nptr unless a digit is found
    if (base == 0 || (base >= 2 && base <= 36)) {
        const char *s = nptr;
        while (isspace(*s))
            s++;
        if (*s == '+' || *s == '-')
            number.negative = *s++ == '-';
        s = skip_base_prefix(s, &base);
        for (int digit; (digit = digit_value(*s)) < base; s++) {
            end = s + 1;
            if (number.magnitude > (ULLONG_MAX - digit) / base)
                number.overflow = true;
            else
                number.magnitude = number.magnitude * base + digit;
        }
    }
    if (number.overflow)
        number.magnitude = ULLONG_MAX;
    if (endptr)
        *endptr = (char *) end;
    return number;
}

// Fits a number into a signed type whose limits are [-max - 1, max],
// clamping when out of range.
static long long fit_signed(struct scanned_number number, long long max) {
    if (number.magnitude > (unsigned long long) max) // also right for exactly -max - 1
        return number.negative ? -max - 1 : max;
    return number.negative ? -(long long) number.magnitude : (long long) number.magnitude;
}

// Fits a number into an unsigned type whose maximum is max: clamps when out
// of range, and negates modulo 2^N for a '-' as C specifies (the caller's
// cast to its type does the final reduction).
static unsigned long long fit_unsigned(struct scanned_number number, unsigned long long max) {
    if (number.overflow || number.magnitude > max)
        return max;
    return number.negative ? 0 - number.magnitude : number.magnitude;
}

long strtol(const char *nptr, char **endptr, int base) {
    return fit_signed(scan_number(nptr, endptr, base), LONG_MAX);
}

long long strtoll(const char *nptr, char **endptr, int base) {
    return fit_signed(scan_number(nptr, endptr, base), LLONG_MAX);
}

unsigned long strtoul(const char *nptr, char **endptr, int base) {
    return fit_unsigned(scan_number(nptr, endptr, base), ULONG_MAX);
}

unsigned long long strtoull(const char *nptr, char **endptr, int base) {
    return fit_unsigned(scan_number(nptr, endptr, base), ULLONG_MAX);
}

int atoi(const char *s) { return (int) strtol(s, NULL, 10); }

int abs(int x) { return x < 0 ? -x : x; }

long labs(long x) { return x < 0 ? -x : x; }
