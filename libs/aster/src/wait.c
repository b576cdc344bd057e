// Blocking receive and calls, for clients.
#include <aster/message.h>
#include <aster/syscall.h>
#include <aster/wait.h>
#include <string.h>

// Waits for `ch` to have a message, until `deadline` (-1: none).
static error_t wait_readable(handle_t poll, int64_t deadline) {
    int64_t left = -1;
    if (deadline >= 0 && (left = deadline - sys_time_now()) <= 0)
        return E_TIMED_OUT;
    int64_t ready = sys_poll_wait(poll, left);
    return IS_ERROR(ready) ? (error_t) ready : OK;
}

int64_t msg_wait(handle_t ch, struct msg_buffer *buf, struct msg *out) {
    return msg_wait_timeout(ch, buf, out, -1);
}

int64_t msg_wait_timeout(handle_t ch, struct msg_buffer *buf, struct msg *out, int64_t timeout_ns) {
    int64_t type = msg_recv(ch, buf, out);
    if (type != E_EMPTY)
        return type;
    int64_t deadline = timeout_ns < 0 ? -1 : sys_time_now() + timeout_ns;
    int64_t poll = sys_poll_create();
    if (IS_ERROR(poll))
        return poll;
    error_t err = sys_poll_add((handle_t) poll, ch, EVENT_READABLE | EVENT_PEER_CLOSED);
    while (!err && (type = msg_recv(ch, buf, out)) == E_EMPTY)
        err = wait_readable((handle_t) poll, deadline);
    sys_handle_close((handle_t) poll);
    return err ? err : type;
}

void sleep_ns(int64_t ns) {
    int64_t poll = sys_poll_create();
    if (IS_ERROR(poll))
        return;
    for (int64_t deadline = sys_time_now() + ns, left = ns; left > 0; left = deadline - sys_time_now())
        sys_poll_wait((handle_t) poll, left); // nothing to wait for: returns at the timeout
    sys_handle_close((handle_t) poll);
}

static uint32_t last_call_id;

// The reply type of each request type (0: not a request).
static int reply_type(int request) {
    switch (request) {
    case MSG_OPEN: return MSG_OPEN_REPLY;
    case MSG_READ: return MSG_READ_REPLY;
    case MSG_WRITE: return MSG_WRITE_REPLY;
    case MSG_INVOKE: return MSG_INVOKE_REPLY;
    default: return 0;
    }
}

int64_t msg_call(handle_t ch, struct msg *request, struct msg_buffer *buf, struct msg *reply, int64_t timeout_ns) {
    int expected = reply_type(request->type);
    if (!expected)
        return E_INVALID_ARG;
    if (++last_call_id == 0)
        last_call_id = 1;
    uint32_t id = request->call_id = last_call_id;
    int64_t info = msg_encode(buf, request);
    if (IS_ERROR(info))
        return info;
    error_t err = sys_channel_send(ch, (msginfo_t) info, buf->data, buf->handles);
    if (err)
        return err;
    int64_t deadline = timeout_ns < 0 ? -1 : sys_time_now() + timeout_ns;
    int64_t poll = sys_poll_create();
    if (IS_ERROR(poll))
        return poll;
    err = sys_poll_add((handle_t) poll, ch, EVENT_READABLE | EVENT_PEER_CLOSED);
    int64_t result = err;
    while (!err) {
        int64_t type = msg_recv(ch, buf, reply);
        if (type == E_EMPTY) {
            result = err = wait_readable((handle_t) poll, deadline);
            continue;
        }
        if (type == E_BAD_MESSAGE)
            continue; // dropped (its handles closed): not our reply
        if (IS_ERROR(type)) {
            result = type; // E_NO_PEER: the server has gone
            break;
        }
        if (reply->call_id == id && (type == expected || type == MSG_ABORT)) {
            result = type == MSG_ABORT ? reply->abort.error : type;
            break;
        }
        msg_close_handles(reply); // a late reply to another call, or a stray message
    }
    sys_handle_close((handle_t) poll);
    return result;
}

int64_t msg_call_open(handle_t ch, const char *uri, int64_t timeout_ns) {
    static struct msg_buffer buf;
    struct msg request = {.type = MSG_OPEN}, reply;
    request.open.uri = uri;
    request.open.uri_len = strlen(uri);
    int64_t type = msg_call(ch, &request, &buf, &reply, timeout_ns);
    return IS_ERROR(type) ? type : reply.open_reply.channel;
}
