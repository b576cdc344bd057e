// Starting apps at run time, for apps with [permissions] spawn = true in
// their app.toml (a shell, a test driver). The app must be in the boot
// image: started at boot, or listed with start = false in system.toml.
//
//     struct spawn spawn;
//     spawn_init(&spawn, "grep");
//     spawn_string(&spawn, "pattern", "aster");
//     spawn_stdin(&spawn, from_cat);       // channels move to the app
//     spawn_mode(&spawn, APP_MODE_WASM);   // else the mode the system gives it
//     char reason[128];
//     handle_t grep = spawn_start(&spawn, reason, sizeof(reason));
//     if (IS_ERROR(grep)) ... reason says why, in one line
//     int64_t status = app_wait(grep);      // 0..255, APP_STATUS_FAULT, ...
//
// The app lives while its handle does: closing the handle ends it.
#pragma once
#include <aster/env.h>
#include <aster/syscall.h>

#define SPAWN_ITEMS_MAX 16
#define SPAWN_TEXT_MAX 1024
#define SPAWN_ARGS_MAX 1024 // bytes of positional arguments, a NUL after each

struct spawn {
    const char *app;
    uint32_t mode;          // enum app_mode or APP_MODE_DEFAULT
    uint32_t count;
    uint32_t text_used;
    uint32_t args_used;
    const void *code;       // spawn_code
    size_t code_size;
    const char *label;
    error_t error;          // the first mistake in building it (too many items, too much text)
    struct env_item items[SPAWN_ITEMS_MAX];
    char text[SPAWN_TEXT_MAX];
    char args[SPAWN_ARGS_MAX];
};

void spawn_init(struct spawn *spawn, const char *app);
void spawn_mode(struct spawn *spawn, enum app_mode mode);
// Config values: they replace the app's own (or give one it lacks).
void spawn_int(struct spawn *spawn, const char *name, int64_t value);
void spawn_bool(struct spawn *spawn, const char *name, bool value);
void spawn_string(struct spawn *spawn, const char *name, const char *value);
// Appends a positional argument (to the app's args item; an app without
// one refuses to start if given any).
void spawn_arg(struct spawn *spawn, const char *arg);
// Runs `module` (WebAssembly, in wasm mode) under the app's spec instead
// of the app's own code, named `label` (NULL: the app's name): how a shell
// runs a .wasm file of the file system. Only for apps without permissions.
void spawn_code(struct spawn *spawn, const void *module, size_t size, const char *label);
// Channels for the app's stdin, its stdout, or the service item `name`
// (instead of a connection to the service). They move to the app when it
// starts (and stay here if it does not). An app without a stdin or a
// stdout item ignores that channel: it is closed.
void spawn_stdin(struct spawn *spawn, handle_t channel);
void spawn_stdout(struct spawn *spawn, handle_t channel);
void spawn_channel(struct spawn *spawn, const char *name, handle_t channel);
// Starts the app: its handle (READABLE once it ends), or an error with a
// one-line reason in `reason` (may be NULL).
int64_t spawn_start(struct spawn *spawn, char *reason, size_t reason_size);

// Blocks until the app ends; its exit status (or an error for a bad handle).
int64_t app_wait(handle_t app);
