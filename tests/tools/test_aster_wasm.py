"""Tests of build/host/aster-wasm, the host runner of WASI programs, and so
of the WASI layer (libs/wasi) it shares with the kernel: programs built with
wasi-libc (tests/wasi/*.c, apps/shout) read stdin, print, get their args and
environment, read files under --dir and nothing outside, get errors for
what is unsupported or out of bounds, and traps and bad modules are
reported."""
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNNER = os.path.join(ROOT, 'build', 'host', 'aster-wasm')
PROGRAMS = os.path.join(ROOT, 'build', 'wasi')
SHOUT = os.path.join(ROOT, 'build', 'wapps', 'shout.wasm')


def run(*args, stdin='', cwd=ROOT):
    if not os.path.exists(RUNNER):
        pytest.fail('build/host/aster-wasm is missing: run `make test`')
    return subprocess.run([RUNNER, *args], input=stdin, capture_output=True, text=True, cwd=cwd, timeout=60)


def program(name):
    return os.path.join(PROGRAMS, f'{name}.wasm')


def test_stdin_to_stdout_with_environment_and_arguments():
    result = run('--env', 'prefix=> ', SHOUT, 'one', 'two', stdin='abc\nxyz\n')
    assert result.returncode == 0, result.stderr
    assert result.stdout == '> ABC\n> XYZ\n'
    assert result.stderr == ('shout: argument 1: one\nshout: argument 2: two\n'
                             'shout: 2 lines, 8 bytes\n')


def test_arguments_environment_and_exit_status():
    result = run('--env', 'A=1', '--env', 'B=two words', program('args'), '7', 'x y')
    assert result.returncode == 7
    assert result.stdout == (f'argv[0] = {program("args")}\nargv[1] = 7\nargv[2] = x y\n'
                             'env A=1\nenv B=two words\n')


def test_files_are_read_only_and_confined_to_the_preopened_directory(tmp_path):
    (tmp_path / 'data').mkdir()
    (tmp_path / 'data' / 'text.txt').write_text('hello world, from a file\n')
    (tmp_path / 'secret.txt').write_text('outside')
    os.symlink(tmp_path / 'secret.txt', tmp_path / 'data' / 'link.txt')
    result = run('--dir', 'data', program('files'), 'data/text.txt', 'data/new.txt', cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        'size 25, bytes 6..9 "worl"',
        'write: Read-only file system',
        'create: Read-only file system',
        'escape: Capabilities insufficient',
        'clock monotonic, random ok',
    ]
    assert not (tmp_path / 'data' / 'new.txt').exists()
    for path in ('data/../secret.txt', 'data/link.txt', 'data/missing.txt'):
        result = run('--dir', 'data', program('files'), path, 'data/new.txt', cwd=tmp_path)
        assert result.returncode == 1
        assert result.stdout.startswith(f'open {path}: ')
        assert 'outside' not in result.stdout


def test_a_file_of_the_boot_file_system_through_shout():
    result = run('--dir', 'rootfs', '--env', 'file=rootfs/hello.txt', SHOUT)
    assert result.returncode == 0, result.stderr
    assert 'ASTER IS A USERSPACE-FIRST MICROKERNEL.\n' in result.stdout
    assert result.stderr.endswith('lines, 282 bytes\n')


def test_unsupported_calls_and_bad_pointers_are_errors():
    result = run(program('unsupported'))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        'fd_advise 52', 'path_create_directory 52', 'sock_shutdown 52', 'poll_oneoff 52',
        'fd_write far 21', 'args_sizes_get far 21', 'random_get far 21', 'fd_read bad fd 8',
    ]


def test_a_trap_is_reported():
    result = run(program('trap'))
    assert result.returncode == 1
    assert result.stdout == 'about to divide\n'
    assert result.stderr == 'aster-wasm: trap: integer divide by zero\n'


def test_bad_modules_are_refused(tmp_path):
    truncated = tmp_path / 'truncated.wasm'
    truncated.write_bytes(open(SHOUT, 'rb').read()[:100])
    result = run(str(truncated))
    assert result.returncode == 1
    assert result.stderr.startswith(f'aster-wasm: {truncated}: unexpected end')
    result = run(os.path.join(ROOT, 'build', 'wapps', 'echo.wasm'))
    assert result.returncode == 1
    assert 'an import is not WASI preview 1' in result.stderr
    result = run('--bogus')
    assert result.returncode == 2 and result.stderr.startswith('usage: aster-wasm')
