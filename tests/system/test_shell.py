"""The shell (apps/shell) on the serial console of the default system
(system.toml), typed into from Python as a person would: the console server
takes the keys through the UART's interrupt, the shell edits the line and
runs each command as apps spawned at run time."""
import os
import re
import subprocess
import time

import pytest
import qemu
from conftest import ROOT, has_line, lines_matching

pytestmark = pytest.mark.mode_specific  # each app runs in the mode system.toml or the command gives

HELLO = open(os.path.join(ROOT, 'rootfs', 'hello.txt')).read()
ASTER_LINES = str(sum('aster' in line for line in HELLO.splitlines()))


def test_a_pipeline_typed_at_the_prompt(shell):
    s = shell()
    assert has_line(s.run('cat /hello.txt | grep aster | wc -l'), ASTER_LINES)
    assert has_line(s.run('echo $?'), '0')
    # the same through '<' and the UNIX forms of each app's arguments
    assert has_line(s.run('grep aster < /hello.txt | wc -w'),
                    str(sum(len(l.split()) for l in HELLO.splitlines() if 'aster' in l)))
    out = s.run('cat /hello.txt | head -n 2')
    assert out.splitlines() == HELLO.splitlines()[:2]
    # grep's status as in UNIX: 1 when nothing matched
    assert s.run('grep no-such-words < /hello.txt') == ''
    assert has_line(s.run('echo $?'), '1')


def test_stages_in_three_modes(shell):
    s = shell()
    for line in ('cat /hello.txt --mode=user | grep aster --mode=wasm | wc -l --mode=vm',
                 'cat /hello.txt --mode=wasm | grep aster --mode=vm | wc -l --mode=user',
                 'cat /hello.txt --mode=vm | grep aster --mode=kernel | wc -l --mode=wasm'):
        assert has_line(s.run(line), ASTER_LINES), line


def test_ps_lists_every_app_with_its_mode(shell):
    s = shell()
    s.run('spinner --mode=user &')
    s.run('yes --mode=wasm | head -n 1 --mode=vm')
    out = s.run('ps')
    rows = {m.group(2): m.group(3) for m in lines_matching(out, r'\s*(\d+)\s+(\S+)\s+(\S+)\s+(running|ending)\s+\d+\s+\d+\s+\d+K')}
    for name in ('fs', 'shell', 'echo'):
        assert rows.get(name) == 'kernel', (name, out)
    assert rows.get('console') == 'user', out  # the driver, in user mode as system.toml says
    assert rows.get('spinner') == 'user', out
    assert 'yes' not in rows and 'head' not in rows, 'a finished job left apps behind:\n' + out
    assert has_line(s.run('jobs'), '[1] running: spinner --mode=user &')
    s.run('kill 1')
    for _ in range(50):  # the background job's end is reported at once, or by the next command
        if '[1] done, status 130' in s.output:
            break
        s.run('')
    assert '[1] done, status 130: spinner --mode=user &' in s.output
    assert 'spinner' not in s.run('ps')


def test_ctrl_c_ends_the_foreground_job(shell):
    s = shell()
    # head takes three lines and ends; its endless producer sees its reader go
    out = s.run('yes | head -n 3')
    assert out.splitlines() == ['y', 'y', 'y'], out
    # an endless producer and an endless computation, each ended by Ctrl-C
    for line in ('yes aster', 'spinner --mode=user', 'spinner --mode=wasm'):
        s.send(line + '\r')
        time.sleep(1.0)
        s.send('\x03')
        s.expect('\n' + s.PROMPT, timeout=30)
        assert has_line(s.run('echo $?'), '130'), line
    assert 'yes' not in s.run('ps')


