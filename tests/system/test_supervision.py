"""User and wasm mode: hostile apps fail cleanly and free everything;
supervisors restart crashed apps with backoff; clients reconnect through
their environment."""
import pytest
from conftest import count_lines, has_line, lines_matching, match_line

# How each mode reports the hostile app's write to the kernel's address, and
# flaky's deliberate crash (__builtin_trap).
KERNEL_WRITE = {'user': r'store page fault at pc [0-9a-f]+ \(address ffffffff80200000\)',
                'wasm': r'wasm trap: out of bounds memory access',
                'vm': r'store guest-page fault at pc [0-9a-f]+ \(guest address ffffffff80200000\)'}
TRAP = {'user': r'illegal instruction at pc [0-9a-f]+ \(address [0-9a-f]+\)', 'wasm': r'wasm trap: unreachable',
        'vm': r'illegal instruction at pc [0-9a-f]+ \(guest address [0-9a-f]+\)'}


@pytest.mark.mode_specific
@pytest.mark.parametrize('mode', ['user', 'wasm', 'vm'])
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
    assert has_line(out, '[hostile] attacks done, 0 failures; now writing to kernel memory'), out
    assert has_line(out, '[hostile] quotas reached: 64 handles')
    assert 'FAIL' not in out
    assert match_line(out, r'\[kernel\] ERROR: hostile ended: ' + KERNEL_WRITE[mode])
    assert 'KERNEL PANIC' not in out
    # Backoff doubles: 10, 20, 40 ms ...
    delays = [int(m.group(1)) for m in
              lines_matching(out, r'\[kernel\] hostile ended by a fault; restarting it in (\d+) ms')]
    assert delays[:3] == [10, 20, 40]
    # Everything a run held comes back: free memory is the same at each restart.
    free = [int(m.group(1)) for m in
            lines_matching(out, r'\[kernel\] restarting hostile \(restart \d+\); free memory (\d+) bytes')]
    assert len(free) >= 4 and free[0] == free[1] == free[2] == free[3], free


@pytest.mark.mode_specific
@pytest.mark.parametrize('mode', ['user', 'wasm', 'vm'])
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
    assert has_line(out, '[flaky] failing on purpose after 2 messages')
    assert match_line(out, r'\[kernel\] ERROR: flaky ended: ' + TRAP[mode])
    assert has_line(out, '[kernel] flaky ended by a fault; restarting it in 10 ms')
    assert match_line(out, r'\[kernel\] restarting flaky \(restart 1\); free memory \d+ bytes')
    assert count_lines(out, '[flaky] serving') >= 2
    assert has_line(out, '[echo_client] server gone; reconnecting')
    for i in range(1, 6):
        assert has_line(out, f'[echo_client] reply: hello #{i} from echo_client')


@pytest.mark.mode_specific
def test_never_means_never(boot):
    system = '''
[[app]]
name = "flaky"
isolation = "user"
restart = "never"
[app.config]
crash_after = 0

[[app]]
name = "echo_client"
isolation = "user"
'''
    # A restart would come 10 ms after the crash (the first backoff): watch
    # a whole second after the client's error.
    result = boot(system, isolation='user', until='[echo_client] ERROR: no reply', linger=1.0, timeout=30)
    out = result.output
    assert has_line(out, '[flaky] failing on purpose after 0 messages')
    assert match_line(out, r'\[kernel\] ERROR: flaky ended: ' + TRAP['user'])
    assert has_line(out, '[echo_client] ERROR: no reply: E_NO_PEER')
    # Neither of the supervisor's lines (kernel/supervisor.c): the plan at
    # the end, nor the restart itself.
    assert not lines_matching(out, r'\[kernel\] flaky ended( by a fault)?; restarting it in \d+ ms'), out
    assert not lines_matching(out, r'\[kernel\] restarting flaky \(restart \d+\); free memory \d+ bytes'), out
    assert not result.timed_out and 'flaky' not in out.split('[echo_client] ERROR: no reply')[1]


@pytest.mark.mode_specific
def test_always_restarts_an_app_that_ends_normally(boot):
    system = '[[app]]\nname = "hello"\nrestart = "always"\n'
    result = boot(system, isolation='kernel', until='(restart 2)', timeout=30)
    assert count_lines(result.output, '[hello] hello, world') >= 2
    assert has_line(result.output, '[kernel] hello ended; restarting it in 10 ms')


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
    assert has_line(out, '[spinner] done')
    assert out.count('[kernel] restarting hostile (restart') >= 4
