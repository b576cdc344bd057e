"""User and wasm mode: hostile apps fail cleanly and free everything;
supervisors restart crashed apps with backoff; clients reconnect through
their environment."""
import re

import pytest

# How each mode reports the hostile app's write to the kernel's address, and
# flaky's deliberate crash (__builtin_trap).
KERNEL_WRITE = {'user': r'store page fault at pc [0-9a-f]+ \(address ffffffff80200000\)',
                'wasm': r'wasm trap: out of bounds memory access'}
TRAP = {'user': r'illegal instruction at pc [0-9a-f]+', 'wasm': r'wasm trap: unreachable'}


@pytest.mark.mode_specific
@pytest.mark.parametrize('mode', ['user', 'wasm'])
def test_a_hostile_app_fails_cleanly_and_frees_everything(boot, mode):
    system = '''
[[app]]
name = "hostile"
restart = "on-failure"
handle_limit = 64
memory_limit_kib = 2048
'''
    result = boot(system, isolation=mode, until='(restart 4)', timeout=60)
    out = result.output
    assert '[hostile] attacks done, 0 failures; now writing to kernel memory' in out, out
    assert '[hostile] quotas reached: 64 handles' in out
    assert 'FAIL' not in out
    assert re.search(r'\[kernel\] ERROR: hostile ended: ' + KERNEL_WRITE[mode], out)
    assert 'KERNEL PANIC' not in out
    # Backoff doubles: 10, 20, 40 ms ...
    delays = [int(d) for d in re.findall(r'hostile ended by a fault; restarting it in (\d+) ms', out)]
    assert delays[:3] == [10, 20, 40]
    # Everything a run held comes back: free memory is the same at each restart.
    free = [int(f) for f in re.findall(r'restarting hostile \(restart \d+\); free memory (\d+) bytes', out)]
    assert len(free) >= 4 and free[0] == free[1] == free[2] == free[3], free


@pytest.mark.mode_specific
@pytest.mark.parametrize('mode', ['user', 'wasm'])
def test_a_crashed_server_is_restarted_and_its_client_reconnects(boot, mode):
    system = '''
[[app]]
name = "flaky"
restart = "on-failure"
[app.config]
crash_after = 2

[[app]]
name = "echo_client"
[app.config]
greetings = 5
reconnect = true
'''
    result = boot(system, isolation=mode, until='[echo_client] done', timeout=60)
    out = result.output
    assert '[flaky] failing on purpose after 2 messages' in out
    assert re.search(r'\[kernel\] ERROR: flaky ended: ' + TRAP[mode], out)
    assert '[kernel] flaky ended by a fault; restarting it in 10 ms' in out
    assert '[kernel] restarting flaky (restart 1)' in out
    assert out.count('[flaky] serving') >= 2
    assert '[echo_client] server gone; reconnecting' in out
    for i in range(1, 6):
        assert f'[echo_client] reply: hello #{i} from echo_client' in out


@pytest.mark.mode_specific
def test_never_means_never(boot):
    system = '''
[[app]]
name = "flaky"
isolation = "user"
[app.config]
crash_after = 0

[[app]]
name = "echo_client"
isolation = "user"
'''
    result = boot(system, isolation='user', until='no reply', timeout=30)
    out = result.output
    assert 'restarting flaky' not in out
    assert '[echo_client] ERROR: no reply: E_NO_PEER' in out


@pytest.mark.mode_specific
def test_always_restarts_an_app_that_ends_normally(boot):
    system = '[[app]]\nname = "hello"\nrestart = "always"\n'
    result = boot(system, isolation='kernel', until='(restart 2)', timeout=30)
    assert result.output.count('[hello] hello, world') >= 2
    assert '[kernel] hello ended; restarting it in 10 ms' in result.output


@pytest.mark.mode_specific
def test_restarts_do_not_run_on_an_interrupted_apps_stack(boot):
    # A kernel-mode app spins 28 KiB deep into its 32 KiB stack (1 KiB less
    # than overflows it by itself), where the timer interrupts it. The
    # supervisor restarts `hostile` (user mode) several times meanwhile:
    # loading it must happen on the kernel's worker thread, not on the
    # interrupted app's stack (which would overflow: a kernel panic).
    system = '''
[[app]]
name = "spinner"
isolation = "kernel"
[app.config]
seconds = 2
stack_kib = 28

[[app]]
name = "hostile"
isolation = "user"
restart = "on-failure"
handle_limit = 64
memory_limit_kib = 2048
'''
    result = boot(system, isolation=False, until='[spinner] done', timeout=60)
    out = result.output
    assert 'KERNEL PANIC' not in out
    assert '[spinner] done' in out.splitlines()
    assert out.count('[kernel] restarting hostile (restart') >= 4
