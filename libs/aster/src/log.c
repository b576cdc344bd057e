#include <aster/log.h>
#include <aster/syscall.h>
#include <stdarg.h>
#include <stdio.h>

static const char *level_prefix[] = {
    [LOG_TRACE] = "trace: ",
    [LOG_INFO] = "",
    [LOG_WARN] = "WARN: ",
    [LOG_ERROR] = "ERROR: ",
};

void aster_log(enum log_level level, const char *fmt, ...) {
    char line[256];
    int prefix_len = snprintf(line, sizeof(line), "%s", level_prefix[level]);
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(line + prefix_len, sizeof(line) - prefix_len, fmt, ap);
    va_end(ap);
    len += prefix_len;
    if (len >= (int) sizeof(line))
        len = sizeof(line) - 1;
    sys_log_write(line, len);
}

void aster_assert_failed(const char *expr, const char *file, int line) {
    aster_log(LOG_ERROR, "assertion failed: %s (%s:%d)", expr, file, line);
    sys_thread_exit();
}
