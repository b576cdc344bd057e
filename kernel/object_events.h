// The readiness of any pollable object (inline: poll checks it on every
// notification and wait). Kept apart from object.h, which every object
// type includes, because it needs all of them.
#pragma once
#include "channel.h"
#include "child.h"
#include "interrupt.h"
#include "timer.h"

static inline uint32_t object_events(struct object *object) {
    // Channels first and alone: they are on every message's path.
    if (__builtin_expect(object->type == OBJECT_CHANNEL, 1))
        return channel_events((struct channel *) object);
    switch (object->type) {
    case OBJECT_TIMER: return timer_object_events((struct timer_object *) object);
    case OBJECT_CHILD: return child_events((struct child *) object);
    case OBJECT_INTERRUPT: return interrupt_events((struct interrupt *) object);
    default: return 0;
    }
}
