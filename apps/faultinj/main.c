// A fault-injection campaign in the spirit of MINIX 3's: again and again,
// corrupt the running user-mode echo server (a bit flipped in a register
// or in a word of its memory, an instruction skipped; sys_fault_inject),
// then check that it still echoes correctly. When it does not (it faulted
// and the kernel ended it, or it hangs or answers wrong and we end it), its
// supervisor must bring it back, serving. At the start and the end the
// server is restarted fresh and free memory measured: it must be the same.
// Every line the kernel cannot stand would be a panic; the run ends with
// a summary and exits with the number of failures.
#include <aster/aster.h>
#include <string.h>

#define REPLY_TIMEOUT_NS 50000000ll      // a healthy echo answers in far less
#define COMEBACK_TIMEOUT_NS 5000000000ll // restart and reconnect

enum outcome { CORRECT, WRONG, SILENT, CLOSED }; // CLOSED: our channel (or its queue) refused the request

static uint64_t rng;
static handle_t echo;

static uint64_t rand64(void) {
    rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

// One round trip with a random payload.
static enum outcome check(void) {
    uint64_t payload[2] = {rand64(), rand64()};
    static struct msg_buffer buf;
    struct msg reply;
    if (msg_send_data(echo, payload, sizeof(payload)) != OK)
        return CLOSED;
    int64_t type = msg_wait_timeout(echo, &buf, &reply, REPLY_TIMEOUT_NS);
    if (type == E_TIMED_OUT)
        return SILENT;
    if (type == E_NO_PEER)
        return CLOSED;
    bool same = type == MSG_DATA && reply.data.len == sizeof(payload)
             && memcmp(reply.data.data, payload, sizeof(payload)) == 0;
    if (!IS_ERROR(type))
        msg_close_handles(&reply);
    return same ? CORRECT : WRONG;
}

// A fresh connection to a server that answers correctly; false if none
// came within COMEBACK_TIMEOUT_NS.
static bool reconnect(void) {
    int64_t deadline = sys_time_now() + COMEBACK_TIMEOUT_NS;
    while (sys_time_now() < deadline) {
        if (echo > 0)
            sys_handle_close(echo);
        int64_t channel = sys_service_reconnect("echo", 4);
        echo = IS_ERROR(channel) ? HANDLE_INVALID : (handle_t) channel;
        if (echo > 0 && check() == CORRECT)
            return true;
        sleep_ns(1000000);
    }
    return false;
}

// Ends the server and waits until its supervisor has it serving again.
static bool restart(void) {
    char report[FAULT_REPORT_MAX];
    for (int tries = 0; tries < 1000; tries++) {
        error_t err = sys_fault_inject("echo", FAULT_END, 0, report);
        if (err == OK)
            return reconnect();
        if (err != E_NOT_FOUND && err != E_BUSY) {
            ERROR("FAIL: cannot end the server: %s", error_name(err));
            return false;
        }
        sleep_ns(1000000);
    }
    return false;
}

static uint64_t free_memory_fresh(void) {
    struct memory_stats stats;
    if (!restart())
        return 0;
    sys_memory_stats(&stats);
    return stats.free_bytes;
}

void main(struct env *env) {
    int64_t injections = env_int(env, "injections");
    rng = (uint64_t) env_int(env, "seed") * 0x9e3779b97f4a7c15ull | 1;
    echo = env_channel(env, "echo");
    INFO("seed %lld, %lld injections into echo", (long long) env_int(env, "seed"), (long long) injections);
    int failures = 0;
    uint64_t baseline = free_memory_fresh();
    if (!baseline) {
        ERROR("FAIL: the echo server does not serve");
        sys_system_exit(1);
    }
    uint64_t by_kind[3] = {0}, correct = 0, faulted = 0, ended_by_us = 0, restarts = 0, waits = 0;
    for (int64_t done = 0; done < injections && failures < 10;) {
        char report[FAULT_REPORT_MAX];
        enum fault_kind kind = (enum fault_kind) (rand64() % 5 < 2 ? FAULT_REGISTER : rand64() % 3 ? FAULT_MEMORY
                                                                                           : FAULT_SKIP);
        error_t err = sys_fault_inject("echo", kind, rand64(), report);
        if (err == E_NOT_FOUND || err == E_BUSY || err == E_BAD_ADDRESS) { // between runs, or not runnable
            waits++;
            if (!reconnect())
                failures++, ERROR("FAIL: the echo server did not come back");
            continue;
        }
        if (err) {
            ERROR("FAIL: injection %lld: %s", (long long) done + 1, error_name(err));
            failures++;
            continue;
        }
        done++;
        by_kind[kind]++;
        enum outcome outcome = check();
        if (outcome == CORRECT) {
            correct++;
            continue;
        }
        // Whatever went wrong, end it unless it has ended already (the
        // kernel ended it for a fault): a server that closed our channel
        // or stopped reading may still be alive, and broken.
        error_t ended = sys_fault_inject("echo", FAULT_END, 0, report);
        if (ended == OK)
            ended_by_us++; // alive but wrong, silent, or not reading
        else
            faulted++;
        if (reconnect())
            restarts++;
        else
            failures++, ERROR("FAIL: after \"%s\" the echo server did not come back", report);
    }
    uint64_t after = free_memory_fresh();
    if (after != baseline) {
        ERROR("FAIL: free memory %llu bytes after the campaign, %llu before", (unsigned long long) after,
              (unsigned long long) baseline);
        failures++;
    }
    INFO("campaign: %llu injections (%llu register, %llu memory, %llu skip): %llu still correct, %llu detected "
         "(%llu ended by a fault, %llu hung or wrong and ended), %llu restarts; free memory %s; %d failures",
         (unsigned long long) (by_kind[0] + by_kind[1] + by_kind[2]), (unsigned long long) by_kind[0],
         (unsigned long long) by_kind[1], (unsigned long long) by_kind[2], (unsigned long long) correct,
         (unsigned long long) (faulted + ended_by_us), (unsigned long long) faulted,
         (unsigned long long) ended_by_us, (unsigned long long) restarts,
         after == baseline ? "back to its baseline" : "NOT back", failures);
    (void) waits;
    sys_system_exit(failures ? 1 : 0);
}
