// Formatted output, written once around a per-character callback
// (vcbprintf) so the kernel console can print without a buffer and
// snprintf can print into one. See include/stdio.h for what is supported.
#include "libc_test_names.h" // first: renames for host tests, see there

#include "include/ctype.h"
#include "include/stdio.h"
#include "include/string.h"
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

// The argument type a length modifier selects: none, hh, h, l, ll, z, t, j, L.
enum length_modifier { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J, LEN_LONG_DOUBLE };

// One "%[flags][width][.precision][length]specifier" of a format.
struct conversion {
    bool left_align;             // '-': pad on the right
    bool zero_pad;               // '0': pad numbers with leading zeros
    bool plus_sign;              // '+': '+' before non-negative signed numbers
    bool space_sign;             // ' ': ' ' before non-negative signed numbers
    bool alternate;              // '#': 0x/0X before hex, a leading 0 for octal
    int width;                   // minimum field width, 0 if none
    int precision;               // minimum digits, or maximum chars for %s; -1 if none
    enum length_modifier length; // type of the argument
    char specifier;              // the conversion letter, or '\0' if the format ended
};

// Where output goes, and how much of it there has been.
struct printer {
    void (*put_char)(void *ctx, char c);
    void *ctx;
    size_t count; // characters produced so far
};

static void emit(struct printer *out, char c) {
    out->put_char(out->ctx, c);
    out->count++;
}

static void emit_chars(struct printer *out, const char *chars, size_t len) {
    for (size_t i = 0; i < len; i++)
        emit(out, chars[i]);
}

// Emits c count times; nothing if count <= 0.
static void emit_repeated(struct printer *out, char c, long long count) {
    for (; count > 0; count--)
        emit(out, c);
}

static const char *parse_flags(const char *fmt, struct conversion *conv) {
    for (;; fmt++) {
        switch (*fmt) {
        case '-':
            conv->left_align = true;
            break;
        case '0':
            conv->zero_pad = true;
            break;
        case '+':
            conv->plus_sign = true;
            break;
        case ' ':
            conv->space_sign = true;
            break;
        case '#':
            conv->alternate = true;
            break;
        default:
            return fmt;
        }
    }
}

// Reads a width or precision: decimal digits (saturating at INT_MAX), or '*'
// to take an int from args.
static const char *parse_field(const char *fmt, va_list *args, int *value) {
    if (*fmt == '*') {
        *value = va_arg(*args, int);
        return fmt + 1;
    }
    int n = 0;
    for (; isdigit(*fmt); fmt++) {
        int digit = *fmt - '0';
        n = n > (INT_MAX - digit) / 10 ? INT_MAX : n * 10 + digit;
    }
    *value = n;
    return fmt;
}

static const char *parse_length(const char *fmt, enum length_modifier *length) {
    switch (*fmt) {
    case 'h':
        *length = fmt[1] == 'h' ? LEN_HH : LEN_H;
        break;
    case 'l':
        *length = fmt[1] == 'l' ? LEN_LL : LEN_L;
        break;
    case 'z':
        *length = LEN_Z;
        break;
    case 't':
        *length = LEN_T;
        break;
    case 'j':
        *length = LEN_J;
        break;
    case 'L':
        *length = LEN_LONG_DOUBLE;
        break;
    default:
        *length = LEN_NONE;
        return fmt;
    }
    return fmt + (*length == LEN_HH || *length == LEN_LL ? 2 : 1);
}

// Parses the conversion that follows a '%', taking '*' fields from args.
// Returns the format position after it (at the NUL if the format ended).
static const char *parse_conversion(const char *fmt, va_list *args, struct conversion *conv) {
    *conv = (struct conversion){.precision = -1};
    fmt = parse_flags(fmt, conv);
    fmt = parse_field(fmt, args, &conv->width);
    if (conv->width < 0) { // a negative '*' width means '-' flag
        conv->left_align = true;
        conv->width = conv->width == INT_MIN ? INT_MAX : -conv->width;
    }
    if (*fmt == '.') {
        fmt = parse_field(fmt + 1, args, &conv->precision);
        if (conv->precision < 0) // a negative '*' precision means none
            conv->precision = -1;
    }
    fmt = parse_length(fmt, &conv->length);
    conv->specifier = *fmt;
    return *fmt ? fmt + 1 : fmt;
}

