"""In-kernel test apps exercise every system call and its error paths; each
ends the run with QEMU's exit status (0 = every check passed)."""
import re

import pytest

from conftest import apps_system, has_line, match_line


def run_test_app(boot, system, app, timeout=60):
    result = boot(system, timeout=timeout)
    assert not result.timed_out, 'the test app did not finish'
    fails = [l for l in result.output.splitlines() if 'FAIL' in l]
    assert result.status == 0 and not fails, '\n'.join(fails)
    assert has_line(result.output, f'[{app}] TEST PASSED')
    return result


def test_channels(boot):
    result = run_test_app(boot, apps_system('test_channel'), 'test_channel')
    # the log flood: its lines past the share were left out, and said so
    flood = result.output.count('[test_channel] flood\n')
    assert 150 <= flood <= 200, flood
    dropped = match_line(result.output, r'\[kernel\] WARN: test_channel: (\d+) log lines left out \(over 200 in a second\)')
    assert dropped and flood + int(dropped.group(1)) == 400, result.output
    assert has_line(result.output, '[test_channel] after the flood')


def test_poll_timers_and_threads(boot):
    run_test_app(boot, apps_system('test_poll'), 'test_poll')


def test_preemption(boot):
    result = run_test_app(boot, apps_system('spinner', 'test_preempt'), 'test_preempt')
    assert has_line(result.output, '[spinner] spinning forever')
    assert has_line(result.output, '[test_preempt] round 3: still running beside the spinners')


def test_apps_cannot_name_each_others_handles(boot):
    result = run_test_app(boot, apps_system('iso_a', 'iso_b'), 'iso_b')
    assert match_line(result.output, r'\[iso_a\] my handles \d+ and \d+')


def test_failing_test_app_fails_the_run(boot):
    # The harness itself: a failed check must show up as a non-zero status.
    result = boot(apps_system('test_fail'), timeout=30)
    assert result.status == 1
    assert has_line(result.output, '[test_fail] ERROR: TEST FAILED (1 failures)')


def test_heap_and_memory_quota(boot):
    run_test_app(boot, apps_system('test_heap'), 'test_heap')


def test_the_cpu_workload_gives_the_native_checksum(boot):
    # integer, memory and call-heavy code (apps/bench_cpu) computes in this
    # mode exactly what the host computed natively
    result = boot('[[app]]\nname = "bench_cpu"\n[app.config]\nrounds = 4\n', until='ended the system',
                  timeout=60)
    assert has_line(result.output, '[bench_cpu] checksum ae32 after 4 rounds: ok'), result.output


@pytest.mark.parametrize('part, limits', [
    # 24 MiB of messages of each size class in turn, then a 48 MiB heap
    ('slabs', 'memory_limit_kib = 204800\nhandle_limit = 4095'),
    ('spawn', 'memory_limit_kib = 2048'),
    ('cycles', ''),
    ('reconnect', 'memory_limit_kib = 1024'),
])
def test_kernel_memory_comes_back(boot, part, limits):
    system = f'[[app]]\nname = "echo"\n\n[[app]]\nname = "test_memory"\n{limits}\n[app.config]\npart = "{part}"\n'
    result = run_test_app(boot, system, 'test_memory', timeout=120)
    if part == 'slabs':
        assert len(re.findall(r'\[test_memory\] \d+-byte messages: \d+ channels filled and closed, '
                              r'free memory back to \d+ bytes', result.output)) == 5


def test_the_ipc_benchmark_checks_every_round_trip(boot):
    # apps/bench_ipc_client checks each send, wait and reply; a broken run
    # ends with status 1 and no figure
    result = boot('systems/bench_ipc.toml', timeout=60)
    out = result.output
    assert result.status == 0 and 'FAIL' not in out, out
    assert match_line(out, r'\[bench_ipc_client\] bench ipc\.roundtrip\.kernel \d+'), out
    assert match_line(out, r'\[bench_ipc_client\] bench syscall\.null\.kernel \d+'), out


def test_a_driver_gets_its_devices_and_nothing_else(boot):
    # apps/test_driver: the virtio-mmio slots' registers, interrupts and DMA
    # memory; everything outside its grant refused (wasm: no device access)
    result = run_test_app(boot, apps_system('test_driver'), 'test_driver')
    if 'wasm mode' not in result.output:
        for line in ('registers checked', 'interrupts checked', 'DMA memory checked'):
            assert has_line(result.output, f'[test_driver] {line}'), line
