"""Short runs of the in-tree fuzzers (long ones: `make fuzz-kernel`):
apps/sysfuzz makes random system calls with hostile arguments and random
sequences of real operations in user and wasm mode; apps/msgfuzz sends the
echo and fs servers random and mutated messages of every type. The kernel
must not panic or hang, the fuzzer's checks must all pass, and the servers
must still serve a well-formed request afterwards."""
import pytest
from conftest import has_line, lines_matching, match_line

SYSFUZZ = '''[[app]]
name = "echo"

[[app]]
name = "sysfuzz"
[app.config]
seed = {seed}
calls = {calls}
'''


@pytest.mark.mode_specific
@pytest.mark.parametrize('mode, calls', [('user', 300000), ('wasm', 150000)])
@pytest.mark.parametrize('seed', [1, 2])
def test_random_system_calls_leave_the_kernel_standing(boot, mode, calls, seed):
    result = boot(SYSFUZZ.format(seed=seed, calls=calls), isolation=mode, timeout=120)
    out = result.output
    assert 'KERNEL PANIC' not in out
    assert not result.timed_out, 'the fuzzer did not finish (a hang?)'
    assert not [l for l in out.splitlines() if 'FAIL' in l], out
    done = match_line(out, r'\[sysfuzz\] done: (\d+) calls \((\d+) succeeded\) in \d+ ms \(\d+ calls/s\), '
                           r'0 unexpected results, echo still serving')
    assert done, out
    assert int(done.group(1)) >= calls and int(done.group(2)) > calls // 5
    assert result.status == 0


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
