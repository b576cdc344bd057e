// Benchmarks: a one-byte message round trip to bench_ipc_server (send, the
// server waits in poll_wait, receives and replies, we wait and receive) and
// the null system call, in retired instructions. Prints "bench NAME VALUE".
#include <aster/aster.h>
#include <aster/counter.h>

#define WARMUP 100
#define ROUNDS 1000

static uint64_t roundtrips(handle_t server, handle_t poll, int rounds) {
    char byte = 'x', reply;
    uint64_t start = read_instret();
    for (int i = 0; i < rounds; i++) {
        sys_channel_send(server, MSGINFO(1, 0, 1), &byte, NULL);
        sys_poll_wait(poll, -1);
        sys_channel_recv(server, &reply, 1, NULL);
    }
    return read_instret() - start;
}

void main(struct env *env) {
    handle_t server = env_channel(env, "server");
    const char *mode = env_str(env, "mode"); // names the metrics
    handle_t poll = sys_poll_create();
    sys_poll_add(poll, server, EVENT_READABLE);
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
