#!/usr/bin/env python3
"""Differential testing of the Wasm engine: random valid modules from
binaryen's `wasm-opt -ttf` (translate random bytes to a module) run in our
engine (build/host/wasm-diff-run) and in Node's (tests/wasm/diff/run.js);
the traces of import calls and export results must be equal. A run where
either side exhausted its stack or our fuel ran out is inconclusive
(skipped): the engines' limits differ. On a mismatch the module and both
traces are kept under build/wasm-diff/. Ends with `N passed, N failed,
N skipped`.

Features: MVP, sign extension, mutable globals, non-trapping conversions,
bulk memory, multi-value. (Reference types are left out: binaryen 108
emits typed function references with them; the .wast suite covers them.)
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FEATURES = ['--mvp-features', '--enable-sign-ext', '--enable-mutable-globals',
            '--enable-nontrapping-float-to-int', '--enable-bulk-memory', '--enable-multivalue']


def plan_of(trace):
    plan = []
    for line in trace.splitlines():
        if line.startswith('plan '):
            words = line.split()[1:]
            colon = words.index(':')
            plan.append({'name': words[0], 'params': words[1:colon], 'results': words[colon + 1:]})
    return plan


def one(runner, workdir, seed, size):
    rng = random.Random(seed)
    raw = os.path.join(workdir, f'{seed}.bin')
    module = os.path.join(workdir, f'{seed}.wasm')
    with open(raw, 'wb') as f:
        f.write(bytes(rng.getrandbits(8) for _ in range(size)))
    gen = subprocess.run(['wasm-opt', '-ttf', raw, '-o', module] + FEATURES, capture_output=True, text=True)
    if gen.returncode != 0:
        return 'skipped', 'wasm-opt failed'
    ours = subprocess.run([runner, module], capture_output=True, text=True, timeout=120)
    if ours.returncode != 0:
        return 'failed', f'our engine refused a valid module:\n{ours.stdout}{ours.stderr}'
    plan_file = os.path.join(workdir, f'{seed}.plan.json')
    with open(plan_file, 'w') as f:
        json.dump(plan_of(ours.stdout), f)
    node = subprocess.run(['node', os.path.join(ROOT, 'tests', 'wasm', 'diff', 'run.js'), module, plan_file],
                          capture_output=True, text=True, timeout=120)
    a, b = ours.stdout.strip().splitlines(), node.stdout.strip().splitlines()
    if any(l.endswith((' exhausted', ' timeout')) for l in a + b):
        return 'skipped', 'stack or fuel limit'
    if a != b:
        return 'failed', f'traces differ (module {module}):\n' + diff(a, b)
    for path in (raw, module, plan_file):
        os.remove(path)
    return 'passed', ''


def diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f'  line {i + 1}: ours {x!r}\n           node {y!r}'
    return f'  lengths differ: ours {len(a)} lines, node {len(b)} lines'


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--runner', default=os.path.join(ROOT, 'build', 'host', 'wasm-diff-run'))
    parser.add_argument('--count', type=int, default=1000000)
    parser.add_argument('--seconds', type=float, default=60)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--size', type=int, default=4000, help='random bytes per module')
    args = parser.parse_args()
    workdir = os.path.join(ROOT, 'build', 'wasm-diff')
    os.makedirs(workdir, exist_ok=True)
    counts = {'passed': 0, 'failed': 0, 'skipped': 0}
    deadline = time.monotonic() + args.seconds
    for n in range(args.count):
        if time.monotonic() > deadline:
            break
        result, detail = one(args.runner, workdir, args.seed + n, args.size)
        counts[result] += 1
        if result == 'failed':
            print(f'seed {args.seed + n}: {detail}', flush=True)
    print(f'{counts["passed"]} passed, {counts["failed"]} failed, {counts["skipped"]} skipped')
    return 1 if counts['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
