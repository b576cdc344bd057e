// Memory and string functions, with C semantics. Strings are byte strings;
// comparisons treat bytes as unsigned char.
#pragma once
#include <stddef.h>

// memcpy, memmove and memset go a word at a time where alignment allows:
// IPC copies run through them. memcpy's regions must not overlap.
void *memcpy(void *dst, const void *src, size_t len);
void *memmove(void *dst, const void *src, size_t len);
void *memset(void *dst, int c, size_t len);
int memcmp(const void *a, const void *b, size_t len);
void *memchr(const void *s, int c, size_t len);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max_len);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t max_len);
// As strcmp and strncmp, with ASCII letters compared without their case.
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t max_len);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);

char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t len);
char *strcat(char *dst, const char *src);

// Copies at most size - 1 bytes of src into dst and NUL-terminates it when
// size > 0. Returns strlen(src); a result >= size means src was truncated.
size_t strlcpy(char *dst, const char *src, size_t size);
