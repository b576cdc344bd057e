// The smallest app: prints its greeting, which system.toml can change.
#include <aster/aster.h>

void main(struct env *env) {
    INFO("%s", env_str(env, "greeting"));
}
