#!/usr/bin/env python3
"""Differential testing of the Wasm engine: random valid modules from
binaryen's `wasm-opt -ttf` (translate random bytes to a module) run in our
engine (BUILD/host/wasm-diff-run) and in Node's (tests/wasm/diff/run.js).
Each side finds the exports, their types and what to call on its own; the
two traces (export list, import calls, results, then the exported memory,
globals and tables) must be identical line for line. A module where either
side exhausted its stack or our fuel ran out is inconclusive (skipped): the
engines' limits differ. On a mismatch the module is kept under
BUILD/wasm-diff/ with both traces. Ends with `N passed, N failed,
N skipped`; exits 1 if anything failed.

Modules go through both engines in batches (one process per side and
batch, the two sides at once); a batch whose process crashes or hangs is
run again one module at a time, so that the module to blame is found.

Features: MVP, sign extension, mutable globals, non-trapping conversions,
bulk memory, multi-value. (Reference types are left out: binaryen 108
emits typed function references with them; the .wast suite covers them.)
"""
import argparse
import os
import random
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN_JS = os.path.join(ROOT, 'tests', 'wasm', 'diff', 'run.js')
FEATURES = ['--mvp-features', '--enable-sign-ext', '--enable-mutable-globals',
            '--enable-nontrapping-float-to-int', '--enable-bulk-memory', '--enable-multivalue']
INCONCLUSIVE = (' exhausted', ' timeout')
BATCH = 40
BATCH_TIMEOUT = 60     # seconds for one side's batch (it takes about one)
MODULE_TIMEOUT = 30    # seconds for one side's single module


def generate(workdir, seed, size):
    """The module for `seed` (its path), or None if wasm-opt gave none."""
    rng = random.Random(seed)
    raw = os.path.join(workdir, f'{seed}.bin')
    module = os.path.join(workdir, f'{seed}.wasm')
    with open(raw, 'wb') as f:
        f.write(bytes(rng.getrandbits(8) for _ in range(size)))
    gen = subprocess.run(['wasm-opt', '-ttf', raw, '--denan', '-o', module] + FEATURES, capture_output=True,
                         text=True)
    os.remove(raw)
    return module if gen.returncode == 0 and os.path.exists(module) else None


def start(command):
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            errors='replace', start_new_session=True)


def finish(proc, timeout):
    """(stdout, stderr, problem): problem is None, or why the run is void
    (a crash or a hang: the process is killed)."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        out, err = proc.communicate()
        return out, err, f'no result after {timeout} s'
    if proc.returncode != 0:
        return out, err, f'exit status {proc.returncode}'
    return out, err, None


def split(trace, modules):
    """{module: [lines]} from a batch trace ("module FILE" starts each)."""
    traces, current = {}, None
    for line in trace.splitlines():
        if line.startswith('module ') and line[7:] in modules:
            current = traces.setdefault(line[7:], [])
        elif current is not None:
            current.append(line)
    return traces


def run_batch(runner, modules, timeout):
    """Both engines on `modules` at once: ({module: lines} for ours, for
    Node's, problems) where problems lists the side that crashed or hung."""
    ours_proc = start([runner, *modules])
    node_proc = start(['node', RUN_JS, *modules])
    ours_out, ours_err, ours_problem = finish(ours_proc, timeout)
    node_out, node_err, node_problem = finish(node_proc, timeout)
    problems = []
    if ours_problem:
        problems.append(f'our engine: {ours_problem}\n{ours_err[-2000:]}')
    if node_problem:
        problems.append(f'node: {node_problem}\n{node_err[-2000:]}')
    return split(ours_out, modules), split(node_out, modules), problems, bool(ours_problem)


def judge(module, ours, node):
    """'passed', 'failed' or 'skipped' for one module's two traces, and a
    description of a failure."""
    if ours is None or node is None:
        return 'failed', f'no trace from {"our engine" if ours is None else "node"} (module {module})'
    if any(l.endswith(INCONCLUSIVE) for l in ours + node):
        return 'skipped', 'stack or fuel limit'
    if ours != node:
        return 'failed', f'traces differ (module {module}):\n' + diff(ours, node)
    return 'passed', ''


def diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f'  line {i + 1}: ours {x!r}\n           node {y!r}'
    return f'  lengths differ: ours {len(a)} lines, node {len(b)} lines'


def check(runner, modules):
    """Runs a batch; yields (module, result, detail) for each module. A batch
    that crashed or hung is run again module by module: a single module
    that still crashes or hangs our engine fails, one that hangs Node is
    inconclusive."""
    ours, node, problems, _ = run_batch(runner, modules, BATCH_TIMEOUT)
    if not problems:
        for module in modules:
            yield (module, *judge(module, ours.get(module), node.get(module)))
        return
    for module in modules:
        ours, node, problems, ours_failed = run_batch(runner, [module], MODULE_TIMEOUT)
        if ours_failed:
            yield module, 'failed', f'module {module}: ' + '; '.join(p.strip() for p in problems)
        elif problems:
            yield module, 'skipped', 'node: ' + '; '.join(problems)
        else:
            yield (module, *judge(module, ours.get(module), node.get(module)))


def keep(workdir, module, detail, runner):
    """Writes both traces next to the kept module."""
    for name, command in (('ours', [runner, module]), ('node', ['node', RUN_JS, module])):
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=MODULE_TIMEOUT)
            text = proc.stdout + proc.stderr
        except subprocess.TimeoutExpired:
            text = 'no result\n'
        with open(f'{module[:-5]}.{name}.txt', 'w') as f:
            f.write(text)
    with open(f'{module[:-5]}.why.txt', 'w') as f:
        f.write(detail + '\n')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    build = os.environ.get('ASTER_BUILD', 'build')
    parser.add_argument('--build', default=build, help='the build directory (default: $ASTER_BUILD or build)')
    parser.add_argument('--runner', help='our engine\'s runner (default: BUILD/host/wasm-diff-run)')
    parser.add_argument('--count', type=int, default=1000000)
    parser.add_argument('--seconds', type=float, default=60)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--size', type=int, default=4000, help='random bytes per module')
    args = parser.parse_args()
    build = os.path.join(ROOT, args.build)
    runner = os.path.abspath(args.runner or os.path.join(build, 'host', 'wasm-diff-run'))
    if not os.path.exists(runner):
        print(f'wasm_diff: {runner} is missing (make {os.path.relpath(runner, ROOT)})', file=sys.stderr)
        return 2
    workdir = os.path.join(build, 'wasm-diff')
    os.makedirs(workdir, exist_ok=True)
    counts = {'passed': 0, 'failed': 0, 'skipped': 0}
    deadline = time.monotonic() + args.seconds
    n = 0
    while n < args.count and time.monotonic() < deadline:
        modules = []
        for seed in range(args.seed + n, args.seed + min(n + BATCH, args.count)):
            module = generate(workdir, seed, args.size)
            if module:
                modules.append(module)
            else:
                counts['skipped'] += 1  # wasm-opt made nothing of these bytes
        n += BATCH
        for module, result, detail in check(runner, modules) if modules else ():
            counts[result] += 1
            if result == 'failed':
                print(f'seed {os.path.basename(module)[:-5]}: {detail}', flush=True)
                keep(workdir, module, detail, runner)
            else:
                os.remove(module)
    print(f'{counts["passed"]} passed, {counts["failed"]} failed, {counts["skipped"]} skipped')
    return 1 if counts['failed'] or not counts['passed'] else 0


if __name__ == '__main__':
    sys.exit(main())
