#include "supervisor.h"
#include "arch.h"
#include "kmalloc.h"
#include "manifest.h"
#include "page.h"
#include "timer.h"
#include "worker.h"

#define RESTART_DELAY_MIN_MS 10
#define RESTART_DELAY_MAX_MS 1000

// One per app: its restarts so far and the timer of the next one. The timer
// fires in an interrupt; the restart itself is work for the worker thread.
struct supervisor {
    uint32_t restarts;
    const char *name; // for the log
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

bool supervisor_app_ended(uint32_t index, const char *name, uint8_t policy, bool failed) {
    if (policy == RESTART_NEVER || (policy == RESTART_ON_FAILURE && !failed))
        return false;
    struct supervisor *supervisor = &supervisors[index];
    supervisor->name = name;
    uint32_t shift = MIN(supervisor->restarts, 7u);
    uint64_t delay_ms = MIN((uint64_t) RESTART_DELAY_MIN_MS << shift, (uint64_t) RESTART_DELAY_MAX_MS);
    INFO("%s ended%s; restarting it in %lu ms", name, failed ? " by a fault" : "", (unsigned long) delay_ms);
    ktimer_arm(&supervisor->timer, arch_time_ticks() + ns_to_ticks(delay_ms * 1000000));
    return true;
}
