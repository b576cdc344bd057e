#!/usr/bin/env python3
"""`make bench`: boots benchmark apps under QEMU's -icount (one instruction
is one nanosecond, counts are exact), prints a table and writes a flat JSON
object of metric -> number.

Benchmark apps print lines "[app] bench NAME VALUE"; the kernel prints
"boot.ready: all apps started, N instructions since kernel entry".
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

MODES = ('kernel', 'user', 'wasm', 'vm')

# (system manifest, what the run measures, the line that ends it)
RUNS = [
    ('systems/bench_ipc.toml', 'IPC and system calls, kernel mode', None),
    ('systems/bench_ipc_user.toml', 'IPC and system calls, user mode', None),
    ('systems/bench_ipc_kernel_user.toml', 'IPC, kernel-mode server and user-mode client', None),
    ('systems/bench_ipc_wasm.toml', 'IPC and system calls, wasm mode', None),
    ('systems/bench_ipc_vm.toml', 'IPC and system calls, vm mode', None),
    ('systems/bench_ipc_kernel_vm.toml', 'IPC, kernel-mode server and vm-mode client', None),
    ('systems/bench_cpu.toml', 'the CPU workload, native in kernel mode', None),
    ('systems/bench_cpu_wasm.toml', 'the CPU workload as WebAssembly in the engine', None),
    ('systems/echo.toml', 'boot of the echo demo', '[echo_client] done'),
    ('systems/bench_spawn_exit.toml', 'an app started at run time, from spawn to its exit', None),
] + [(f'systems/bench_spawn_{mode}.toml', f'the start of a {mode}-mode app', None) for mode in MODES]
TARGETS = {'ipc.roundtrip.kernel': 1500, 'syscall.null.kernel': 100, 'boot.ready': 2000000,
           'ipc.roundtrip.user': 3000, 'ipc.roundtrip.kernel_user': None, 'syscall.null.user': None,
           'ipc.roundtrip.wasm': None, 'syscall.null.wasm': None,
           'ipc.roundtrip.vm': None, 'ipc.roundtrip.kernel_vm': None, 'syscall.null.vm': None,
           'vm.ipc_ratio': 1.5, 'vm.spawn': 200000, 'kernel.spawn': None, 'user.spawn': None,
           'wasm.spawn': None, 'app.spawn_exit.kernel': None, 'app.spawn_exit.user': 90000,
           'app.spawn_exit.wasm': None, 'app.spawn_exit.vm': None,
           'cpu.workload.kernel': None, 'cpu.workload.wasm': None, 'wasm.ratio': 12,
           'http.rps': None, 'http.p50_ms': None, 'http.p99_ms': None}


def host_benchmark(command):
    """Runs the engine on the host over the same workload (wall time); ends
    the benchmark (status 1) if it fails, e.g. the checksums differ."""
    import subprocess
    proc = subprocess.run(command.split() + ['512'], capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stdout + proc.stderr, end='', file=sys.stderr)
        sys.exit(f'the host benchmark failed (exit status {proc.returncode}): no figures')
    return {m: float(v) for m, v in re.findall(r'bench (\S+) ([\d.]+)', proc.stdout)}


# The HTTP run: wrk against http_server through QEMU's port forwarding. These
# are wall-clock figures of software emulation, so the JSON also records the
# run's settings (http.settings).
WRK = ['wrk', '-t1', '-c10', '-d10s', '--latency']


def host_tcp_counters():
    """The host's TCP counters that explain a wrk p99 far above the median:
    QEMU's port forwarding listens with a backlog of 1, so wrk's burst of
    connects overflows it (ListenOverflows); a connection whose handshake
    the host dropped stalls its first request until the host's TCP
    retransmits (TCPTimeouts, 200 ms and more), and wrk's correction for
    coordinated omission counts each stall as hundreds of slow requests."""
    try:
        with open('/proc/net/netstat') as f:
            lines = [l.split() for l in f if l.startswith('TcpExt:')]
        counters = dict(zip(lines[0][1:], map(int, lines[1][1:])))
    except (OSError, IndexError, ValueError):
        return {}
    return {name: counters.get(name, 0) for name in ('ListenOverflows', 'TCPTimeouts')}


def http_benchmark(kernel, out_dir):
    """Requests per second and the 99th percentile latency (ms) of a 1 KiB
    page, keep-alive, 10 connections; exits (no figures) if wrk fails."""
    import shutil
    import subprocess
    import tempfile
    if not shutil.which('wrk'):
        sys.exit('wrk is missing (make bench installs it: tools/setup.sh)')
    files = tempfile.mkdtemp(prefix='aster-bench-')
    page = '<p>' + 'aster ' * 170 + '</p>\n'  # about 1 KiB
    with open(os.path.join(files, 'page.html'), 'w') as f:
        f.write(page)
    image = qemu.build_image(os.path.join(qemu.ROOT, 'systems/bench_http.toml'),
                             os.path.join(out_dir, 'systems', 'bench-http.img'), [files])
    port = qemu.free_port()
    with qemu.Session(kernel, image, net=True, forwards=[(port, 80)]) as session:
        session.expect('[tcpip] 10.0.2.15', 60)
        before = host_tcp_counters()
        proc = subprocess.run(WRK + [f'http://127.0.0.1:{port}/page.html'], capture_output=True, text=True)
        after = host_tcp_counters()
    shutil.rmtree(files)
    rps = re.search(r'Requests/sec:\s+([\d.]+)', proc.stdout)
    p99 = re.search(r'99%\s+([\d.]+)(us|ms|s)\b', proc.stdout)
    p50 = re.search(r'50%\s+([\d.]+)(us|ms|s)\b', proc.stdout)
    errors = re.search(r'Non-2xx or 3xx responses: (\d+)|Socket errors: .*', proc.stdout)
    if proc.returncode != 0 or not rps or not p99 or not p50 or errors:
        print(proc.stdout + proc.stderr, end='', file=sys.stderr)
        sys.exit('the HTTP benchmark failed: no figures')
    def ms(match):
        return round(float(match.group(1)) * {'us': 0.001, 'ms': 1, 's': 1000}[match.group(2)], 2)
    settings = {'qemu': ' '.join(qemu.qemu_command(os.path.basename(kernel), net=True, forwards=[(port, 80)])),
                'wrk': ' '.join(WRK),
                'page_bytes': len(page), 'system': 'systems/bench_http.toml',
                'host_tcp_during_run': {name: after[name] - before.get(name, 0) for name in after}}
    return {'http.rps': round(float(rps.group(1))), 'http.p50_ms': ms(p50), 'http.p99_ms': ms(p99)}, settings


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--kernel', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--host-bench', help='the host benchmark of the engine (wasm-bench) and its app')
    args = parser.parse_args()
    metrics = {}
    for system, what, until in RUNS:
        name = os.path.splitext(os.path.basename(system))[0]
        image = qemu.build_image(os.path.join(qemu.ROOT, system),
                                 os.path.join(os.path.dirname(args.out), 'systems', f'bench-{name}.img'))
        spawn = name in [f'bench_spawn_{mode}' for mode in MODES]
        result = qemu.boot(args.kernel, image, timeout=120, icount=True, until=until,
                           append='bench' if spawn else None)
        if spawn: # from the kernel's start on the app to its first system call
            created = re.search(r'\] bench created bench_spawn (\d+)', result.output)
            first = re.search(r'\] bench first_call (\d+)', result.output)
            if created and first:
                metrics[f'{name[len("bench_spawn_"):]}.spawn'] = int(first.group(1)) - int(created.group(1))
            continue
        for metric, value in re.findall(r'\] bench (\S+) (\d+)', result.output):
            metrics[metric] = int(value)
        ready = re.search(r'boot\.ready: all apps started, (\d+) instructions', result.output)
        if ready and until:
            metrics['boot.ready'] = int(ready.group(1))
        if result.timed_out and not until:
            print(f'warning: the {what} run timed out', file=sys.stderr)
    http, http_settings = http_benchmark(args.kernel, os.path.dirname(args.out))
    metrics.update(http)
    if 'cpu.workload.kernel' in metrics and 'cpu.workload.wasm' in metrics:
        # the workload as WebAssembly over the same workload native: instructions
        metrics['wasm.ratio'] = round(metrics['cpu.workload.wasm'] / metrics['cpu.workload.kernel'], 2)
    if 'ipc.roundtrip.vm' in metrics and 'ipc.roundtrip.user' in metrics:
        # a round trip between vm-mode apps over one between user-mode apps
        metrics['vm.ipc_ratio'] = round(metrics['ipc.roundtrip.vm'] / metrics['ipc.roundtrip.user'], 2)
    host = host_benchmark(args.host_bench) if args.host_bench else {}
    missing = [m for m in TARGETS if m not in metrics]
    print(f'{"metric":<28}{"instructions":>14}{"target":>12}')
    for name, value in sorted(metrics.items()):
        target = TARGETS.get(name)
        print(f'{name:<28}{value:>14,}{(f"< {target:,}" if target else ""):>12}')
    with open(args.out, 'w') as f:
        json.dump(dict(metrics, **{'http.settings': http_settings}), f, indent=2, sort_keys=True)
        f.write('\n')
    if host:
        print(f'host (wall time, not deterministic): the engine {host["wasm.host.seconds"]} s, '
              f'native {host["native.host.seconds"]} s, ratio {host["wasm.host.ratio"]}')
    print(f'wrote {args.out}')
    if missing:
        print(f'missing metrics: {", ".join(missing)}', file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
