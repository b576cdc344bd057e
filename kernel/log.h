// The kernel log: everything printed goes to the console and into a ring
// buffer that apps can read back with log_read.
#pragma once
#include "common.h"

#define LOG_LINE_MAX 512
#define LOG_RING_SIZE (16 * 1024)

// Prints one app log line as "[name] text" (a trailing newline is added).
void log_app_line(const char *app_name, const char *text, size_t len);

// An app's share of the console: at most LOG_APP_LINES_PER_SECOND lines in
// any one-second window. The console is written with interrupts off, so an
// app that logged without end would stall everyone; lines over the budget
// are dropped and counted, and their number is logged when the next window
// opens.
#define LOG_APP_LINES_PER_SECOND 200
struct log_budget {
    uint64_t window_start; // ticks
    uint32_t lines;        // logged in the current window
    uint32_t dropped;      // left out in it
};
// log_app_line within the app's budget; E_FULL (the line dropped) beyond it.
error_t log_app_line_limited(struct log_budget *budget, const char *app_name, const char *text, size_t len);
// How many bytes a read of the last `max` bytes of the ring returns.
size_t log_tail_size(size_t max);
// Copies `len` bytes of the ring, starting `from_end` bytes before its end.
size_t log_tail_read(char *dst, size_t from_end, size_t len);
