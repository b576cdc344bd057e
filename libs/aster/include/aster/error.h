// The one list of error codes, shared by the kernel and every app.
// A function that can fail returns error_t (or a value that is an error when
// negative): OK is zero, every error is a negative E_* constant.
#pragma once

typedef int error_t;

#define ASTER_ERRORS(X)                                                        \
    X(E_NO_MEMORY, 1, "out of memory")                                         \
    X(E_INVALID_ARG, 2, "invalid argument")                                    \
    X(E_INVALID_HANDLE, 3, "invalid or stale handle")                          \
    X(E_WRONG_TYPE, 4, "handle refers to another kind of object")              \
    X(E_NO_RIGHT, 5, "handle lacks the right for this operation")              \
    X(E_FULL, 6, "peer queue is full")                                         \
    X(E_EMPTY, 7, "no message queued")                                         \
    X(E_NO_PEER, 8, "peer is closed")                                          \
    X(E_TOO_LARGE, 9, "message too large")                                     \
    X(E_TIMED_OUT, 10, "timed out")                                            \
    X(E_BAD_ADDRESS, 11, "bad memory address")                                 \
    X(E_NOT_FOUND, 12, "not found")                                            \
    X(E_NOT_SUPPORTED, 13, "not supported")                                    \
    X(E_ALREADY_EXISTS, 14, "already exists")                                  \
    X(E_QUOTA, 15, "quota exceeded")                                           \
    X(E_TOO_MANY_HANDLES, 16, "handle table is full")                          \
    X(E_BUSY, 17, "busy")                                                      \
    X(E_BAD_MESSAGE, 18, "malformed message")

enum error {
    OK = 0,
#define ASTER_ERROR_ENUM(name, value, text) name = -(value),
    ASTER_ERRORS(ASTER_ERROR_ENUM)
#undef ASTER_ERROR_ENUM
};

// (As 64-bit values in every mode: a 32-bit long would turn a large
// positive result negative.)
#define IS_ERROR(x) ((long long) (x) < 0)
#define IS_OK(x)    ((long long) (x) >= 0)

// The name of an error code ("E_FULL"), or "OK", or "E_UNKNOWN".
const char *error_name(long long err);
// A short human description ("peer queue is full").
const char *error_text(long long err);
