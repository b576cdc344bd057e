// lwIP's platform definitions for Aster apps (freestanding: the SDK's libc).
#pragma once
#include <stddef.h>
#include <stdint.h>

#define BYTE_ORDER LITTLE_ENDIAN
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

// Diagnostics go to the log; a failed assertion ends the app (its restart
// policy decides what follows).
void tcpip_diag(const char *format, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void tcpip_assert_failed(const char *message, const char *file, int line);
#define LWIP_PLATFORM_DIAG(x) do { tcpip_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) tcpip_assert_failed(x, __FILE__, __LINE__)
