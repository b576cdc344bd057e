// test_unset: logs the word it was given (apps/test_spawn spawns it with
// and without one).
#include <aster/aster.h>

void main(struct env *env) { INFO("word: %s", env_str(env, "word")); }
