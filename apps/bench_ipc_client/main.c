// Benchmarks: a one-byte message round trip to bench_ipc_server (send, the
// server waits in poll_wait, receives and replies, we wait and receive) and
// the null system call, in retired instructions. Prints "bench NAME VALUE".
// Every call is checked and every reply must be the byte sent: on the first
// failure it logs "FAIL: ..." and ends the run with status 1, before any
// figure is printed (a broken run reports nothing).
#include <aster/aster.h>
#include <aster/counter.h>

#define WARMUP 100
#define ROUNDS 1000

__attribute__((noreturn)) static void fail(const char *what, int round, long err) {
    ERROR("FAIL: %s in round trip %d: %s", what, round, IS_ERROR(err) ? error_name(err) : "wrong reply");
    sys_system_exit(1);
    for (;;) {
    }
}

static uint64_t roundtrips(handle_t server, handle_t poll, int rounds) {
    char byte = 'x', reply;
    uint64_t start = read_instret();
    for (int i = 0; i < rounds; i++) {
        error_t err = sys_channel_send(server, MSGINFO(1, 0, 1), &byte, NULL);
        if (err != OK)
            fail("send", i, err);
        int64_t ready = sys_poll_wait(poll, -1);
        if (IS_ERROR(ready))
            fail("poll_wait", i, ready);
        long info = sys_channel_recv(server, &reply, 1, NULL); // one byte written when info is right
        if (info != (long) MSGINFO(1, 0, 1) || reply != byte)
            fail("receive", i, info);
    }
    return read_instret() - start;
}

void main(struct env *env) {
    handle_t server = env_channel(env, "server");
    const char *mode = env_str(env, "mode"); // names the metrics
    if (IS_ERROR(server))
        fail("connect", 0, server);
    long poll = sys_poll_create();
    if (IS_ERROR(poll))
        fail("poll_create", 0, poll);
    error_t err = sys_poll_add(poll, server, EVENT_READABLE);
    if (err != OK)
        fail("poll_add", 0, err);
    roundtrips(server, poll, WARMUP);
    INFO("bench ipc.roundtrip.%s %lu", mode, (unsigned long) (roundtrips(server, poll, ROUNDS) / ROUNDS));
    if (!env_bool(env, "null_syscall"))
        sys_system_exit(0);

    uint64_t start = read_instret();
    for (int i = 0; i < ROUNDS; i++)
        sys_nop();
    INFO("bench syscall.null.%s %lu", mode, (unsigned long) ((read_instret() - start) / ROUNDS));
    sys_system_exit(0);
}
