// Reading a whole file for the host Wasm tools.
#pragma once
#include <stddef.h>
#include <stdint.h>

// The file's bytes with a NUL after them (so text can be parsed in place),
// *len set to their count; NULL if it cannot be read. The caller frees it.
uint8_t *read_file(const char *path, size_t *len);
