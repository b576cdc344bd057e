// System calls on channels: create, send (moving handles), receive.
#include "channel.h"
#include "kmalloc.h"
#include "syscall_internal.h"

NOINLINE long syscall_channel_create(long first_out, long second_out) {
    struct process *process = caller();
    error_t err = check_writable(first_out, sizeof(handle_t));
    if (!err)
        err = check_writable(second_out, sizeof(handle_t));
    if (!err)
        err = handle_reserve(&process->handles, 2);
    if (err)
        return err;
    struct channel *a, *b;
    if ((err = channel_create(&process->account, &a, &b)))
        return err;
    uint32_t rights = RIGHT_READ | RIGHT_WRITE | RIGHT_POLL;
    handle_t first = handle_install(&process->handles, &a->object, rights); // reserved: cannot fail
    handle_t second = handle_install(&process->handles, &b->object, rights);
    copy_to(first_out, &first, sizeof(first));
    copy_to(second_out, &second, sizeof(second));
    return OK;
}

// Copies in and checks the handles an app wants to send: valid, distinct,
// neither the sending endpoint nor its peer (a channel queued inside itself
// would never close), and no channel that has channels queued at it
// (E_BUSY: that could close a cycle; channel_may_travel). Out of line: most
// messages carry none.
static NOINLINE error_t check_transfer(struct channel *channel, long handles_in, int count,
                                       handle_t *handles) {
    error_t err = copy_from(handles, handles_in, count * sizeof(handle_t));
    if (err)
        return err;
    for (int i = 0; i < count; i++) {
        struct object *object;
        if ((err = lookup(handles[i], 0, 0, &object)))
            return err;
        if (object == &channel->object || object == &channel->peer->object)
            return E_INVALID_ARG;
        if (object->type == OBJECT_CHANNEL && !channel_may_travel((struct channel *) object))
            return E_BUSY;
        for (int j = 0; j < i; j++)
            if (handles[j] == handles[i])
                return E_INVALID_ARG;
    }
    return OK;
}

// Moves checked handles from the caller's table into the message, which
// goes into the queue of `receiver`.
static NOINLINE void move_handles(struct message *message, const handle_t *handles, int count,
                                  struct channel *receiver) {
    for (int i = 0; i < count; i++)
        handle_remove(&caller()->handles, handles[i], &message->handles[i].object,
                      &message->handles[i].rights);
    message->num_handles = count;
    channel_count_carried(receiver, message, +1);
}

NOINLINE long syscall_channel_send(long ch, long info, long data, long handles_in) {
    struct object *object;
    error_t err = lookup((handle_t) ch, OBJECT_CHANNEL, RIGHT_WRITE, &object);
    if (err)
        return err;
    struct channel *channel = (struct channel *) object;
    size_t len = MSGINFO_LEN(info);
    int num_handles = MSGINFO_HANDLES(info);
    if ((uint64_t) info >> 32 || (info & (1 << 13)))
        return E_INVALID_ARG;
    if (len > MESSAGE_DATA_MAX)
        return E_TOO_LARGE;
    if ((err = channel_can_send(channel)))
        return err;
    handle_t handles[MESSAGE_HANDLES_MAX];
    if (num_handles > 0 && (err = check_transfer(channel, handles_in, num_handles, handles)))
        return err;
    struct message *message = message_alloc(len, &caller()->account);
    if (!message)
        return E_NO_MEMORY;
    if ((err = copy_from(message->data, data, len))) {
        kfree(message);
        return err;
    }
    // Nothing can fail from here.
    message->info = (msginfo_t) info;
    if (num_handles > 0)
        move_handles(message, handles, num_handles, channel->peer);
    channel_enqueue(channel, message);
    return OK;
}

// Installs the handles a message carries into the caller's table (room
// reserved) and tells the app their numbers. Out of line: most messages
// carry none.
static NOINLINE void receive_handles(struct channel *channel, struct message *message, long handles_out) {
    struct handle_table *table = &caller()->handles;
    channel_count_carried(channel, message, -1);
    handle_t handles[MESSAGE_HANDLES_MAX];
    for (uint32_t i = 0; i < message->num_handles; i++)
        handles[i] = handle_install(table, message->handles[i].object, message->handles[i].rights);
    copy_to(handles_out, handles, message->num_handles * sizeof(handle_t));
}

NOINLINE long syscall_channel_recv(long ch, long buf, long buf_len, long handles_out) {
    struct object *object;
    error_t err = lookup((handle_t) ch, OBJECT_CHANNEL, RIGHT_READ, &object);
    if (err)
        return err;
    struct channel *channel = (struct channel *) object;
    struct message *message = channel_peek(channel, &err);
    if (!message)
        return err;
    size_t len = MSGINFO_LEN(message->info);
    uint32_t count = message->num_handles;
    if (buf_len < 0 || len > (size_t) buf_len)
        return E_TOO_LARGE;
    if (count > 0 && (err = check_writable(handles_out, count * sizeof(handle_t))))
        return err;
    if (count > 0 && (err = handle_reserve(&caller()->handles, count)))
        return err;
    if ((err = copy_to(buf, message->data, len)))
        return err;
    if (count > 0)
        receive_handles(channel, message, handles_out);
    msginfo_t info = message->info;
    channel_pop(channel, message);
    message->num_handles = 0; // the references now belong to the handles
    kfree(message);
    return info;
}
