#include "object.h"
#include "channel.h"
#include "child.h"
#include "interrupt.h"
#include "poll.h"
#include "thread.h"
#include "timer.h"

static struct list pending_destroy = LIST_INIT(pending_destroy);
static bool destroying;

void object_init(struct object *object, enum object_type type) {
    object->type = type;
    object->refs = 1;
    list_init(&object->listeners);
    list_init(&object->destroy_link);
}

static void object_destroy(struct object *object) {
    poll_forget_object(object);
    switch (object->type) {
    case OBJECT_CHANNEL: channel_destroy((struct channel *) object); break;
    case OBJECT_POLL: poll_destroy((struct poll *) object); break;
    case OBJECT_TIMER: timer_object_destroy((struct timer_object *) object); break;
    case OBJECT_THREAD: thread_object_destroy((struct thread *) object); break;
    case OBJECT_CHILD: child_destroy((struct child *) object); break;
    case OBJECT_INTERRUPT: interrupt_destroy((struct interrupt *) object); break;
    default: PANIC("destroying an object of unknown type %u", object->type);
    }
}

// The last reference is gone (object_unref's slow path).
void object_release(struct object *object) {
    ASSERT(object->refs == 0);
    list_push_back(&pending_destroy, &object->destroy_link);
    if (destroying)
        return;
    destroying = true;
    struct list *link;
    while ((link = list_pop_front(&pending_destroy)))
        object_destroy(container_of(link, struct object, destroy_link));
    destroying = false;
}

void object_notify(struct object *object) {
    if (!list_is_empty(&object->listeners))
        poll_notify(object);
}

const char *object_type_name(uint32_t type) {
    switch (type) {
    case OBJECT_CHANNEL: return "channel";
    case OBJECT_POLL: return "poll";
    case OBJECT_TIMER: return "timer";
    case OBJECT_THREAD: return "thread";
    case OBJECT_CHILD: return "app";
    case OBJECT_INTERRUPT: return "interrupt";
    default: return "unknown";
    }
}
