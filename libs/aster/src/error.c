#include <aster/error.h>
#include <stddef.h>

struct error_entry {
    const char *name;
    const char *text;
};

static const struct error_entry errors[] = {
#define ASTER_ERROR_ENTRY(name, value, text) [value] = {#name, text},
    ASTER_ERRORS(ASTER_ERROR_ENTRY)
#undef ASTER_ERROR_ENTRY
};

static const struct error_entry *error_lookup(long long err) {
    long long index = -err;
    if (index <= 0 || index >= (long long) (sizeof(errors) / sizeof(errors[0])))
        return NULL;
    return &errors[index];
}

const char *error_name(long long err) {
    if (err >= 0)
        return "OK";
    const struct error_entry *e = error_lookup(err);
    return e ? e->name : "E_UNKNOWN";
}

const char *error_text(long long err) {
    if (err >= 0)
        return "success";
    const struct error_entry *e = error_lookup(err);
    return e ? e->text : "unknown error";
}
