// Child objects: a spawned app as its spawner holds it. The handle becomes
// READABLE when the app ends and then gives its exit status; through it the
// spawner can end the app. The app lives while the handle does: when the
// last reference goes, a running app is ended (so a spawner cannot leave
// apps behind that nobody can stop, and its handle quota bounds how many
// it runs).
#pragma once
#include "account.h"
#include "object.h"

struct process;

struct child {
    struct object object;
    struct process *process; // NULL once it ended
    int32_t status;          // its exit status, once it ended
    struct account *account; // charged for this object (the spawner's)
};

// A child object for `process`, charged to `account`; NULL without memory.
// The process is linked to it (process->child).
struct child *child_create(struct account *account, struct process *process);
// The app behind `child` ended with `status` (called as its process goes).
void child_ended(struct child *child, int32_t status);
// Ends the app, as its spawner asked (nothing if it has ended).
void child_kill(struct child *child);
static inline uint32_t child_events(struct child *child) { return child->process ? 0 : EVENT_READABLE; }
void child_destroy(struct child *child);
