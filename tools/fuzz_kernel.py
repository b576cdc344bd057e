#!/usr/bin/env python3
"""`make fuzz-kernel CALLS=N SEED=S`: runs apps/sysfuzz
(random system calls with hostile arguments and random sequences of real
operations) beside the echo server, once per isolation mode, and reports
calls per second. A run passes when the fuzzer ends the system with status
0 (every result was one the call may give, the kernel counted exactly the
handles it held, and the echo server still answers), with no kernel panic
and no hang (a time limit per run). To replay a failing run: its seed, and
CALLS up to the failing call (TRACE_FROM=K logs every call from K on)."""
import argparse
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

SYSTEM = '''[[app]]
name = "echo"

[[app]]
name = "sysfuzz"
[app.config]
seed = {seed}
calls = {calls}
trace_from = {trace_from}
'''


def run(kernel, build, mode, calls, seed, trace_from, seconds_per_million):
    with tempfile.TemporaryDirectory() as tmp:
        system = os.path.join(tmp, 'system.toml')
        with open(system, 'w') as f:
            f.write(SYSTEM.format(seed=seed, calls=calls, trace_from=trace_from))
        image = qemu.build_image(system, os.path.join(tmp, 'fuzz.img'), isolation=mode,
                                 elves=os.path.join(build, 'uapps'), wasm=os.path.join(build, 'wapps'))
        limit = 60 + seconds_per_million * calls / 1e6
        started = time.monotonic()
        result = qemu.boot(kernel, image, timeout=limit)
        wall = time.monotonic() - started
    out = result.output
    done = re.search(r'\[sysfuzz\] done: (\d+) calls \((\d+) succeeded\) in (\d+) ms \((\d+) calls/s\), '
                     r'(\d+) unexpected results, echo (.*)$', out, re.M)
    problems = [l for l in out.splitlines() if 'FAIL' in l or 'KERNEL PANIC' in l]
    seed_line = re.search(r'\[sysfuzz\] seed (\d+)', out)
    ok = done is not None and result.status == 0 and not problems and not result.timed_out
    if ok:
        print(f'{mode}: {done.group(1)} calls ({done.group(2)} succeeded) in {int(done.group(3)) / 1000:.1f} s, '
              f'{done.group(4)} calls/s (wall {wall:.1f} s), 0 unexpected results, echo {done.group(6)}')
    else:
        why = 'hung (time limit)' if result.timed_out else f'QEMU exit status {result.status}'
        print(f'{mode}: FAILED ({why}), seed {seed_line.group(1) if seed_line else seed}')
        print('\n'.join(out.splitlines()[-40:]))
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--kernel', required=True)
    parser.add_argument('--build', default=os.environ.get('ASTER_BUILD', 'build'))
    parser.add_argument('--calls', type=int, default=1000000)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--trace-from', type=int, default=0)
    parser.add_argument('--modes', default='user wasm vm')
    parser.add_argument('--seconds-per-million', type=float, default=120,
                        help='time limit per million calls, on top of a minute')
    args = parser.parse_args()
    results = [run(args.kernel, args.build, mode, args.calls, args.seed, args.trace_from, args.seconds_per_million)
               for mode in args.modes.split()]
    sys.exit(0 if all(results) else 1)


if __name__ == '__main__':
    main()
