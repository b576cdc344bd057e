"""Wasm mode: traps end the app alone with a clear line; hand-written
malicious modules (bad pointers to every system call, an endless loop,
endless recursion, a huge memory.grow, bad imports, a malformed binary) end
alone or are refused, and the rest of the system keeps running.

A malicious module takes the place of the `hello` app's build in a copy of
BUILD/wapps, next to the echo demo, which must run to its end."""
import os
import shutil
import subprocess

import pytest
from conftest import BUILD, has_line, match_line

DEMO = '[[app]]\nname = "echo"\n[[app]]\nname = "echo_client"\n'

# (the crasher's fault, how the kernel reports it)
TRAPS = {
    'load': 'out of bounds memory access',      # the kernel's address, truncated: past the memory
    'illegal': 'unreachable',                   # __builtin_trap
    'stack': 'out of bounds memory access',     # the shadow stack runs below address 0
    'jump': 'undefined element',                # a call through a pointer no function has
}


@pytest.mark.mode_specific
@pytest.mark.parametrize('fault', sorted(TRAPS))
def test_a_trap_ends_the_app_alone(boot, fault):
    system = DEMO + f'[[app]]\nname = "crasher"\n[app.config]\nfault = "{fault}"\n'
    result = boot(system, isolation='wasm', until='[echo_client] done', timeout=30)
    out = result.output
    assert has_line(out, f'[crasher] about to fail: {fault}')
    assert has_line(out, f'[kernel] ERROR: crasher ended: wasm trap: {TRAPS[fault]}'), out
    assert 'still alive' not in out
    assert match_line(out, r'\[echo\] client \d+ left')
    assert has_line(out, '[echo_client] reply: hello #3 from echo_client')


@pytest.mark.mode_specific
def test_a_bad_pointer_is_an_error_not_a_trap(boot):
    system = DEMO + '[[app]]\nname = "crasher"\n[app.config]\nfault = "bad_syscall"\n'
    result = boot(system, isolation='wasm', until='[echo_client] done', timeout=30)
    assert has_line(result.output, '[crasher] bad pointer: E_BAD_ADDRESS')
    assert has_line(result.output, '[crasher] still alive after "bad_syscall"')


# System call numbers (libs/aster/include/aster/syscall.h) and values.
SYS = dict(LOG_WRITE=1, LOG_READ=2, CHANNEL_CREATE=5, CHANNEL_SEND=6, CHANNEL_RECV=7,
           POLL_CREATE=8, POLL_WAIT=12, THREAD_SPAWN=17, THREAD_EXIT=18, MEMORY_STATS=20,
           SERVICE_RECONNECT=22)
E_BAD_ADDRESS = -11
PAGE = 65536


def msginfo(kind, handles, length):
    return (kind << 16) | (handles << 14) | length


def syscall(n, *args):
    """A call of the import; the result stays on the stack."""
    args = list(args) + [0] * (5 - len(args))
    operands = ' '.join(a if isinstance(a, str) else f'(i64.const {a})' for a in args)
    return f'(call $sys {operands} (i64.const {SYS[n]}))'


def module(body, funcs='', data='', memory=2, extra=''):
    """A module shaped like our build's: aster.syscall, memory, stack
    pointer, function table, aster_start(env)."""
    return f'''(module
  (import "aster" "syscall" (func $sys (param i64 i64 i64 i64 i64 i64) (result i64)))
  {extra}
  (memory (export "memory") {memory})
  (global (export "__stack_pointer") (mut i32) (i32.const {PAGE}))
  (table (export "__indirect_function_table") 2 funcref)
  (func $log (param $at i32) (param $len i32)
    (drop {syscall('LOG_WRITE', '(i64.extend_i32_u (local.get $at))', '(i64.extend_i32_u (local.get $len))')}))
  (func $expect_bad (param $result i64)
    (if (i64.ne (local.get $result) (i64.const {E_BAD_ADDRESS})) (then unreachable)))
  {funcs}
  {data}
  (func (export "aster_start") (param $env i32) {body}))
'''


