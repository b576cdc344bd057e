#include <aster/env.h>
#include <aster/error.h>
#include <aster/log.h>
#include <aster/syscall.h>
#include <string.h>

static const char *type_names[] = {
    [ENV_CHANNEL] = "service channel", [ENV_LISTEN] = "listen channel", [ENV_INT] = "integer",
    [ENV_BOOL] = "boolean",            [ENV_STRING] = "string",         [ENV_STDIN] = "stdin",
    [ENV_STDOUT] = "stdout",           [ENV_DEVICETREE] = "device list", [ENV_BLOB] = "data",
    [ENV_ARGS] = "argument list",
};

const struct env_item *env_item_at(const struct env *env, uint32_t index) {
    return env && index < env->count ? &env->items[index] : NULL;
}

static const struct env_item *find(const struct env *env, const char *name, uint32_t type) {
    for (uint32_t i = 0; env && i < env->count; i++) {
        const struct env_item *item = &env->items[i];
        if (strncmp(item->name, name, ENV_NAME_MAX) == 0) {
            if (item->type == type)
                return item;
            ERROR("environment item \"%s\" is a %s, not a %s", name, type_names[item->type % 11],
                  type_names[type]);
            return NULL;
        }
    }
    ERROR("environment has no %s named \"%s\" (is it declared in app.toml?)", type_names[type], name);
    return NULL;
}

static const struct env_item *find_by_type(const struct env *env, uint32_t type) {
    for (uint32_t i = 0; env && i < env->count; i++)
        if (env->items[i].type == type)
            return &env->items[i];
    return NULL;
}

handle_t env_channel(const struct env *env, const char *name) {
    const struct env_item *item = find(env, name, ENV_CHANNEL);
    return item ? (handle_t) item->value : E_NOT_FOUND;
}

int64_t env_int(const struct env *env, const char *name) {
    const struct env_item *item = find(env, name, ENV_INT);
    return item ? item->value : 0;
}

bool env_bool(const struct env *env, const char *name) {
    const struct env_item *item = find(env, name, ENV_BOOL);
    return item ? item->value != 0 : false;
}

const char *env_str(const struct env *env, const char *name) {
    const struct env_item *item = find(env, name, ENV_STRING);
    return item ? (const char *) env + item->value : NULL;
}

const void *env_blob(const struct env *env, const char *name, size_t *size) {
    const struct env_item *item = find(env, name, ENV_BLOB);
    *size = item ? item->length : 0;
    return item ? (const void *) (uintptr_t) item->value : NULL;
}

handle_t env_reconnect(const struct env *env, const char *name) {
    if (!find(env, name, ENV_CHANNEL))
        return E_NOT_FOUND;
    int64_t handle = sys_service_reconnect(name, strlen(name));
    if (IS_ERROR(handle))
        ERROR("cannot reconnect to \"%s\": %s", name, error_name(handle));
    return (handle_t) handle;
}

handle_t env_stdin(const struct env *env) {
    const struct env_item *item = find_by_type(env, ENV_STDIN);
    return item ? (handle_t) item->value : HANDLE_INVALID;
}

handle_t env_stdout(const struct env *env) {
    const struct env_item *item = find_by_type(env, ENV_STDOUT);
    return item ? (handle_t) item->value : HANDLE_INVALID;
}

uint32_t env_devices(const struct env *env, const char *name, const struct env_device **devices) {
    const struct env_item *item = find(env, name, ENV_DEVICETREE);
    *devices = item ? (const struct env_device *) ((const char *) env + item->value) : NULL;
    return item ? item->length / sizeof(struct env_device) : 0;
}

uint32_t env_arg_count(const struct env *env) {
    const struct env_item *item = find_by_type(env, ENV_ARGS);
    uint32_t count = 0;
    for (uint32_t i = 0; item && i < item->length; i++)
        count += ((const char *) env + item->value)[i] == '\0';
    return count;
}

const char *env_arg(const struct env *env, uint32_t index) {
    const struct env_item *item = find_by_type(env, ENV_ARGS);
    if (!item)
        return NULL;
    const char *arg = (const char *) env + item->value, *end = arg + item->length;
    for (; arg < end; arg += strlen(arg) + 1)
        if (index-- == 0)
            return arg;
    return NULL;
}
