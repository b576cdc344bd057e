// Blocking receive, for clients that wait for one reply.
#include <aster/message.h>
#include <aster/syscall.h>
#include <aster/wait.h>

int64_t msg_wait(handle_t ch, struct msg_buffer *buf, struct msg *out) {
    int64_t type = msg_recv(ch, buf, out);
    if (type != E_EMPTY)
        return type;
    int64_t poll = sys_poll_create();
    if (IS_ERROR(poll))
        return poll;
    error_t err = sys_poll_add((handle_t) poll, ch, EVENT_READABLE | EVENT_PEER_CLOSED);
    while (!err && (type = msg_recv(ch, buf, out)) == E_EMPTY) {
        int64_t ready = sys_poll_wait((handle_t) poll, -1);
        err = IS_ERROR(ready) ? ready : OK;
    }
    sys_handle_close((handle_t) poll);
    return err ? err : type;
}