def bad_pointer_module():
    # Pointers past the end, in the null guard, straddling the end, and
    # negative ones, to every call that takes one. A valid channel pair's
    # handles are kept at 8192 and 8196; 8300 holds four valid bytes.
    # (the kernel grew the memory for the environment: ask it for its end)
    end = f'(i64.mul (i64.extend_i32_u (memory.size)) (i64.const {PAGE}))'
    calls = [syscall('CHANNEL_CREATE', 8192, 8196), 'drop']
    a = '(i64.load32_u (i32.const 8192))'
    b = '(i64.load32_u (i32.const 8196))'
    for bad in (0, 16, 4095, f'(i64.sub {end} (i64.const 2))', end, 0xfffffff0, -1, -4096):
        for n, args in (('LOG_WRITE', (bad, 16)), ('LOG_READ', (bad, 16)),
                        ('CHANNEL_CREATE', (bad, 8200)), ('CHANNEL_CREATE', (8200, bad)),
                        ('CHANNEL_SEND', (a, msginfo(5, 0, 64), bad, 0)),
                        ('CHANNEL_SEND', (a, msginfo(5, 1, 0), 0, bad)),
                        ('MEMORY_STATS', (bad,)), ('THREAD_SPAWN', (bad, 0)),
                        ('SERVICE_RECONNECT', (bad, 4))):
            calls.append(f'(call $expect_bad {syscall(n, *args)})')
        calls += [syscall('CHANNEL_SEND', a, msginfo(5, 0, 4), 8300, 0), 'drop',
                  f'(call $expect_bad {syscall("CHANNEL_RECV", b, bad, 64, 0)})',
                  # the message is still queued: a good buffer gets it
                  f'(if (i64.ne {syscall("CHANNEL_RECV", b, 8400, 64, 0)} (i64.const {msginfo(5, 0, 4)}))'
                  ' (then unreachable))']
    text = 'every bad pointer refused'
    return module('\n'.join(calls) + f'\n(call $log (i32.const 8500) (i32.const {len(text)}))',
                  data=f'(data (i32.const 8300) "data") (data (i32.const 8500) "{text}")')


def endless_loop_module():
    # A second thread spins forever; the first waits 30 ms and traps, which
    # ends the app: the spinning thread must end too (the supervisor
    # restarts the app only once all its threads are gone).
    poll = '(i64.load32_u (i32.const 8192))'
    return module(f'''
    (drop {syscall('THREAD_SPAWN', 1, 0)})
    (call $log (i32.const 8300) (i32.const 8))
    (i32.store (i32.const 8192) (i32.wrap_i64 {syscall('POLL_CREATE')}))
    (drop {syscall('POLL_WAIT', poll, 30_000_000)})
    unreachable''', funcs='(func $spin (param i32) (loop $forever (br $forever)))\n(elem (i32.const 1) $spin)',
                  data='(data (i32.const 8300) "spinning")')


def recursion_module():
    return module('(call $down)', funcs='(func $down (call $down))')


def huge_grow_module():
    text = 'memory.grow refused'
    return module(f'''
    (if (i32.ne (memory.grow (i32.const 65535)) (i32.const -1)) (then unreachable))
    (call $log (i32.const 8300) (i32.const {len(text)}))
    (i32.store (i32.const 0x7ffffff0) (i32.const 1))''', data=f'(data (i32.const 8300) "{text}")')


def bad_import_module():
    return module('', extra='(import "env" "open_door" (func))')


def wat_to_wasm(tmp_path, text, validate=True):
    source = tmp_path / 'module.wat'
    source.write_text(text)
    out = tmp_path / 'module.wasm'
    subprocess.run(['wat2wasm', str(source), '-o', str(out)] + ([] if validate else ['--no-check']),
                   check=True)
    return out.read_bytes()


def boot_with_hello(boot, tmp_path, wasm_bytes, restart='never', until='[echo_client] done', timeout=30):
    wapps = tmp_path / 'wapps'
    shutil.copytree(os.path.join(BUILD, 'wapps'), wapps)
    (wapps / 'hello.wasm').write_bytes(wasm_bytes)
    system = DEMO + f'[[app]]\nname = "hello"\nrestart = "{restart}"\n'
    result = boot(system, isolation='wasm', wasm=str(wapps), until=until, timeout=timeout)
    out = result.output
    assert 'KERNEL PANIC' not in out
    return out


@pytest.mark.mode_specific
def test_bad_pointers_to_every_system_call_are_refused(boot, tmp_path):
    out = boot_with_hello(boot, tmp_path, wat_to_wasm(tmp_path, bad_pointer_module()))
    assert has_line(out, '[hello] every bad pointer refused'), out
    assert 'hello ended' not in out
    assert has_line(out, '[echo_client] reply: hello #3 from echo_client')


@pytest.mark.mode_specific
def test_an_endless_loop_is_preempted_and_ended_with_its_app(boot, tmp_path):
    out = boot_with_hello(boot, tmp_path, wat_to_wasm(tmp_path, endless_loop_module()),
                          restart='on-failure', until='(restart 2)')
    assert has_line(out, '[hello] spinning')
    assert has_line(out, '[kernel] ERROR: hello ended: wasm trap: unreachable')
    # restarted twice: each time both threads, the spinner too, had ended
    assert match_line(out, r'\[kernel\] restarting hello \(restart 2\); free memory \d+ bytes')
    assert has_line(out, '[echo_client] reply: hello #3 from echo_client')


@pytest.mark.mode_specific
def test_endless_recursion_ends_the_app_alone(boot, tmp_path):
    out = boot_with_hello(boot, tmp_path, wat_to_wasm(tmp_path, recursion_module()))
    assert has_line(out, '[kernel] ERROR: hello ended: wasm trap: call stack exhausted'), out
    assert has_line(out, '[echo_client] reply: hello #3 from echo_client')


