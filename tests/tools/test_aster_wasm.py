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
# The build directory: `make BUILD=dir wasi-tests` and tools/test.py pass it
# as ASTER_BUILD (relative to the repository, or absolute).
BUILD = os.path.join(ROOT, os.environ.get('ASTER_BUILD') or 'build')
RUNNER = os.path.join(BUILD, 'host', 'aster-wasm')
PROGRAMS = os.path.join(BUILD, 'wasi')
SHOUT = os.path.join(BUILD, 'wapps', 'shout.wasm')


def run(*args, stdin='', cwd=ROOT):
    if not os.path.exists(RUNNER):
        pytest.fail(f'{RUNNER} is missing: run `make test` or `make wasi-tests`')
    return subprocess.run([RUNNER, *args], input=stdin, capture_output=True, text=True, cwd=cwd, timeout=60)


def program(name):
    return os.path.join(PROGRAMS, f'{name}.wasm')


def test_stdin_to_stdout_with_environment_and_arguments():
    result = run('--env', 'prefix=> ', SHOUT, 'one', 'two', stdin='abc\nxyz\n')
    assert result.returncode == 0, result.stderr
    assert result.stdout == '> ABC\n> XYZ\n'
    assert result.stderr == ('shout: argument 1: one\nshout: argument 2: two\n'
                             'shout: 2 lines, 8 bytes\n')


def test_lines_from_stdin_through_printf():
    result = run(program('upper'), stdin='hello\nWasi world\nno newline')
    assert result.returncode == 0, result.stderr
    assert result.stdout == '1: HELLO\n2: WASI WORLD\n3: NO NEWLINE3 lines, 27 bytes\n'
    assert result.stderr == ''
    result = run(program('upper'), stdin='')
    assert result.stdout == '0 lines, 0 bytes\n'


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
        'stat ok: size 25 and 25, regular',
        'pread 5 "hello", then at 0/25',
        'write: Read-only file system',
        'write-only: Read-only file system',
        'create: Read-only file system',
        'escape: Capabilities insufficient',
        'absolute: Capabilities insufficient',
        'write to a read-only descriptor: Bad file descriptor',
        'clock monotonic, resolution ok, random ok',
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
    assert result.stderr.endswith('lines, 294 bytes\n')


def test_unsupported_calls_and_bad_pointers_are_errors():
    result = run(program('unsupported'))
    assert result.returncode == 0, result.stderr
    unsupported = [
        'fd_advise', 'fd_allocate', 'fd_datasync', 'fd_fdstat_set_flags', 'fd_fdstat_set_rights',
        'fd_filestat_set_size', 'fd_filestat_set_times', 'fd_pwrite', 'fd_readdir', 'fd_renumber', 'fd_sync',
        'path_create_directory', 'path_filestat_set_times', 'path_link', 'path_readlink',
        'path_remove_directory', 'path_rename', 'path_symlink', 'path_unlink_file', 'poll_oneoff',
        'proc_raise', 'sock_accept', 'sock_recv', 'sock_send', 'sock_shutdown',
    ]
    assert result.stdout.splitlines() == [f'{name} 52' for name in unsupported] + [
        'fd_write far 21', 'fd_write good then far 21', 'fd_write far vector 21', 'fd_write far result 21',
        'fd_read wrapping length 21', 'args_sizes_get far 21', 'random_get far 21', 'fd_read bad fd 8',
        'fd_write to stdin 8', 'fd_close bad fd 8',
    ]  # nothing of "good then far" was written: the vector is checked first


def test_a_trap_is_reported():
    result = run(program('trap'))
    assert result.returncode == 1
    assert result.stdout == 'about to divide\n'
    assert result.stderr == 'aster-wasm: trap: integer divide by zero\n'


def test_a_trap_in_a_hand_made_module_is_reported(tmp_path):
    # (memory (export "memory") 1) (func (export "_start") unreachable)
    body = b'\x00\x00\x0b'  # no locals, unreachable, end
    code = section(10, b'\x01' + bytes([len(body)]) + body)
    exports = section(7, b'\x02' + name(b'memory') + b'\x02\x00' + name(b'_start') + b'\x00\x00')
    path = module(tmp_path, 'unreachable', TYPE_VOID + section(3, b'\x01\x00') + section(5, b'\x01\x00\x01')
                  + exports + code)
    result = run(path)
    assert result.returncode == 1
    assert result.stderr == 'aster-wasm: trap: unreachable\n'


def test_bad_modules_are_refused(tmp_path):
    truncated = tmp_path / 'truncated.wasm'
    truncated.write_bytes(open(SHOUT, 'rb').read()[:100])
    result = run(str(truncated))
    assert result.returncode == 1
    assert result.stderr.startswith(f'aster-wasm: {truncated}: unexpected end')
    # (import "env" "f" (func)): not WASI.
    other = module(tmp_path, 'other', TYPE_VOID + section(2, b'\x01' + name(b'env') + name(b'f') + b'\x00\x00'))
    result = run(other)
    assert result.returncode == 1
    assert 'an import is not WASI preview 1' in result.stderr
    # (import "wasi_snapshot_preview1" "fd_write" (func)): the wrong type.
    wrong = module(tmp_path, 'wrong', TYPE_VOID + section(
        2, b'\x01' + name(b'wasi_snapshot_preview1') + name(b'fd_write') + b'\x00\x00'))
    result = run(wrong)
    assert result.returncode == 1
    assert 'has the wrong type' in result.stderr
    result = run(module(tmp_path, 'empty', b''))
    assert result.returncode == 1
    assert 'not a WASI command' in result.stderr
    result = run(str(tmp_path / 'missing.wasm'))
    assert result.returncode == 1
    assert result.stderr == f'aster-wasm: {tmp_path}/missing.wasm: No such file or directory\n'
    result = run('--bogus')
    assert result.returncode == 2 and result.stderr.startswith('usage: aster-wasm')
    result = run('--dir')
    assert result.returncode == 2 and result.stderr.startswith('usage: aster-wasm')


def test_options_end_at_the_program_or_at_double_dash():
    result = run('--', program('args'), '--env', 'X=1')
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == ['argv[1] = --env', 'argv[2] = X=1']


# Hand-made binary modules for the load errors.
TYPE_VOID = bytes([1, 4, 1, 0x60, 0, 0])  # type section: one type, () -> ()


def name(text):
    return bytes([len(text)]) + text


def section(section_id, body):
    return bytes([section_id, len(body)]) + body


def module(tmp_path, stem, sections):
    path = tmp_path / f'{stem}.wasm'
    path.write_bytes(b'\0asm\x01\0\0\0' + sections)
    return str(path)
