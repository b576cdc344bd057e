// The environment an app receives at start: the items its app.toml declares,
// filled in by the system's manifest (channels to services, config values,
// stdin/stdout, granted files and devices). An app reads items by name;
// asking for a name it was not given logs an error naming the key (the
// kernel stamps the line with the app's name) and returns an error value.
#pragma once
#include <aster/types.h>

#define ENV_NAME_MAX 32

enum env_item_type {
    ENV_CHANNEL = 1,    // a channel to a service: value = handle
    ENV_LISTEN = 2,     // the listen channel of an exported service: value = handle
    ENV_INT = 3,        // value
    ENV_BOOL = 4,       // value 0 or 1
    ENV_STRING = 5,     // value = offset from the start of the env, length bytes, NUL after
    ENV_STDIN = 6,      // value = handle, or 0 when nothing is connected
    ENV_STDOUT = 7,     // value = handle, or 0 when nothing is connected
    ENV_DEVICETREE = 8, // value = offset of its struct env_device array, length = bytes
    ENV_BLOB = 9,       // read-only data: value = its address, length = its size
    ENV_ARGS = 10,      // value = offset of the arguments (each ends in NUL), length = bytes
};

// A device granted to the app: the device tree nodes its devicetree item's
// `compatible` matches. Drivers map the registers with sys_mmio_map and
// take the interrupt with sys_interrupt_create.
struct env_device {
    uint64_t base;     // physical address of its registers
    uint64_t size;     // their size in bytes
    uint32_t irq;      // its interrupt source, 0 if it has none
    uint32_t reserved;
};

struct env_item {
    char name[ENV_NAME_MAX]; // NUL-terminated
    uint32_t type;           // enum env_item_type
    uint32_t length;         // ENV_STRING, ENV_DEVICETREE, ENV_BLOB
    int64_t value;
};

struct env {
    uint32_t count;
    uint32_t size;           // bytes, including the strings after the items
    struct env_item items[];
};

// The channel to the service the app's spec names `name`.
handle_t env_channel(const struct env *env, const char *name);
// Config parameters. Missing or of another type: an error is logged and the
// result is 0 / false / NULL.
int64_t env_int(const struct env *env, const char *name);
bool env_bool(const struct env *env, const char *name);
const char *env_str(const struct env *env, const char *name);
// Read-only data granted to the app (the boot file system); NULL if absent.
const void *env_blob(const struct env *env, const char *name, size_t *size);
// The stdin / stdout stream channels, or HANDLE_INVALID when the system does
// not connect them (stdin then reads as empty; see <aster/stream.h>).
handle_t env_stdin(const struct env *env);
handle_t env_stdout(const struct env *env);
// A new channel to the service `name` (declared in app.toml), after the
// old one closed because the server ended and was restarted. The old handle
// is the app's to close.
handle_t env_reconnect(const struct env *env, const char *name);
// The devices granted for the devicetree item `name`: how many (0 if none
// matched, or an error logged for a wrong name), *devices pointing at them.
uint32_t env_devices(const struct env *env, const char *name, const struct env_device **devices);
// The positional arguments (the args item; a shell passes the words after
// the app's name): how many, and the one at `index` (NULL past the end).
uint32_t env_arg_count(const struct env *env);
const char *env_arg(const struct env *env, uint32_t index);
// The item at index i (for walking every item, e.g. all listen channels).
const struct env_item *env_item_at(const struct env *env, uint32_t index);
