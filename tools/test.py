#!/usr/bin/env python3
"""Runs every test and ends with one line: `N passed, N failed`.

First the host unit tests (cmocka binaries given on the command line), the
Wasm engine's .wast conformance scripts, bounded fuzzing runs, then the tool
and system tests (pytest, booting QEMU). Exits non-zero if anything failed.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET


def run_unit(binary, env):
    print(f'== {os.path.basename(binary)}', flush=True)
    proc = subprocess.run([binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors='replace')
    print(proc.stdout, end='', flush=True)
    passed = sum(int(m) for m in re.findall(r'\[  PASSED  \] (\d+) test', proc.stdout))
    failed = sum(int(m) for m in re.findall(r'\[  FAILED  \] (\d+) test', proc.stdout))
    if proc.returncode != 0 and failed == 0:
        failed = 1  # crashed (a sanitizer report) or failed outside a test
    return passed, failed


# Real inputs to start each fuzzer from (patterns under the build directory).
SEEDS = {'fuzz_fdt': ['host/virt.dtb'], 'fuzz_manifest': ['systems/system.img'],
         'fuzz_wasm': ['wasm/*.wasm']}


def run_fuzz(binary, build, seconds):
    """A bounded libFuzzer run, seeded with real inputs where there are some;
    passes if it finds no crash, leak or timeout."""
    name = os.path.basename(binary)
    corpus = os.path.join(build, 'fuzz', name)
    os.makedirs(corpus, exist_ok=True)
    for pattern in SEEDS.get(name, []):
        for path in glob.glob(os.path.join(build, pattern)):
            with open(path, 'rb') as src, open(os.path.join(corpus, os.path.basename(path)), 'wb') as dst:
                dst.write(src.read())
    print(f'== {name} ({seconds} s)', flush=True)
    proc = subprocess.run([binary, f'-max_total_time={seconds}', '-seed=1', '-timeout=10',
                           f'-artifact_prefix={corpus}/', corpus],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors='replace')
    print('\n'.join(proc.stdout.splitlines()[-3:]), flush=True)
    return (1, 0) if proc.returncode == 0 else (0, 1)


def run_counting(command, label):
    """A tool that ends with "N passed, N failed[, N skipped]": the engine's
    conformance runner on one wast2json script, or wasm-check on the apps."""
    proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors='replace')
    match = re.search(r'(\d+) passed, (\d+) failed', proc.stdout)
    print(f'== {label}: {match.group(0) if match else "no result"}', flush=True)
    if proc.returncode != 0 or not match:
        print(proc.stdout, end='', flush=True)
    if not match:
        return 0, 1
    failed = int(match.group(2)) + (1 if proc.returncode != 0 and int(match.group(2)) == 0 else 0)
    return int(match.group(1)), failed


def run_pytest(build, name, paths, selection, env):
    """One pytest run; returns (passed, failed) from its JUnit report."""
    xml = os.path.join(build, f'{name}.xml')
    if os.path.exists(xml):
        os.remove(xml)
    cmd = [sys.executable, '-m', 'pytest', '-q', *paths, f'--junitxml={xml}']
    if selection:
        cmd += ['-k', selection]
    print(f'== {name}', flush=True)
    proc = subprocess.run(cmd, env=env)
    if not os.path.exists(xml):
        return 0, 1
    suite = ET.parse(xml).getroot()
    suite = suite if suite.tag == 'testsuite' else suite.find('testsuite')
    total = int(suite.get('tests', 0))
    failed = int(suite.get('failures', 0)) + int(suite.get('errors', 0))
    skipped = int(suite.get('skipped', 0))
    if proc.returncode not in (0, 1, 5) and failed == 0:
        failed = 1
    return total - failed - skipped, failed


def run_system(build, selection):
    """The tool tests, then the system tests once with every app in kernel
    mode, once in user mode and once in wasm mode (tests marked
    mode_specific run once)."""
    passed, failed = run_pytest(build, 'tests-kernel-mode', ['tests/tools', 'tests/system'], selection,
                                dict(os.environ, ASTER_ISOLATION='kernel'))
    for mode in ('user', 'wasm'):
        p, f = run_pytest(build, f'tests-{mode}-mode', ['tests/system', '-m', 'not mode_specific'],
                          selection, dict(os.environ, ASTER_ISOLATION=mode))
        passed, failed = passed + p, failed + f
    return passed, failed


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--build', default='build')
    parser.add_argument('-k', dest='selection', help='only system tests matching this')
    parser.add_argument('--fuzz', action='append', default=[], help='a libFuzzer binary')
    parser.add_argument('--fuzz-seconds', type=int, default=10)
    parser.add_argument('--wasm-runner', help='the engine conformance runner')
    parser.add_argument('--wasm-script', action='append', default=[], help='a wast2json script')
    parser.add_argument('--wasm-check', help='the tool that loads wasm-mode app builds')
    parser.add_argument('--wasm-app', action='append', default=[], help='a wasm-mode app build')
    parser.add_argument('--wasm-diff', help='the differential-testing runner (tools/wasm_diff.py)')
    parser.add_argument('--wasm-diff-seconds', type=int, default=30)
    parser.add_argument('units', nargs='*')
    args = parser.parse_args()
    # Every tool and test finds the build directory in ASTER_BUILD.
    build = os.path.abspath(args.build)
    os.environ['ASTER_BUILD'] = build
    env = dict(os.environ, FDT_VIRT_DTB=os.path.join(build, 'host', 'virt.dtb'),
               ASTER_SAMPLE_ELF=os.path.join(build, 'uapps', 'hello.elf'))
    passed = failed = 0
    for binary in args.units:
        p, f = run_unit(binary, env)
        passed, failed = passed + p, failed + f
    for script in args.wasm_script:
        p, f = run_counting([args.wasm_runner, script], f'wasm {os.path.basename(script)}')
        passed, failed = passed + p, failed + f
    if args.wasm_app:
        p, f = run_counting([args.wasm_check, *args.wasm_app], 'wasm32 builds of the apps')
        passed, failed = passed + p, failed + f
    if args.wasm_diff:
        p, f = run_counting([sys.executable, os.path.join(os.path.dirname(__file__), 'wasm_diff.py'),
                             '--build', build, '--runner', args.wasm_diff,
                             '--seconds', str(args.wasm_diff_seconds)],
                            f'differential testing against Node ({args.wasm_diff_seconds} s)')
        passed, failed = passed + p, failed + f
    for binary in args.fuzz:
        p, f = run_fuzz(binary, args.build, args.fuzz_seconds)
        passed, failed = passed + p, failed + f
    p, f = run_system(args.build, args.selection)
    passed, failed = passed + p, failed + f
    print(f'{passed} passed, {failed} failed')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