static long long fetch_signed(va_list *args, enum length_modifier length) {
    switch (length) {
    case LEN_HH:
        return (signed char) va_arg(*args, int);
    case LEN_H:
        return (short) va_arg(*args, int);
    case LEN_L:
        return va_arg(*args, long);
    case LEN_LL:
        return va_arg(*args, long long);
    case LEN_Z:
    case LEN_T:
        return va_arg(*args, ptrdiff_t);
    case LEN_J:
        return va_arg(*args, intmax_t);
    default:
        return va_arg(*args, int);
    }
}

static unsigned long long fetch_unsigned(va_list *args, enum length_modifier length) {
    switch (length) {
    case LEN_HH:
        return (unsigned char) va_arg(*args, unsigned);
    case LEN_H:
        return (unsigned short) va_arg(*args, unsigned);
    case LEN_L:
        return va_arg(*args, unsigned long);
    case LEN_LL:
        return va_arg(*args, unsigned long long);
    case LEN_Z:
    case LEN_T:
        return va_arg(*args, size_t);
    case LEN_J:
        return va_arg(*args, uintmax_t);
    default:
        return va_arg(*args, unsigned);
    }
}

// Prints text in the conversion's field: padded with spaces to its width.
static void print_padded(struct printer *out, const struct conversion *conv, const char *text, size_t len) {
    long long padding = (long long) conv->width - (long long) len;
    if (!conv->left_align)
        emit_repeated(out, ' ', padding);
    emit_chars(out, text, len);
    if (conv->left_align)
        emit_repeated(out, ' ', padding);
}

// Writes the digits of magnitude, in the base the specifier calls for, so
// that they end at buf_end. Returns where they start.
static char *format_digits(char *buf_end, unsigned long long magnitude, char specifier) {
    unsigned base = specifier == 'o' ? 8 : specifier == 'x' || specifier == 'X' ? 16 : 10;
    const char *digit_chars = specifier == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    char *digits = buf_end;
    do {
        *--digits = digit_chars[magnitude % base];
        magnitude /= base;
    } while (magnitude > 0);
    return digits;
}

// Prints [padding] prefix [zeros] digits [padding] for a number whose sign
// or 0x has already been chosen as prefix; applies precision, the '0' flag
// and the '#' flag of octal.
static void print_number(struct printer *out, const struct conversion *conv, unsigned long long magnitude,
                         const char *prefix) {
    char buf[24]; // 2^64 - 1 in octal takes 22 digits
    const char *digits = format_digits(buf + sizeof(buf), magnitude, conv->specifier);
    long long digit_count = buf + sizeof(buf) - digits;
    if (conv->precision == 0 && magnitude == 0) // zero at precision 0 prints no digits
        digit_count = 0;

    long long prefix_len = strlen(prefix);
    long long zeros = conv->precision > digit_count ? conv->precision - digit_count : 0;
    if (conv->alternate && conv->specifier == 'o' && zeros == 0 && (digit_count == 0 || *digits != '0'))
        zeros = 1;
    if (conv->zero_pad && !conv->left_align && conv->precision < 0 &&
        conv->width > prefix_len + zeros + digit_count)
        zeros = conv->width - prefix_len - digit_count;
    long long padding = conv->width - prefix_len - zeros - digit_count;

    if (!conv->left_align)
        emit_repeated(out, ' ', padding);
    emit_chars(out, prefix, prefix_len);
    emit_repeated(out, '0', zeros);
    emit_chars(out, digits, digit_count);
    if (conv->left_align)
        emit_repeated(out, ' ', padding);
}

