#include "supervisor.h"
#include "arch.h"
#include "kmalloc.h"
#include "manifest.h"
#include "timer.h"
#include "worker.h"

#define RESTART_DELAY_MS 10
#define RESTART_DELAY_MAX_MS 1000
#define HEALTHY_RUN_MS 1000

// One per app: its restarts so far, how many followed each other after
// short runs, and the timer of the next one. The timer fires in an
// interrupt; the restart itself is work for the worker thread.
struct supervisor {
    uint32_t restarts;
    uint32_t backoff;     // the delay is the first one << backoff
    uint64_t started;     // when its current run started (ticks)
    const char *name;     // for the log
    struct ktimer timer;
    struct work restart;
};

static struct supervisor *supervisors;
static void (*relaunch_app)(uint32_t index);

static void restart_fire(struct ktimer *timer) {
    worker_queue(&container_of(timer, struct supervisor, timer)->restart);
}

static void restart_run(struct work *work) {
    struct supervisor *supervisor = container_of(work, struct supervisor, restart);
    supervisor->restarts++;
    INFO("restarting %s (restart %u); free memory %lu bytes", supervisor->name, supervisor->restarts,
         (unsigned long) (kmalloc_free_pages() * PAGE_SIZE));
    relaunch_app((uint32_t) (supervisor - supervisors));
}

error_t supervisor_init(uint32_t num_apps, void (*relaunch)(uint32_t index)) {
    supervisors = kzalloc((num_apps + 1) * sizeof(*supervisors), &kernel_account);
    if (!supervisors)
        return E_NO_MEMORY;
    for (uint32_t i = 0; i < num_apps; i++) {
        ktimer_init(&supervisors[i].timer, restart_fire);
        work_init(&supervisors[i].restart, restart_run);
    }
    relaunch_app = relaunch;
    return OK;
}

void supervisor_app_started(uint32_t index) { supervisors[index].started = arch_time_ticks(); }

bool supervisor_app_ended(uint32_t index, const struct supervision *how, bool failed) {
    if (how->policy == RESTART_NEVER || (how->policy == RESTART_ON_FAILURE && !failed))
        return false;
    struct supervisor *supervisor = &supervisors[index];
    supervisor->name = how->name;
    uint64_t first = how->delay_ms ? how->delay_ms : RESTART_DELAY_MS;
    uint64_t most = how->delay_max_ms ? how->delay_max_ms : MAX(first, RESTART_DELAY_MAX_MS);
    uint64_t ran_ms = ticks_to_ns(arch_time_ticks() - supervisor->started) / 1000000;
    if (ran_ms >= MAX(most, HEALTHY_RUN_MS))
        supervisor->backoff = 0;
    uint64_t delay_ms = MIN(first << MIN(supervisor->backoff, 16u), most);
    supervisor->backoff++;
    INFO("%s ended%s; restarting it in %lu ms", how->name, failed ? " by a fault" : "", (unsigned long) delay_ms);
    ktimer_arm(&supervisor->timer, arch_time_ticks() + ns_to_ticks(delay_ms * 1000000));
    return true;
}
