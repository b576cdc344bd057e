// Supervision: restarting the apps of the system by their restart policy,
// with a delay that starts at 10 ms and doubles with each restart of the
// same app, up to 1 s. startup.c decides what "starting an app" means; this
// file decides when.
#pragma once
#include "common.h"

// Prepares supervision of `num_apps` apps; relaunch(index) starts one again.
error_t supervisor_init(uint32_t num_apps, void (*relaunch)(uint32_t index));
// App `index` (named `name`) ended, by a fault if `failed`. Returns true if
// its policy restarts it (the restart is then scheduled).
bool supervisor_app_ended(uint32_t index, const char *name, uint8_t policy, bool failed);