def test_ctrl_c_ends_a_producer_that_outlives_head(shell):
    # cat copies the terminal and never ends by itself; head takes three
    # lines and ends; cat waits on for input until Ctrl-C ends it, and then
    # the prompt comes back
    s = shell()
    s.send('cat | head -n 3\r')
    for word in ('one', 'two', 'three'):
        time.sleep(0.3)
        s.send(word + '\r')
        s.expect(f'{word}\n{word}\n', timeout=30)  # the echo of the typed line, then head's copy
    time.sleep(1.0)
    assert s.PROMPT not in s.output[s.seen:], 'the job ended before cat did'
    s.send('\x03')
    s.expect('\n' + s.PROMPT, timeout=30)
    assert has_line(s.run('echo $?'), '0')  # the last stage's status: head's
    assert 'cat' not in s.run('ps')


def test_mistakes_get_one_clear_line(shell):
    s = shell()
    assert s.run('nosuchapp --flag').strip() == 'shell: nosuchapp: no such app in this system'
    assert has_line(s.run('echo $?'), '127')
    assert s.run('cat /hello.txt --mode=fast').strip() == \
        "shell: cat: bad mode 'fast' (--mode=kernel, user, wasm or vm)"
    assert s.run('cat /hello.txt |').strip() == "shell: a '|' needs a command on each side"
    assert s.run('true extra').strip() == 'shell: true takes no arguments'
    assert s.run('head lines=many').strip() == 'shell: head: \'lines\' is an integer, and "many" is not one'
    assert s.run('cat < /missing.txt').strip() == 'shell: /missing.txt: not found'
    # a stage that faults: the kernel's report, then the shell's one line
    out = s.run('cat /hello.txt | crasher | wc -l')
    assert has_line(out, 'shell: crasher: ended by a fault (see the log above)'), out
    assert re.search(r'\[kernel\] ERROR: crasher ended: store page fault', out), out
    # and the shell goes on
    assert has_line(s.run('cat /hello.txt | grep aster | wc -l'), ASTER_LINES)


def test_line_editing_and_history(shell):
    s = shell()
    s.run('echo first')
    s.run('echo second')
    # Up twice: the line before last, run again
    assert has_line(s.run('\x1b[A\x1b[A'), 'first')
    # Left twice, then insert; Backspace; Home and insert at the start
    # (not Ctrl-A: QEMU's console keeps that key for itself)
    assert has_line(s.run('echo abd\x1b[D\x1b[Dc'), 'acbd')
    assert has_line(s.run('echo abcc\x7f'), 'abc')
    assert has_line(s.run('cho start\x1b[He'), 'start')
    # Ctrl-C drops the line being typed
    s.send('echo never\x03')
    s.expect('\n' + s.PROMPT)
    assert 'never\n' not in s.output


def test_typed_input_reaches_the_foreground_job(shell):
    s = shell()
    s.send('grep aster\r')
    time.sleep(0.3)
    s.send('one line\r')
    s.expect('one line\n')  # its echo; grep keeps nothing of it
    s.send('aster here\r')
    s.expect('aster here\naster here\n')  # the echo, then grep's line
    s.send('\x04')  # Ctrl-D: the end of its input
    s.expect(s.PROMPT)  # (right after grep's line)
    assert s.output.count('one line') == 1
    assert has_line(s.run('echo $?'), '0')


def test_a_wasi_program_in_a_pipeline(shell):
    s = shell()
    out = s.run('cat /hello.txt | shout --loud | grep ASTER')
    assert has_line(out, HELLO.splitlines()[1].upper()), out


