// The environment an app receives at start: named items declared for it.
// An app reads items by name; asking for a name it was not given is an error
// that names the app's key.
#pragma once
#include <aster/types.h>

#define ENV_NAME_MAX 32

enum env_item_type {
    ENV_CHANNEL = 1, // value is a handle in the app's table
    ENV_INT = 2,
};

struct env_item {
    char name[ENV_NAME_MAX]; // NUL-terminated
    uint32_t type;           // enum env_item_type
    uint32_t reserved;
    int64_t value;
};

struct env {
    uint32_t count;
    uint32_t reserved;
    struct env_item items[];
};

// The handle of the channel named `name`, or a negative error (E_NOT_FOUND,
// logged with the name) when the environment has no such channel.
handle_t env_channel(const struct env *env, const char *name);
