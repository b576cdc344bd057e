// What this libc needs from the system it runs on. The SDK implements these
// hooks with system calls; host unit tests implement them over a static arena.
#pragma once
#include <stddef.h>

// Gives the heap a new region of at least `size` bytes, aligned to 16 bytes,
// that stays valid and unused by anything else for the life of the app; or
// NULL when no more memory is available. The heap never returns regions.
// malloc calls it with its lock held, never concurrently, and with sizes that
// are multiples of 64 KiB. Regions need not be contiguous; when one starts
// right where the previous one ended, the heap joins them.
void *__libc_morecore(size_t size);
