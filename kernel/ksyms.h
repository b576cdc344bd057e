// Kernel symbols for backtraces, generated at build time into section .ksyms
// (see tools/ksyms.py): a count, then (address, name offset) pairs sorted by
// address, then the NUL-terminated names.
#pragma once
#include "common.h"

// The function containing `addr` and the offset into it, or NULL.
const char *ksym_lookup(uint64_t addr, uint64_t *offset);