@pytest.mark.mode_specific
def test_a_huge_memory_grow_is_refused(boot, tmp_path):
    out = boot_with_hello(boot, tmp_path, wat_to_wasm(tmp_path, huge_grow_module()))
    assert has_line(out, '[hello] memory.grow refused'), out
    assert has_line(out, '[kernel] ERROR: hello ended: wasm trap: out of bounds memory access')
    assert has_line(out, '[echo_client] reply: hello #3 from echo_client')


@pytest.mark.mode_specific
def test_a_module_with_an_unknown_import_is_refused(boot, tmp_path):
    out = boot_with_hello(boot, tmp_path, wat_to_wasm(tmp_path, bad_import_module()))
    assert has_line(out, '[kernel] ERROR: hello ended: cannot start its Wasm module: it imports something '
                         'the kernel does not provide: env.open_door'), out
    assert has_line(out, '[echo_client] reply: hello #3 from echo_client')


@pytest.mark.mode_specific
@pytest.mark.parametrize('case', ['truncated', 'not wasm', 'invalid'])
def test_a_malformed_module_is_refused_at_startup(boot, tmp_path, case):
    good = (tmp_path / 'good.wasm')
    shutil.copy(os.path.join(BUILD, 'wapps', 'hello.wasm'), good)
    data = good.read_bytes()
    if case == 'truncated':
        data = data[:len(data) // 2]
    elif case == 'not wasm':
        data = b'\x7fELF' + data[4:]
    else:  # valid binary, invalid code: i32.add on an empty stack
        data = wat_to_wasm(tmp_path, module('i32.add drop'), validate=False)
    out = boot_with_hello(boot, tmp_path, data)
    assert match_line(out, r'\[kernel\] ERROR: startup: hello: cannot load its Wasm module: .+ \(at byte \d+\)'), out
    assert '[hello]' not in out
    assert has_line(out, '[echo_client] reply: hello #3 from echo_client')


# Modules that hold the CPU as long as they can, each beside the echo demo
# (timed by the client): work of every kind pays fuel, so the module is
# preempted like any app and the demo takes about as long as it does alone.
# (Before, a start function that looped froze the whole system, and a loop
# of 6 MB memory.fill took the demo from 0.1 s to 41 s.)
def straight_line_function(words):
    return '(func $long ' + ' '.join(['(drop (i32.add (i32.const 1) (i32.const 2)))'] * words) + ')'


def cpu_hog_modules():
    loop = '(loop $again {} (br $again))'
    return {
        'start function that loops': module('', funcs='(func $start (loop $l (br $l))) (start $start)'),
        'memory.fill of 6 MB': module(loop.format('(memory.fill (i32.const 0) (i32.const 7) (i32.const 6000000))'),
                                      memory=100),
        'memory.copy of 3 MB': module(loop.format(
            '(memory.copy (i32.const 0) (i32.const 3000000) (i32.const 3000000))'), memory=100),
        'straight-line code': module(loop.format('(call $long)'), funcs=straight_line_function(3000)),
        'table.fill': module(loop.format('(table.fill $big (i32.const 0) (ref.null func) (i32.const 200000))'),
                             extra='(table $big 200000 funcref)'),
        'memory.grow until refused': module(
            loop.format('(drop (memory.grow (i32.const 1)))'), memory=2),
    }


def echo_demo_ms(out):
    match = match_line(out, r'\[echo_client\] 3 greetings answered in (\d+) ms')
    assert match, out
    return int(match.group(1))


@pytest.mark.mode_specific
@pytest.mark.parametrize('hog', sorted(cpu_hog_modules()))
def test_a_module_cannot_hold_the_cpu(boot, tmp_path, hog):
    timed = DEMO + '[app.config]\ntimed = true\n'
    alone = echo_demo_ms(boot(timed, isolation='wasm', until='[echo_client] done', timeout=30).output)
    wasm = wat_to_wasm(tmp_path, cpu_hog_modules()[hog])
    wapps = tmp_path / 'wapps'
    shutil.copytree(os.path.join(BUILD, 'wapps'), wapps)
    (wapps / 'hello.wasm').write_bytes(wasm)
    result = boot(timed + '[[app]]\nname = "hello"\n', isolation='wasm', wasm=str(wapps),
                  until='[echo_client] done', timeout=60)
    out = result.output
    assert 'KERNEL PANIC' not in out
    beside = echo_demo_ms(out)
    # Each round trip may wait a time slice (10 ms) for the hog to be
    # preempted: a few slices more than alone, not seconds.
    print(f'echo demo: {alone} ms alone, {beside} ms beside {hog}')
    assert beside <= alone + 300, f'the echo demo took {beside} ms beside it, {alone} ms alone'
