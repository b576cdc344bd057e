// An echo server that faults after `crash_after` messages, so the tests can
// watch its supervisor restart it and its clients reconnect.
#include <aster/aster.h>

static int64_t served, crash_after;

static void on_data(struct loop *loop, handle_t client, const void *data, size_t len) {
    (void) loop;
    if (++served > crash_after) {
        INFO("failing on purpose after %ld messages", (long) crash_after);
        __builtin_trap(); // an illegal instruction, or a Wasm unreachable
    }
    msg_send_data(client, data, len);
}

static const struct loop_handlers handlers = {.data = on_data};

void main(struct env *env) {
    crash_after = env_int(env, "crash_after");
    static struct loop loop;
    if (loop_init(&loop, &handlers, env) != OK)
        return;
    INFO("serving");
    loop_run(&loop);
}
