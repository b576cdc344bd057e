// Host-test renaming of everything this libc exports.
//
// With ASTER_LIBC_TEST defined (host unit tests only), each exported function
// `name` becomes `test_name`, so our libc links next to glibc and tests can
// compare the two. Without ASTER_LIBC_TEST this header does nothing.
//
// Every libs/c source includes it first, before any header that declares
// these names. A test includes it once to turn the renames on, includes our
// headers (which then declare test_*), and includes it again with
// LIBC_TEST_NAMES_OFF defined to turn them off, so that afterwards plain
// names mean glibc and test_* names mean ours. Hence no include guard.
//
// The allocator is the exception: malloc becomes test_libc_malloc, and so on,
// because cmocka.h already defines test_malloc, test_calloc, test_realloc and
// test_free as macros for its own allocator.
//
// Keep the two lists below identical to the functions in libs/c/include.
#ifdef ASTER_LIBC_TEST
#ifndef LIBC_TEST_NAMES_OFF
#define memcpy test_memcpy
#define memmove test_memmove
#define memset test_memset
#define memcmp test_memcmp
#define memchr test_memchr
#define strlen test_strlen
#define strnlen test_strnlen
#define strcmp test_strcmp
#define strncmp test_strncmp
#define strcasecmp test_strcasecmp
#define strncasecmp test_strncasecmp
#define strchr test_strchr
#define strrchr test_strrchr
#define strstr test_strstr
#define strcpy test_strcpy
#define strncpy test_strncpy
#define strlcpy test_strlcpy
#define strcat test_strcat
#define snprintf test_snprintf
#define vsnprintf test_vsnprintf
#define cbprintf test_cbprintf
#define vcbprintf test_vcbprintf
#define strtol test_strtol
#define strtoll test_strtoll
#define strtoul test_strtoul
#define strtoull test_strtoull
#define atoi test_atoi
#define abs test_abs
#define labs test_labs
#define malloc test_libc_malloc
#define free test_libc_free
#define calloc test_libc_calloc
#define realloc test_libc_realloc
#define isdigit test_isdigit
#define isxdigit test_isxdigit
#define isalpha test_isalpha
#define isalnum test_isalnum
#define isupper test_isupper
#define islower test_islower
#define isspace test_isspace
#define isprint test_isprint
#define toupper test_toupper
#define tolower test_tolower
#else
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strcasecmp
#undef strncasecmp
#undef strchr
#undef strrchr
#undef strstr
#undef strcpy
#undef strncpy
#undef strlcpy
#undef strcat
#undef snprintf
#undef vsnprintf
#undef cbprintf
#undef vcbprintf
#undef strtol
#undef strtoll
#undef strtoul
#undef strtoull
#undef atoi
#undef abs
#undef labs
#undef malloc
#undef free
#undef calloc
#undef realloc
#undef isdigit
#undef isxdigit
#undef isalpha
#undef isalnum
#undef isupper
#undef islower
#undef isspace
#undef isprint
#undef toupper
#undef tolower
#endif
#endif
