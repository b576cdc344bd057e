// Benchmark: instructions from the spawn call to the spawner seeing the
// exit of an app that ends at once (apps/true), in each isolation mode: the
// whole life of a short command, as a shell runs it. Lean Linux's
// fork + exec + exit + wait is the figure to beat. The first rounds of each
// mode are not counted (they grow tables for good).
#include <aster/aster.h>
#include <aster/counter.h>
#include <aster/spawn.h>

static uint64_t one_round(enum app_mode mode) {
    struct spawn spawn;
    spawn_init(&spawn, "true");
    spawn_mode(&spawn, mode);
    char reason[128];
    uint64_t start = read_instret();
    int64_t app = spawn_start(&spawn, reason, sizeof(reason));
    if (IS_ERROR(app)) {
        ERROR("spawn in %s mode: %s", app_mode_name(mode), reason);
        return 0;
    }
    int64_t status = app_wait((handle_t) app);
    uint64_t spent = read_instret() - start;
    sys_handle_close((handle_t) app);
    if (status != 0)
        ERROR("true in %s mode ended with status %lld", app_mode_name(mode), (long long) status);
    return status == 0 ? spent : 0;
}

void main(struct env *env) {
    int64_t rounds = env_int(env, "rounds");
    for (int mode = APP_MODE_KERNEL; mode <= APP_MODE_VM; mode++) {
        one_round(mode);
        one_round(mode);
        uint64_t total = 0;
        bool ok = true;
        for (int64_t i = 0; i < rounds && ok; i++) {
            uint64_t spent = one_round(mode);
            ok = spent != 0;
            total += spent;
        }
        if (ok)
            INFO("bench app.spawn_exit.%s %llu", app_mode_name(mode), (unsigned long long) (total / (uint64_t) rounds));
    }
    sys_system_exit(0);
}
