// The readiness of any pollable object (inline: poll checks it on every
// notification and wait). Kept apart from object.h, which every object
// type includes, because it needs all of them.
#pragma once
#include "channel.h"
#include "timer.h"

static inline uint32_t object_events(struct object *object) {
    switch (object->type) {
    case OBJECT_CHANNEL: return channel_events((struct channel *) object);
    case OBJECT_TIMER: return timer_object_events((struct timer_object *) object);
    default: return 0;
    }
}
