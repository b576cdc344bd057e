#include "log.h"
#include "arch.h"
#include <stdarg.h>
#include <stdio.h>

static char ring[LOG_RING_SIZE];
static uint64_t ring_written; // total bytes ever written; ring holds the last part

static void log_putc(char c) {
    ring[ring_written++ % LOG_RING_SIZE] = c;
    if (c == '\n')
        arch_console_putc('\r');
    arch_console_putc(c);
}

static void log_puts(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++)
        log_putc(s[i]);
}

void printk(const char *fmt, ...) {
    char buf[LOG_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    log_puts(buf, MIN((size_t) len, sizeof(buf) - 1));
}

void log_app_line(const char *app_name, const char *text, size_t len) {
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\0'))
        len--;
    log_putc('[');
    for (const char *p = app_name; *p; p++)
        log_putc(*p);
    log_puts("] ", 2);
    for (size_t i = 0; i < len; i++) // control characters cannot forge lines
        log_putc(text[i] == '\n' || (text[i] < 0x20 && text[i] != '\t') ? ' ' : text[i]);
    log_putc('\n');
}

error_t log_app_line_limited(struct log_budget *budget, const char *app_name, const char *text, size_t len) {
    uint64_t now = arch_time_ticks();
    if (now - budget->window_start >= arch_timer_hz()) {
        if (budget->dropped)
            printk("[kernel] WARN: %s: %u log lines left out (over %u in a second)\n", app_name, budget->dropped,
                   LOG_APP_LINES_PER_SECOND);
        *budget = (struct log_budget){.window_start = now};
    }
    if (budget->lines >= LOG_APP_LINES_PER_SECOND) {
        budget->dropped++;
        return E_FULL;
    }
    budget->lines++;
    log_app_line(app_name, text, len);
    return OK;
}

size_t log_tail_size(size_t max) {
    uint64_t available = MIN(ring_written, (uint64_t) LOG_RING_SIZE);
    return MIN((uint64_t) max, available);
}

size_t log_tail_read(char *dst, size_t from_end, size_t len) {
    uint64_t start = ring_written - from_end;
    for (size_t i = 0; i < len; i++)
        dst[i] = ring[(start + i) % LOG_RING_SIZE];
    return len;
}
