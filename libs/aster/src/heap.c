// Where the libc's malloc gets memory: the kernel's heap_grow call.
#include <aster/syscall.h>
#include <aster_libc.h>

void *__libc_morecore(size_t size) {
    int64_t address = sys_heap_grow(size);
    // Errors are small negative numbers; a kernel-mode app's memory lives in
    // the upper half of the address space, so its address is negative too.
    if (address < 0 && address > -4096)
        return NULL;
    return (void *) address;
}
