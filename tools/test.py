#!/usr/bin/env python3
"""Runs every test and ends with one line: `N passed, N failed, N skipped`.

First the host unit tests (cmocka binaries given on the command line), the
Wasm engine's .wast conformance scripts, the wasm-mode app builds,
differential testing against Node, bounded fuzzing runs, then the tool and
system tests (pytest, booting QEMU). Exits non-zero if anything failed.

Every stage has a minimum number of results (passed or failed; fewer fails
the stage: a binary that ran no test, pytest collecting nothing, a fuzzer
that ran no input) and a time limit (a stage that exceeds it is killed
with all its processes and counts as a failure); pytest also limits each
test (--test-timeout, tests/conftest.py). Skips are counted and shown.
"""
import argparse
import glob
import os
import re
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Time limits in seconds.
UNIT_TIMEOUT = 300          # one cmocka binary
COUNTING_TIMEOUT = 300      # one .wast script, or wasm-check on all the apps
EXTRA_TIMEOUT = 300         # beyond the time asked of wasm_diff.py or a fuzzer
PYTEST_TIMEOUT = 1800       # one pytest run (a mode)
TEST_TIMEOUT = 300          # one pytest test (QEMU boots have their own, shorter ones)
# Minimum results of the pytest runs (tests/tools + tests/system in kernel
# mode, then tests/system without the mode_specific ones in user and wasm
# mode). Raise them as tests are added; with -k, any run may be empty but
# the system tests together must give at least one result.
PYTEST_MINIMUM = {'kernel': 180, 'user': 25, 'wasm': 25, 'vm': 25}
WASM_DIFF_MINIMUM = 100     # modules compared (about 1,500 in 30 s)

# Real inputs to start each fuzzer from (patterns under the build
# directory); a pattern that matches nothing fails the fuzzer's stage.
SEEDS = {'fuzz_fdt': ['host/virt.dtb'], 'fuzz_manifest': ['systems/system.img'],
         'fuzz_wasm': ['wasm/*.wasm']}


class Tally:
    """Results so far, and why each failed stage failed."""

    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.problems = []

    def add(self, label, passed, failed, skipped=0, minimum=1, problem=None):
        """Adds a stage's results. The stage fails (one more failure) when it
        reports a problem, or when it has fewer than `minimum` results
        (passed + failed) and reported no failure of its own."""
        if problem is None and passed + failed < minimum and not failed:
            problem = f'{passed + failed} results, at least {minimum} expected'
        if problem is not None:
            if not failed:
                failed = 1
            self.problems.append(f'{label}: {problem}')
            print(f'== {label}: FAILED: {problem}', flush=True)
        self.passed += passed
        self.failed += failed
        self.skipped += skipped


def run(command, timeout, env=None, capture=True):
    """Runs `command` in a process group of its own for at most `timeout`
    seconds. Returns (status, output, problem): problem is None, or says
    that the command could not start or timed out (then the whole group,
    children too, has been killed). output is '' unless captured."""
    try:
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE if capture else None,
                                stderr=subprocess.STDOUT if capture else None,
                                text=True, errors='replace', start_new_session=True)
    except OSError as e:
        return None, '', f'cannot run {command[0]}: {e.strerror}'
    try:
        out, _ = proc.communicate(timeout=timeout)
        return proc.returncode, out or '', None
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        return None, out or '', f'timed out after {timeout} s (killed)'
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise


def run_unit(tally, binary, env):
    """A cmocka binary: its PASSED and FAILED counts; a non-zero exit with
    no FAILED count (a sanitizer report, a crash) is one failure."""
    label = os.path.basename(binary)
    print(f'== {label}', flush=True)
    status, out, problem = run([binary], UNIT_TIMEOUT, env)
    print(out, end='', flush=True)
    passed = sum(int(m) for m in re.findall(r'\[  PASSED  \] (\d+) test', out))
    failed = sum(int(m) for m in re.findall(r'\[  FAILED  \] (\d+) test', out))
    if problem is None and status != 0 and failed == 0:
        problem = f'exit status {status} with no failed test reported'
    tally.add(label, passed, failed, problem=problem)


def run_fuzz(tally, binary, build, seconds):
    """A bounded libFuzzer run, seeded with real inputs where there are some;
    passes if it ran inputs and found no crash, leak or timeout."""
    name = os.path.basename(binary)
    corpus = os.path.join(build, 'fuzz', name)
    os.makedirs(corpus, exist_ok=True)
    print(f'== {name} ({seconds} s)', flush=True)
    for pattern in SEEDS.get(name, []):
        paths = glob.glob(os.path.join(build, pattern))
        if not paths:
            tally.add(name, 0, 1, problem=f'no seed matches {pattern} in {build}')
            return
        for path in paths:
            with open(path, 'rb') as src, open(os.path.join(corpus, os.path.basename(path)), 'wb') as dst:
                dst.write(src.read())
    status, out, problem = run([binary, f'-max_total_time={seconds}', '-seed=1', '-timeout=10',
                                f'-artifact_prefix={corpus}/', corpus], seconds + EXTRA_TIMEOUT)
    print('\n'.join(out.splitlines()[-3:]), flush=True)
    runs = re.search(r'^Done (\d+) runs', out, re.M)
    if problem is None and status != 0:
        problem = f'exit status {status} (the input is kept in {corpus}/)'
    elif problem is None and not (runs and int(runs.group(1)) > 0):
        problem = 'no inputs were run'
    tally.add(name, 0 if problem else 1, 0, problem=problem)


