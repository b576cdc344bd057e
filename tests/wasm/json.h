// A small JSON reader for the scripts wast2json writes: objects, arrays,
// strings (with \u escapes, decoded to UTF-8), numbers, true/false/null.
#pragma once
#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
    enum json_type type;
    char *string;          // JSON_STRING (NUL-terminated; len excludes it)
    size_t len;
    double number;         // JSON_NUMBER, JSON_BOOL
    char *key;             // when a member of an object
    struct json *child;    // first element or member
    struct json *next;     // next sibling
};

// Parses text; NULL on a syntax error. Free with json_free.
struct json *json_parse(const char *text, size_t len);
void json_free(struct json *value);
// The member named key of an object, or NULL.
const struct json *json_get(const struct json *object, const char *key);
// The member's string, or NULL if absent or not a string.
const char *json_string(const struct json *object, const char *key);
// The same with its length in *len (strings may contain NUL bytes).
const char *json_bytes(const struct json *object, const char *key, size_t *len);
