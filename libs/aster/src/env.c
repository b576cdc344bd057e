#include <aster/env.h>
#include <aster/error.h>
#include <aster/log.h>
#include <string.h>

static const struct env_item *env_find(const struct env *env, const char *name, uint32_t type) {
    for (uint32_t i = 0; env && i < env->count; i++) {
        const struct env_item *item = &env->items[i];
        if (item->type == type && strncmp(item->name, name, ENV_NAME_MAX) == 0)
            return item;
    }
    return NULL;
}

handle_t env_channel(const struct env *env, const char *name) {
    const struct env_item *item = env_find(env, name, ENV_CHANNEL);
    if (!item) {
        ERROR("environment has no channel named \"%s\"", name);
        return E_NOT_FOUND;
    }
    return (handle_t) item->value;
}
