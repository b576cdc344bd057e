"""Memory back to baseline: however an app ends (it returns, faults, traps,
is ended by the kernel, exits with a failing status, hits its quotas), the
kernel gets back every page it held. Each scenario has the app restarted
by its supervisor, which logs the free memory (whole free pages; free
blocks inside slabs in use do not count) before each restart: that is the
memory after one run ended and before the next one starts, and it must be
the same at every restart."""
import re

import pytest

RESTARTS = 4


def free_memory_at_restarts(out, name):
    return [int(f) for f in re.findall(rf'\[kernel\] restarting {name} \(restart \d+\); free memory (\d+) bytes', out)]


def check_back_to_baseline(boot, system, name, isolation, timeout=60):
    result = boot(system, isolation=isolation, until=f'restarting {name} (restart {RESTARTS})', timeout=timeout)
    out = result.output
    assert 'KERNEL PANIC' not in out
    free = free_memory_at_restarts(out, name)
    assert len(free) == RESTARTS, out
    assert len(set(free)) == 1, f'free memory at the restarts of {name}: {free}'
    return out


ECHO = '[[app]]\nname = "echo"\n'


@pytest.mark.mode_specific
@pytest.mark.parametrize('mode', ['kernel', 'user', 'wasm', 'vm'])
def test_an_app_that_returns(boot, mode):
    check_back_to_baseline(boot, '[[app]]\nname = "hello"\nrestart = "always"\n', 'hello', mode)


@pytest.mark.mode_specific
@pytest.mark.parametrize('mode', ['user', 'vm'])
@pytest.mark.parametrize('fault', ['load', 'store', 'illegal', 'misaligned', 'stack', 'jump', 'float', 'wfi'])
def test_an_app_that_faults_in_user_or_vm_mode(boot, mode, fault):
    system = ECHO + f'[[app]]\nname = "crasher"\nrestart = "on-failure"\n[app.config]\nfault = "{fault}"\n'
    out = check_back_to_baseline(boot, system, 'crasher', mode)
    assert '[kernel] ERROR: crasher ended: ' in out


@pytest.mark.mode_specific
@pytest.mark.parametrize('fault', ['load', 'illegal', 'stack', 'jump'])
def test_an_app_that_traps_in_wasm_mode(boot, fault):
    system = ECHO + f'[[app]]\nname = "crasher"\nrestart = "on-failure"\n[app.config]\nfault = "{fault}"\n'
    out = check_back_to_baseline(boot, system, 'crasher', 'wasm')
    assert '[kernel] ERROR: crasher ended: wasm trap: ' in out


@pytest.mark.mode_specific
@pytest.mark.parametrize('mode', ['user', 'wasm', 'vm'])
def test_an_app_that_exhausts_its_quotas_and_attacks(boot, mode):
    system = '[[app]]\nname = "hostile"\nrestart = "on-failure"\nhandle_limit = 64\nmemory_limit_kib = 2048\n'
    out = check_back_to_baseline(boot, system, 'hostile', mode)
    # every attack was refused as it should be, in every run
    assert out.count('[hostile] attacks done, 0 failures') >= RESTARTS, out
    assert 'FAIL' not in out, out


@pytest.mark.mode_specific
def test_a_server_that_faults_under_load(boot):
    system = ('[[app]]\nname = "flaky"\nrestart = "on-failure"\n[app.config]\ncrash_after = 1\n'
              '[[app]]\nname = "echo_client"\nrestart = "always"\n[app.config]\ngreetings = 3\n'
              'reconnect = true\n')
    for mode in ('user', 'wasm', 'vm'):
        check_back_to_baseline(boot, system, 'flaky', mode)


@pytest.mark.mode_specific
def test_a_wasi_program_that_exits_with_a_failing_status(boot):
    system = ('[[app]]\nname = "fs"\n[[app]]\nname = "shout"\nrestart = "on-failure"\n'
              '[app.config]\nfile = "/missing.txt"\n')
    out = check_back_to_baseline(boot, system, 'shout', 'wasm')
    assert '[kernel] shout ended: exit status 2' in out
