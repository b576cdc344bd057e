"""Tests of tools/profile.py: its count of a benchmark's instructions must
be the benchmark's own figure (both are exact under -icount), and it must
name the functions that ran."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tools'))
import qemu  # noqa: E402

PROFILE = os.path.join(ROOT, 'tools', 'profile.py')
KERNEL = os.path.join(qemu.BUILD, 'kernel.elf')
SYSTEM = os.path.join(ROOT, 'systems', 'bench_ipc.toml')


def test_the_profile_of_the_ipc_benchmark_adds_up_to_its_figure(tmp_path):
    image = qemu.build_image(SYSTEM, str(tmp_path / 'bench.img'))
    run = qemu.boot(KERNEL, image, timeout=120, icount=True)
    figure = int(re.search(r'bench ipc\.roundtrip\.kernel (\d+)', run.output).group(1))
    # the benchmark's 1,000 measured round trips start after 100 of warm-up,
    # each round trip sends twice (the client, then the server's answer)
    out = subprocess.run([sys.executable, PROFILE, SYSTEM, '--kernel', KERNEL, '--at', 'syscall_channel_send',
                          '--skip', '300', '--calls', '1800', '--per', '900', '--function', 'syscall_channel_send'],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    total = float(re.match(r'([\d,.]+) instructions per unit', out.stdout).group(1).replace(',', ''))
    assert abs(total - figure) <= 2, (total, figure, out.stdout)
    functions = dict((name, float(n)) for n, name in re.findall(r'^\s+([\d.]+)  (\S+)$', out.stdout, re.M))
    for name in ('syscall_channel_send', 'syscall_channel_recv', 'poll_wait', 'sched_switch'):
        assert functions.get(name, 0) > 0, out.stdout
    listed = re.findall(r'^\s+([\d.]+)  ffffffff[0-9a-f]+  ', out.stdout, re.M)
    assert abs(sum(float(n) for n in listed) - functions['syscall_channel_send']) < 0.5, out.stdout


def test_a_function_that_does_not_exist_is_a_clear_error():
    out = subprocess.run([sys.executable, PROFILE, SYSTEM, '--kernel', KERNEL, '--at', 'no_such_function'],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and 'no function no_such_function in the kernel' in out.stderr
