// Starting the system described by the boot image (docs/image-format.md):
// one process per app, a channel per service dependency (the server receives
// its end in a CONNECT message on its listen channel), a channel per pipe,
// and each app's environment built from its items.
#pragma once
#include "common.h"

struct env;

// An app linked into the kernel image (see tools/gen_apps.py).
struct app_image {
    const char *name;
    void (*main)(struct env *env);
};

// Starts every app of the image at [image, image + size); problems are
// logged and the apps that can start still do.
void startup_run(const void *image, size_t size);
// Set from the boot arguments ("bench"): log when each app begins to be
// made, with the instruction count (the app start benchmark).
extern bool startup_bench;

struct process;
// A new connection to the service the app's spec names `name` (for clients
// whose server was restarted); E_NOT_FOUND if it has no such service item.
int32_t startup_reconnect(struct process *process, const char *name);

// A program a spawner gives to run under an app's spec (sys_app_spawn's
// code): a WebAssembly module in kernel memory, and the name it runs as.
struct given_program {
    void *module;          // kmalloc'd; the process takes it (then this is NULL), else the caller frees it
    size_t size;
    const char *label;     // NULL: the app's name
};

// Starts an instance of the image's app `name` at run time for `spawner`
// (sys_app_spawn): in `mode` (or the app's own, APP_MODE_DEFAULT), with
// `overrides` (a struct env of `size` bytes in kernel memory, checked
// here: config values, and the spawner's channels to pass, which it loses
// only on success), running `program` instead of its own code if not NULL.
// Returns the spawner's handle to the app, or an error with a one-line
// reason in `reason`.
int64_t startup_spawn(struct process *spawner, const char *name, uint32_t mode, const struct env *overrides,
                      size_t size, struct given_program *program, char *reason, size_t reason_size);
