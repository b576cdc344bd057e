// System test: the environment. The test's system.toml overrides number,
// flag and word; untouched keeps its default.
#include <aster/aster.h>
#include <aster/test.h>
#include <string.h>

void main(struct env *env) {
    EXPECT_EQ(env_int(env, "number"), 42);
    EXPECT_EQ(env_bool(env, "flag"), true);
    EXPECT_EQ(strcmp(env_str(env, "word"), "overridden"), 0);
    EXPECT_EQ(strcmp(env_str(env, "untouched"), "as declared"), 0);
    INFO("word is \"%s\", number is %ld", env_str(env, "word"), (long) env_int(env, "number"));
    // Names that are not in the spec, or asked for as another type.
    EXPECT_EQ(env_channel(env, "no_such_name"), E_NOT_FOUND);
    EXPECT_EQ(env_int(env, "word"), 0);
    EXPECT_TRUE(env_str(env, "missing_string") == NULL);
    EXPECT_EQ(env_stdin(env), HANDLE_INVALID); // not declared
    test_finish();
}
