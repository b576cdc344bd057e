// Building a spawn request (<aster/spawn.h>): the overrides are a struct
// env, items first and their strings after them, made at spawn_start.
#include <aster/spawn.h>
#include <string.h>

void spawn_init(struct spawn *spawn, const char *app) {
    memset(spawn, 0, offsetof(struct spawn, items));
    spawn->app = app;
    spawn->mode = APP_MODE_DEFAULT;
}

void spawn_mode(struct spawn *spawn, enum app_mode mode) { spawn->mode = mode; }

static struct env_item *add(struct spawn *spawn, const char *name, uint32_t type, int64_t value) {
    size_t len = strlen(name);
    if (spawn->count == SPAWN_ITEMS_MAX || len >= ENV_NAME_MAX) {
        spawn->error = spawn->error ? spawn->error : E_INVALID_ARG;
        return NULL;
    }
    struct env_item *item = &spawn->items[spawn->count++];
    memset(item, 0, sizeof(*item));
    memcpy(item->name, name, len);
    item->type = type;
    item->value = value;
    return item;
}

void spawn_int(struct spawn *spawn, const char *name, int64_t value) { add(spawn, name, ENV_INT, value); }
void spawn_bool(struct spawn *spawn, const char *name, bool value) { add(spawn, name, ENV_BOOL, value); }

// A string's value is its offset in `text` until spawn_start places it.
void spawn_string(struct spawn *spawn, const char *name, const char *value) {
    size_t len = strlen(value);
    if (spawn->text_used + len + 1 > SPAWN_TEXT_MAX) {
        spawn->error = spawn->error ? spawn->error : E_TOO_LARGE;
        return;
    }
    struct env_item *item = add(spawn, name, ENV_STRING, spawn->text_used);
    if (!item)
        return;
    item->length = (uint32_t) len;
    memcpy(spawn->text + spawn->text_used, value, len + 1);
    spawn->text_used += (uint32_t) len + 1;
}

void spawn_arg(struct spawn *spawn, const char *arg) {
    size_t len = strlen(arg);
    if (spawn->args_used + len + 1 > SPAWN_ARGS_MAX) {
        spawn->error = spawn->error ? spawn->error : E_TOO_LARGE;
        return;
    }
    memcpy(spawn->args + spawn->args_used, arg, len + 1);
    spawn->args_used += (uint32_t) len + 1;
}

void spawn_code(struct spawn *spawn, const void *module, size_t size, const char *label) {
    spawn->code = module;
    spawn->code_size = size;
    spawn->label = label;
}

void spawn_stdin(struct spawn *spawn, handle_t channel) { add(spawn, "stdin", ENV_STDIN, channel); }
void spawn_stdout(struct spawn *spawn, handle_t channel) { add(spawn, "stdout", ENV_STDOUT, channel); }
void spawn_channel(struct spawn *spawn, const char *name, handle_t channel) {
    add(spawn, name, ENV_CHANNEL, channel);
}

int64_t spawn_start(struct spawn *spawn, char *reason, size_t reason_size) {
    static const char too_much[] = "too many settings, or too much text, for one spawn";
    if (spawn->error) {
        if (reason && reason_size) {
            size_t n = reason_size < sizeof(too_much) ? reason_size - 1 : sizeof(too_much) - 1;
            memcpy(reason, too_much, n);
            reason[n] = '\0';
        }
        return spawn->error;
    }
    // The request: header, items (and one for the arguments), then the
    // strings (their offsets moved), then the arguments.
    _Alignas(8) char env_bytes[sizeof(struct env) + sizeof(spawn->items) + sizeof(struct env_item)
                               + SPAWN_TEXT_MAX + SPAWN_ARGS_MAX];
    struct env *env = (struct env *) env_bytes;
    uint32_t count = spawn->count + (spawn->args_used > 0);
    size_t strings = sizeof(struct env) + count * sizeof(struct env_item);
    env->count = count;
    env->size = (uint32_t) (strings + spawn->text_used + spawn->args_used);
    memcpy(env->items, spawn->items, spawn->count * sizeof(struct env_item));
    for (uint32_t i = 0; i < spawn->count; i++)
        if (env->items[i].type == ENV_STRING)
            env->items[i].value += (int64_t) strings;
    memcpy(env_bytes + strings, spawn->text, spawn->text_used);
    if (spawn->args_used) {
        struct env_item *args = &env->items[spawn->count];
        memset(args, 0, sizeof(*args));
        memcpy(args->name, "args", 5);
        args->type = ENV_ARGS;
        args->value = (int64_t) (strings + spawn->text_used);
        args->length = spawn->args_used;
        memcpy(env_bytes + args->value, spawn->args, spawn->args_used);
    }
    struct spawn_request request = {
        .name = (uintptr_t) spawn->app,
        .name_len = (uint32_t) strlen(spawn->app),
        .mode = spawn->mode,
        .env = (uintptr_t) env,
        .env_size = env->size,
        .reason_size = reason ? (uint32_t) reason_size : 0,
        .reason = (uintptr_t) reason,
        .code = (uintptr_t) spawn->code,
        .code_size = (uint32_t) spawn->code_size,
        .label_len = spawn->label ? (uint32_t) strlen(spawn->label) : 0,
        .label = (uintptr_t) spawn->label,
    };
    if (spawn->code_size > UINT32_MAX)
        request.code_size = UINT32_MAX; // refused as too big
    if (reason && reason_size)
        reason[0] = '\0';
    return sys_app_spawn(&request);
}

int64_t app_wait(handle_t app) {
    int64_t status = sys_app_status(app);
    if (status != E_BUSY)
        return status;
    int64_t poll = sys_poll_create();
    if (IS_ERROR(poll))
        return poll;
    error_t err = sys_poll_add((handle_t) poll, app, EVENT_READABLE);
    while (!err && (status = sys_poll_wait((handle_t) poll, -1)) == E_TIMED_OUT)
        ;
    sys_handle_close((handle_t) poll);
    return err ? err : IS_ERROR(status) ? status : sys_app_status(app);
}
