// The kernel log: everything printed goes to the console and into a ring
// buffer that apps can read back with log_read.
#pragma once
#include "common.h"

#define LOG_LINE_MAX 512
#define LOG_RING_SIZE (16 * 1024)

// Prints one app log line as "[name] text" (a trailing newline is added).
void log_app_line(const char *app_name, const char *text, size_t len);
// How many bytes a read of the last `max` bytes of the ring returns.
size_t log_tail_size(size_t max);
// Copies `len` bytes of the ring, starting `from_end` bytes before its end.
size_t log_tail_read(char *dst, size_t from_end, size_t len);
