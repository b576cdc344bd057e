// The CPU benchmark (workload.c): runs `rounds` rounds, checks the checksum
// against the one computed natively on the host, and prints the retired
// instructions as "bench cpu.workload.MODE N". make bench runs it in kernel
// mode and in wasm mode; wasm.ratio is the quotient.
#include <aster/aster.h>
#include <aster/counter.h>
#include "workload.h"

// Checksums of workload_run(rounds), from native host builds (gcc and clang agree).
static const struct {
    uint32_t rounds;
    uint16_t checksum;
} expected[] = {{1, 0xb228}, {2, 0x8f54}, {4, 0xae32}, {8, 0xce95}, {16, 0xc5d6}, {32, 0x99b5}, {64, 0x0664},
                {128, 0x78ee}, {256, 0xdd61}, {512, 0x723a}};

void main(struct env *env) {
    uint32_t rounds = (uint32_t) env_int(env, "rounds");
    const char *mode = env_str(env, "mode");
    uint64_t start = read_instret();
    uint16_t checksum = workload_run(rounds);
    uint64_t used = read_instret() - start;
    bool checked = false;
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        if (expected[i].rounds != rounds)
            continue;
        checked = true;
        if (expected[i].checksum != checksum) {
            ERROR("FAIL: checksum %04x after %u rounds, expected %04x", checksum, rounds, expected[i].checksum);
            sys_system_exit(1);
            return;
        }
    }
    INFO("checksum %04x after %u rounds: %s", checksum, rounds, checked ? "ok" : "unchecked");
    INFO("bench cpu.workload.%s %lu", mode, (unsigned long) used);
    if (env_bool(env, "exit"))
        sys_system_exit(0);
}
