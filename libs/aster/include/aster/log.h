// Logging for apps. The kernel stamps each line with the app's name:
//   INFO("listening on %d", port)   ->   [echo] listening on 80
#pragma once

enum log_level { LOG_TRACE, LOG_INFO, LOG_WARN, LOG_ERROR };

__attribute__((format(printf, 2, 3))) void aster_log(enum log_level level, const char *fmt, ...);

#define TRACE(fmt, ...) aster_log(LOG_TRACE, fmt, ##__VA_ARGS__)
#define INFO(fmt, ...)  aster_log(LOG_INFO, fmt, ##__VA_ARGS__)
#define WARN(fmt, ...)  aster_log(LOG_WARN, fmt, ##__VA_ARGS__)
#define ERROR(fmt, ...) aster_log(LOG_ERROR, fmt, ##__VA_ARGS__)

// Logs the failed condition with its location and ends the app's thread.
#define ASSERT(cond)                                                           \
    do {                                                                       \
        if (!(cond))                                                           \
            aster_assert_failed(#cond, __FILE__, __LINE__);                    \
    } while (0)

__attribute__((noreturn)) void aster_assert_failed(const char *expr, const char *file, int line);
