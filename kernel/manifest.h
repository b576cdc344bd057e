// The boot image: which apps run and how they are wired (docs/image-format.md).
// manifest_open validates the whole image once; afterwards the accessors
// can trust every index and string.
#pragma once
#include "common.h"

enum manifest_item_kind {
    ITEM_SERVICE = 1,
    ITEM_LISTEN = 2,
    ITEM_INT = 3,
    ITEM_BOOL = 4,
    ITEM_STRING = 5,
    ITEM_STDIN = 6,
    ITEM_STDOUT = 7,
    ITEM_DEVICETREE = 8,
    ITEM_BOOTFS = 9,
    ITEM_ARGS = 10, // a = its arguments joined by newlines (a string), b = how many
};

enum isolation_mode { MODE_KERNEL = 0, MODE_USER = 1, MODE_WASM = 2, MODE_VM = 3 };
enum restart_policy { RESTART_NEVER = 0, RESTART_ON_FAILURE = 1, RESTART_ALWAYS = 2 };

#define PIPE_NONE 0xffffffffu
#define APP_MAY_POWER_OFF (1u << 0)     // [permissions] power_off: may end the system
#define APP_MAY_INJECT_FAULTS (1u << 1) // [permissions] inject_faults: test-only fault injection
#define APP_MAY_SPAWN (1u << 2)         // [permissions] spawn: may start apps at run time
#define APP_ON_DEMAND (1u << 3)         // start = false: not started at boot, only spawned
#define APP_FLAGS (APP_MAY_POWER_OFF | APP_MAY_INJECT_FAULTS | APP_MAY_SPAWN | APP_ON_DEMAND)

// Field b of a config item (INT, BOOL, STRING): it has no value, and whoever
// spawns the app must give one (only in an APP_ON_DEMAND app).
#define ITEM_UNSET 1u

#define ARGS_MAX 64 // arguments in an args item

struct manifest_app {
    uint32_t name;         // string
    uint8_t isolation;     // enum isolation_mode
    uint8_t restart;       // enum restart_policy
    uint16_t flags;        // APP_* bits
    uint32_t first_item;
    uint32_t num_items;
    uint32_t memory_limit_kib;
    uint32_t handle_limit;
    uint32_t elf_offset;   // its ELF file (user and vm mode), if the image has it
    uint32_t elf_size;     // 0: none
    uint32_t restart_delay_ms;     // the first restart's delay (0: the default)
    uint32_t restart_delay_max_ms; // where doubling stops (0: the default)
    uint32_t wasm_offset;  // its WebAssembly module (wasm mode), if the image has it
    uint32_t wasm_size;    // 0: none
    uint32_t program;      // string: the app folder it is an instance of (kernel mode's code)
    uint32_t reserved;     // 0
};

struct manifest_item {
    uint32_t name;         // string
    uint32_t kind;         // enum manifest_item_kind
    uint32_t a;
    uint32_t b;
    int64_t value;
};

struct manifest_service {
    uint32_t name;
    uint32_t server;       // app index
};

struct manifest {
    const uint8_t *base;
    uint32_t size;
    const struct manifest_app *apps;
    uint32_t num_apps;
    const struct manifest_item *items;
    uint32_t num_items;
    const struct manifest_service *services;
    uint32_t num_services;
    uint32_t num_pipes;
    const char *strings;
    uint32_t strings_size;
    const void *bootfs;
    uint32_t bootfs_size;
};

// Checks the image at [base, base + size) and fills `manifest`; logs the
// first problem and returns E_INVALID_ARG if it is malformed.
error_t manifest_open(struct manifest *manifest, const void *base, size_t size);
// A string of the image (valid after manifest_open).
const char *manifest_string(const struct manifest *manifest, uint32_t offset);
// The build of `app` that `mode` loads (its ELF file or its module) and its
// size; size 0 when the image has none. Kernel mode's code is linked into
// the kernel: the name of its program (the app folder) is returned instead.
const void *manifest_code(const struct manifest *manifest, const struct manifest_app *app,
                          enum isolation_mode mode, size_t *size);