def run_counting(tally, command, label, minimum, timeout):
    """A tool whose last line is "N passed, N failed[, N skipped]": the
    engine's conformance runner on one wast2json script, wasm-check on the
    apps, wasm_diff.py. A non-zero exit with no failure counted is one."""
    status, out, problem = run(command, timeout)
    matches = re.findall(r'^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$', out, re.M)
    passed, failed, skipped = (int(n or 0) for n in matches[-1]) if matches else (0, 0, 0)
    print(f'== {label}: ' + (f'{passed} passed, {failed} failed, {skipped} skipped' if matches else 'no result'),
          flush=True)
    if problem is not None or status != 0 or not matches:
        print(out, end='', flush=True)
    if problem is None and not matches:
        problem = f'no "N passed, N failed" line (exit status {status})'
    elif problem is None and status != 0 and failed == 0:
        problem = f'exit status {status} with no failure counted'
    tally.add(label, passed, failed, skipped, minimum=minimum, problem=problem)


def run_pytest(tally, build, mode, paths, selection, minimum):
    """One pytest run with every app in `mode`, counted from its JUnit
    report."""
    label = f'tests-{mode}-mode'
    xml = os.path.join(build, f'{label}.xml')
    if os.path.exists(xml):
        os.remove(xml)
    cmd = [sys.executable, '-m', 'pytest', '-q', *paths, f'--junitxml={xml}', f'--test-timeout={TEST_TIMEOUT}']
    if selection:
        cmd += ['-k', selection]
    print(f'== {label}', flush=True)
    status, _, problem = run(cmd, PYTEST_TIMEOUT, dict(os.environ, ASTER_ISOLATION=mode), capture=False)
    if problem is None and not os.path.exists(xml):
        problem = f'no JUnit report (exit status {status})'
    if problem is not None:
        tally.add(label, 0, 1, problem=problem)
        return 0
    suite = ET.parse(xml).getroot()
    suite = suite if suite.tag == 'testsuite' else suite.find('testsuite')
    total = int(suite.get('tests', 0))
    failed = int(suite.get('failures', 0)) + int(suite.get('errors', 0))
    skipped = int(suite.get('skipped', 0))
    # 0: all passed, 1: some failed, 5: none collected (the minimum decides)
    if status not in (0, 1, 5) or (status == 1 and failed == 0):
        problem = f'pytest exit status {status}'
    tally.add(label, total - failed - skipped, failed, skipped, minimum=minimum, problem=problem)
    return total - skipped


def run_system(tally, build, selection):
    """The tool tests, then the system tests once with every app in kernel
    mode, once in user mode, once in wasm mode and once in vm mode (tests
    marked mode_specific run once)."""
    results = run_pytest(tally, build, 'kernel', ['tests/tools', 'tests/system'], selection,
                         0 if selection else PYTEST_MINIMUM['kernel'])
    for mode in ('user', 'wasm', 'vm'):
        results += run_pytest(tally, build, mode, ['tests/system', '-m', 'not mode_specific'], selection,
                              0 if selection else PYTEST_MINIMUM[mode])
    if selection and not results:
        tally.add(f'tests matching -k {selection}', 0, 1, problem='none ran')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
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
    tally = Tally()
    for binary in args.units:
        run_unit(tally, binary, env)
    for script in args.wasm_script:
        run_counting(tally, [args.wasm_runner, script], f'wasm {os.path.basename(script)}', 1, COUNTING_TIMEOUT)
    if args.wasm_app:
        run_counting(tally, [args.wasm_check, *args.wasm_app], 'wasm32 builds of the apps', len(args.wasm_app),
                     COUNTING_TIMEOUT)
    if args.wasm_diff:
        run_counting(tally, [sys.executable, os.path.join(ROOT, 'tools', 'wasm_diff.py'), '--build', build,
                             '--runner', args.wasm_diff, '--seconds', str(args.wasm_diff_seconds)],
                     f'differential testing against Node ({args.wasm_diff_seconds} s)', WASM_DIFF_MINIMUM,
                     args.wasm_diff_seconds + EXTRA_TIMEOUT)
    for binary in args.fuzz:
        run_fuzz(tally, binary, build, args.fuzz_seconds)
    run_system(tally, build, args.selection)
    for problem in tally.problems:
        print(f'FAILED: {problem}')
    print(f'{tally.passed} passed, {tally.failed} failed, {tally.skipped} skipped')
    sys.exit(1 if tally.failed else 0)


if __name__ == '__main__':
    main()
