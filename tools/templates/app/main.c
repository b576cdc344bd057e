// NAME: logs its greeting (config `greeting`) and ends. Made by
// `make new-app`; docs/writing-an-app.md goes on from here.
#include <aster/aster.h>

void main(struct env *env) {
    INFO("%s", env_str(env, "greeting"));
}
