// Supervision: restarting the apps of the system by their restart policy.
// The first restart waits restart_delay_ms (10 by default); each restart
// that follows a short run doubles the wait, up to restart_delay_max_ms
// (1000 by default); a run of at least a second (or of the longest delay,
// if that is longer) starts again from the first delay. startup.c decides
// what "starting an app" means; this file decides when.
#pragma once
#include "common.h"

// How one app is supervised (from its record in the boot image).
struct supervision {
    const char *name;       // for the log
    uint8_t policy;         // enum restart_policy
    uint32_t delay_ms;      // 0: the default
    uint32_t delay_max_ms;  // 0: the default
};

// Prepares supervision of `num_apps` apps; relaunch(index) starts one again.
error_t supervisor_init(uint32_t num_apps, void (*relaunch)(uint32_t index));
// App `index` started (at boot or by a restart): its run is timed from now.
void supervisor_app_started(uint32_t index);
// App `index` ended, by a fault if `failed`. Returns true if its policy
// restarts it (the restart is then scheduled).
bool supervisor_app_ended(uint32_t index, const struct supervision *how, bool failed);