static void print_signed(struct printer *out, const struct conversion *conv, long long value) {
    const char *sign = conv->plus_sign ? "+" : conv->space_sign ? " " : "";
    unsigned long long magnitude = value;
    if (value < 0) {
        sign = "-";
        magnitude = 0 - magnitude; // no overflow, unlike -value for the minimum
    }
    print_number(out, conv, magnitude, sign);
}

static void print_unsigned(struct printer *out, const struct conversion *conv, unsigned long long value) {
    bool hex = conv->specifier == 'x' || conv->specifier == 'X';
    const char *prefix = "";
    if (conv->alternate && hex && value != 0)
        prefix = conv->specifier == 'x' ? "0x" : "0X";
    print_number(out, conv, value, prefix);
}

static void print_pointer(struct printer *out, const struct conversion *conv, const void *ptr) {
    struct conversion hex = *conv;
    hex.specifier = 'x';
    print_number(out, &hex, (uintptr_t) ptr, "0x");
}

static void print_string(struct printer *out, const struct conversion *conv, const char *s) {
    if (!s)
        s = "(null)";
    size_t len = conv->precision >= 0 ? strnlen(s, conv->precision) : strlen(s);
    print_padded(out, conv, s, len);
}

// Consumes a floating-point argument and prints "?" in its place.
static void print_float(struct printer *out, const struct conversion *conv, va_list *args) {
    if (conv->length == LEN_LONG_DOUBLE)
        (void) va_arg(*args, long double);
    else
        (void) va_arg(*args, double);
    print_padded(out, conv, "?", 1);
}

static void print_conversion(struct printer *out, const struct conversion *conv, va_list *args) {
    char c;
    switch (conv->specifier) {
    case 'd':
    case 'i':
        print_signed(out, conv, fetch_signed(args, conv->length));
        break;
    case 'u':
    case 'o':
    case 'x':
    case 'X':
        print_unsigned(out, conv, fetch_unsigned(args, conv->length));
        break;
    case 'p':
        print_pointer(out, conv, va_arg(*args, void *));
        break;
    case 's':
        print_string(out, conv, va_arg(*args, const char *));
        break;
    case 'c':
        c = (char) va_arg(*args, int);
        print_padded(out, conv, &c, 1);
        break;
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
    case 'a':
    case 'A':
        print_float(out, conv, args);
        break;
    case '%':
        emit(out, '%');
        break;
    default:
        emit(out, '%');
        if (conv->specifier)
            emit(out, conv->specifier);
        break;
    }
}

int vcbprintf(void (*put_char)(void *ctx, char c), void *ctx, const char *fmt, va_list ap) {
    struct printer out = {.put_char = put_char, .ctx = ctx, .count = 0};
    va_list args; // a copy, because va_list cannot portably be passed by address
    va_copy(args, ap);
    while (*fmt) {
        if (*fmt != '%') {
            emit(&out, *fmt++);
            continue;
        }
        struct conversion conv;
        fmt = parse_conversion(fmt + 1, &args, &conv);
        print_conversion(&out, &conv, &args);
    }
    va_end(args);
    return out.count > INT_MAX ? -1 : (int) out.count;
}

int cbprintf(void (*put_char)(void *ctx, char c), void *ctx, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int len = vcbprintf(put_char, ctx, fmt, ap);
    va_end(ap);
    return len;
}

// A vsnprintf destination: keeps the first size - 1 characters.
struct buffer_sink {
    char *buf;
    size_t size;
    size_t len; // characters offered so far, kept or not
};

static void buffer_put_char(void *ctx, char c) {
    struct buffer_sink *sink = ctx;
    if (sink->len + 1 < sink->size)
        sink->buf[sink->len] = c;
    sink->len++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) {
    struct buffer_sink sink = {.buf = buf, .size = size, .len = 0};
    int len = vcbprintf(buffer_put_char, &sink, fmt, ap);
    if (size > 0)
        buf[sink.len < size ? sink.len : size - 1] = '\0';
    return len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return len;
}
