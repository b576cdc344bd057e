// Formatted output into a buffer (snprintf) or to a callback (cbprintf).
//
// Conversions: %d %i %u %x %X %o %c %s %p %%, flags - 0 + space #, width
// and precision (also *), length modifiers hh h l ll z t j. %p prints
// 0x-prefixed lowercase hex (NULL is 0x0); %s of NULL prints "(null)".
// Not supported: floating point (%f %e %g %a and capitals print "?" but
// consume their argument, so later ones stay in place), %n, wide characters.
// Unknown conversions print as '%' and the letter, consuming nothing.
#pragma once
#include <stdarg.h>
#include <stddef.h>

// Formats like C99 snprintf: writes at most size - 1 characters and a NUL
// into buf when size > 0 (buf may be NULL when size is 0), and returns the
// length the whole output would have, not counting the NUL.
__attribute__((format(printf, 3, 4))) int snprintf(char *buf, size_t size, const char *fmt, ...);
__attribute__((format(printf, 3, 0))) int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

// Formats by calling put_char(ctx, c) for each character of the output, with
// no length limit. Returns the number of characters produced (negative if
// that exceeds INT_MAX).
__attribute__((format(printf, 3, 4))) int cbprintf(void (*put_char)(void *ctx, char c), void *ctx,
                                                   const char *fmt, ...);
__attribute__((format(printf, 3, 0))) int vcbprintf(void (*put_char)(void *ctx, char c), void *ctx,
                                                    const char *fmt, va_list ap);
