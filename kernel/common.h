// Definitions every kernel file uses: basic types, the shared error codes,
// logging and assertions.
#pragma once
#include <aster/error.h>
#include <aster/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "list.h"

typedef uint64_t paddr_t;
typedef uint64_t vaddr_t;

#define ALIGN_UP(x, a)   (((x) + (a) - 1) & ~((__typeof__(x)) (a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x)) (a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((a) - 1)) == 0)
#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)        ((a) < (b) ? (a) : (b))
#define MAX(a, b)        ((a) > (b) ? (a) : (b))
#define PAGE_SIZE        4096
#define UNUSED           __attribute__((unused))
#define NORETURN         __attribute__((noreturn))
#define NOINLINE         __attribute__((noinline))

// Kernel console and log. Lines go to the console and to the log ring.
__attribute__((format(printf, 1, 2))) void printk(const char *fmt, ...);
NORETURN __attribute__((format(printf, 1, 2))) void panic(const char *fmt, ...);

#define INFO(fmt, ...)  printk("[kernel] " fmt "\n", ##__VA_ARGS__)
#define WARN(fmt, ...)  printk("[kernel] WARN: " fmt "\n", ##__VA_ARGS__)
#define ERROR(fmt, ...) printk("[kernel] ERROR: " fmt "\n", ##__VA_ARGS__)
#define TRACE(fmt, ...) ((void) 0)

// PANIC is for a broken kernel invariant only, never for bad input.
#define PANIC(fmt, ...) panic("%s:%d: " fmt, __FILE__, __LINE__, ##__VA_ARGS__)
#define ASSERT(cond)                                                           \
    do {                                                                       \
        if (__builtin_expect(!(cond), 0))                                      \
            PANIC("assertion failed: %s", #cond);                              \
    } while (0)