def test_wasi_programs_from_the_file_system(shell):
    s = shell()
    assert s.run('ls /bin').splitlines() == ['sort.wasm', 'upper.wasm']
    assert s.run('ls').splitlines() == ['bin/', 'hello.txt']
    # by its path, '<' a file, in a pipeline, with arguments
    assert has_line(s.run('/bin/upper.wasm < /hello.txt | wc -l'), str(len(HELLO.splitlines())))
    assert s.run('cat /hello.txt | /bin/sort.wasm | head -n 2').splitlines() == sorted(HELLO.splitlines())[:2]
    assert s.run('/bin/sort.wasm -r /hello.txt').splitlines() == sorted(HELLO.splitlines(), reverse=True)
    assert s.run('/bin/upper.wasm /hello.txt | grep MICROKERNEL').splitlines() == \
        [l.upper() for l in HELLO.splitlines() if 'MICROKERNEL' in l.upper()]
    # its exit status, and its stderr in the log under its name
    out = s.run('/bin/sort.wasm /missing.txt')
    assert has_line(out, '[sort] sort: /missing.txt: No such file or directory'), out
    assert has_line(s.run('echo $?'), '1')
    # mistakes: no such file, a mode other than wasm
    assert s.run('/bin/nope.wasm').strip() == 'shell: /bin/nope.wasm: no such file'
    assert has_line(s.run('echo $?'), '127')
    assert s.run('/bin/sort.wasm --mode=user').strip() == \
        'shell: /bin/sort.wasm: a program from the file system runs in wasm mode'


def test_a_broken_module_is_refused_clearly(shell, tmp_path):
    (tmp_path / 'bin').mkdir()
    (tmp_path / 'bin' / 'broken.wasm').write_bytes(b'\0asm\1\0\0\0\x01\xff')
    s = shell(rootfs=[os.path.join(ROOT, 'rootfs'), str(tmp_path)])
    out = s.run('/bin/broken.wasm < /hello.txt | wc -l')
    assert re.fullmatch(r'shell: broken: cannot load its Wasm module: .* \(at byte \d+\)', out.strip()), out
    assert has_line(s.run('cat /hello.txt | grep aster | wc -l'), ASTER_LINES)


def test_two_hundred_apps_leave_memory_where_it_was(shell):
    s = shell()
    s.run('true')  # the first spawn makes what stays (slab pages)
    before = s.run('mem')
    for _ in range(200):
        s.run('true --mode=user')
    after = s.run('mem')
    free = [int(re.search(r'free (\d+) bytes', text).group(1)) for text in (before, after)]
    assert free[0] == free[1], (before, after)


def test_exit_powers_off(shell):
    s = shell()
    s.send('exit\r')
    assert s.wait_exit(30) == 0


SYSTEM = open(os.path.join(ROOT, 'system.toml')).read()


@pytest.mark.parametrize('mode', ['kernel', 'vm'])
def test_the_console_driver_in_kernel_and_vm_mode(shell, mode):
    # the same driver (user mode by default), in the kernel's address space
    # or in a VM's, its interrupt delivered as an event
    s = shell(SYSTEM.replace('isolation = "user"\n', f'isolation = "{mode}"\n', 1))
    assert has_line(s.run('cat /hello.txt | grep aster | wc -l'), ASTER_LINES)
    assert any(l.split()[1:3] == ['console', mode] for l in s.run('ps').splitlines()[1:])


def test_a_wasm_driver_is_refused_clearly(boot):
    # wasm code cannot reach device registers: the driver says so and ends
    result = boot(SYSTEM.replace('isolation = "user"\n', 'isolation = "wasm"\n', 1),
                  isolation=False, until='[shell]', linger=1)
    assert has_line(result.output, '[console] ERROR: cannot drive the serial port: E_NOT_SUPPORTED')
    assert has_line(result.output, '[shell] ERROR: the console is gone')


def test_the_default_system_serves_the_web(shell):
    # make run's system: curl on the host reaches http_server through the
    # forwarded port, while the shell runs beside it
    port = qemu.free_port()
    s = shell(forwards=[(port, 80)])
    url = f'http://127.0.0.1:{port}'
    curl = subprocess.run(['curl', '-s', '--max-time', '30', url + '/'], capture_output=True)
    assert b'<h1>Aster</h1>' in curl.stdout, curl
    status = subprocess.run(['curl', '-s', '--max-time', '30', url + '/status'],
                            capture_output=True).stdout.decode()
    for app, mode in (('virtio_net', 'user'), ('tcpip', 'kernel'), ('http_server', 'kernel'), ('shell', 'kernel')):
        assert lines_matching(status, rf'{app}\s+{mode}\s+running\s+.*'), status
    assert has_line(s.run('echo still here'), 'still here')
