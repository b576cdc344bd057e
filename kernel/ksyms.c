#include "ksyms.h"

struct ksym {
    uint64_t addr;
    uint64_t name_offset; // from the start of the names
};

extern const char __ksyms_start[], __ksyms_end[];

const char *ksym_lookup(uint64_t addr, uint64_t *offset) {
    size_t size = (size_t) (__ksyms_end - __ksyms_start);
    if (size < 8)
        return NULL;
    uint64_t count = *(const uint64_t *) __ksyms_start;
    const struct ksym *syms = (const struct ksym *) (__ksyms_start + 8);
    const char *names = (const char *) (syms + count);
    if (count == 0 || 8 + count * sizeof(struct ksym) > size || addr < syms[0].addr)
        return NULL;
    size_t lo = 0, hi = count; // find the last symbol at or below addr
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (syms[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *offset = addr - syms[lo].addr;
    return names + syms[lo].name_offset;
}
