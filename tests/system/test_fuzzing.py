"""Short runs of the in-tree fuzzers (long ones: `make fuzz-kernel`):
apps/sysfuzz makes random system calls with hostile arguments and random
sequences of real operations in user and wasm mode; apps/msgfuzz sends the
echo and fs servers random and mutated messages of every type. The kernel
must not panic or hang, the fuzzer's checks must all pass, and the servers
must still serve a well-formed request afterwards."""
import fault_campaign
import fuzz_kernel
import pytest
from conftest import has_line, lines_matching, match_line

SYSFUZZ = fuzz_kernel.SYSTEM  # the system `make fuzz-kernel` boots


@pytest.mark.mode_specific
@pytest.mark.parametrize('mode, calls', [('user', 300000), ('wasm', 150000), ('vm', 150000)])
@pytest.mark.parametrize('seed', [1, 2])
def test_random_system_calls_leave_the_kernel_standing(boot, mode, calls, seed):
    result = boot(SYSFUZZ.format(seed=seed, calls=calls, trace_from=0), isolation=mode, timeout=120)
    out = result.output
    assert 'KERNEL PANIC' not in out
    assert not result.timed_out, 'the fuzzer did not finish (a hang?)'
    assert not [l for l in out.splitlines() if 'FAIL' in l], out
    done = match_line(out, r'\[sysfuzz\] done: (\d+) calls \((\d+) succeeded\) in \d+ ms \(\d+ calls/s\), '
                           r'0 unexpected results, echo still serving')
    assert done, out
    assert int(done.group(1)) >= calls and int(done.group(2)) > calls // 5
    assert result.status == 0
    # no random call reached the log: the seed, progress and the result only
    assert len([l for l in out.splitlines() if l.startswith('[sysfuzz]')]) <= 6, out


MSGFUZZ = '''[[app]]
name = "echo"
restart = "on-failure"

[[app]]
name = "fs"
restart = "on-failure"

[[app]]
name = "echo_client"
[app.config]
greetings = 3

[[app]]
name = "msgfuzz"
[app.config]
seed = {seed}
messages = 20000
'''


@pytest.mark.parametrize('seed', [1, 2])
def test_servers_keep_serving_a_hostile_client(boot, seed):
    result = boot(MSGFUZZ.format(seed=seed), until='[msgfuzz] done', timeout=120)
    out = result.output
    assert 'KERNEL PANIC' not in out
    assert not lines_matching(out, r'.*FAIL.*'), out
    assert match_line(out, r'\[msgfuzz\] done: \d+ messages sent, \d+ refused by the kernel, dropped \d+ times; '
                           r'servers still serving'), out
    assert has_line(out, '[echo_client] reply: hello #3 from echo_client')


CAMPAIGN = fault_campaign.SYSTEM  # the system `make fault-campaign` boots


@pytest.mark.mode_specific
@pytest.mark.parametrize('seed', [1, 2])
def test_a_fault_injection_campaign(boot, seed):
    # 2000 faults injected into a running user-mode echo server: after each
    # one it still echoes correctly or it is ended and comes back; the
    # kernel never fails; free memory returns to its baseline
    result = boot(CAMPAIGN.format(n=2000, seed=seed), isolation=False, timeout=120)
    out = result.output
    assert 'KERNEL PANIC' not in out and not result.timed_out
    summary = match_line(out, r'\[faultinj\] campaign: 2000 injections \(\d+ register, \d+ memory, \d+ skip\): '
                              r'(\d+) still correct, (\d+) detected \((\d+) ended by a fault, (\d+) hung or wrong '
                              r'and ended\), (\d+) restarts; free memory back to its baseline; 0 failures')
    assert summary, out
    correct, detected, faulted, ended, restarts = map(int, summary.groups())
    assert correct + detected == 2000 and faulted + ended == detected and restarts == detected
    assert detected > 100 and faulted > 100  # the faults do bite
    assert result.status == 0


def test_fault_injection_needs_its_permission(boot):
    # sysfuzz has no inject_faults permission: it cannot corrupt echo
    result = boot(SYSFUZZ.format(seed=3, calls=20000, trace_from=0), isolation='user', timeout=60)
    assert has_line(result.output, '[kernel] sysfuzz ended the system with status 0'), result.output
    assert 'echo ended' not in result.output
