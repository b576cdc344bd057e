// Where the libc's malloc gets memory: the kernel's heap_grow call.
#include <aster/syscall.h>
#include <aster_libc.h>

void *__libc_morecore(size_t size) {
    void *memory;
    return sys_heap_grow(size, &memory) ? NULL : memory;
}
