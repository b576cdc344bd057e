// The common header of every kernel object that a handle can name.
// Objects are reference counted: each handle and each in-flight message that
// carries the object holds one reference. The last unref destroys it.
#pragma once
#include "common.h"

enum object_type {
    OBJECT_CHANNEL = 1,
    OBJECT_POLL,
    OBJECT_TIMER,
    OBJECT_THREAD,
    OBJECT_CHILD,
    OBJECT_INTERRUPT,
};

struct object {
    uint32_t type;          // enum object_type
    int32_t refs;
    struct list listeners;  // poll items watching this object (struct poll_item)
    struct list destroy_link; // on the pending-destroy list when refs hit 0
};

void object_init(struct object *object, enum object_type type);
static inline void object_ref(struct object *object) { object->refs++; }
// Drops a reference. Destruction is deferred to a loop, never recursive, so
// objects that hold objects (messages carrying channels) nest to any depth.
static inline void object_unref(struct object *object) {
    void object_release(struct object *object);
    if (--object->refs == 0)
        object_release(object);
}
// object_events(object), in "object_events.h": the events it is ready for.
// Tells every poll watching `object` that its readiness may have changed.
void object_notify(struct object *object);
const char *object_type_name(uint32_t type);
