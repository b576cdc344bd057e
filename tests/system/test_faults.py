"""Fault containment in user mode: an app that faults is ended alone, with a
one-line report; its peers see its channels close; the kernel goes on."""
import os
import shutil

import pytest
from conftest import BUILD, has_line, match_line

SYSTEM = '''
[[app]]
name = "echo"
[[app]]
name = "crasher"
[app.config]
fault = "{fault}"
[[app]]
name = "echo_client"
[app.config]
greetings = 3
'''

FAULTS = {
    'load': r'load page fault at pc [0-9a-f]+ \(address ffffffff80200000\)',
    'store': r'store page fault at pc [0-9a-f]+ \(address 10\)',
    'illegal': r'illegal instruction at pc [0-9a-f]+ \(address [0-9a-f]+\)',
    'misaligned': r'(load|store) address misaligned at pc [0-9a-f]+ \(address [0-9a-f]+\)',  # an AMO: QEMU says load
    'stack': r'store page fault at pc [0-9a-f]+ \(address 3e[0-9a-f]+\)',
    'jump': r'instruction page fault at pc 4000 \(address 4000\)',
    'float': r'illegal instruction at pc [0-9a-f]+ \(address [0-9a-f]+\)',
}


@pytest.mark.mode_specific
@pytest.mark.parametrize('fault', sorted(FAULTS))
def test_a_faulting_app_ends_alone(boot, fault):
    result = boot(SYSTEM.format(fault=fault), isolation='user', until='[echo_client] done', timeout=30)
    out = result.output
    assert has_line(out, f'[crasher] about to fail: {fault}')
    assert match_line(out, r'\[kernel\] ERROR: crasher ended: ' + FAULTS[fault]), out
    assert 'still alive' not in out
    # its echo connection closed; the other client was served to the end
    assert match_line(out, r'\[echo\] client \d+ left')
    assert has_line(out, '[echo_client] reply: hello #3 from echo_client')
    assert 'KERNEL PANIC' not in out


@pytest.mark.mode_specific
def test_a_bad_system_call_argument_is_an_error_not_a_crash(boot):
    result = boot(SYSTEM.format(fault='bad_syscall'), isolation='user', until='[echo_client] done',
                  timeout=30)
    assert has_line(result.output, '[crasher] bad pointer: E_BAD_ADDRESS')
    assert has_line(result.output, '[crasher] still alive after "bad_syscall"')


ELF_CASES = {
    'truncated': (lambda elf: elf[:100], 'program headers outside file'),
    'not RISC-V': (lambda elf: elf[:18] + (62).to_bytes(2, 'little') + elf[20:], 'not RISC-V'),
    'bad magic': (lambda elf: b'\x7fELG' + elf[4:], 'bad magic'),
}


@pytest.mark.mode_specific
@pytest.mark.parametrize('case', sorted(ELF_CASES))
def test_a_bad_elf_file_is_refused_and_the_rest_runs(boot, tmp_path, case):
    elves = tmp_path / 'elves'
    shutil.copytree(os.path.join(BUILD, 'uapps'), elves)
    corrupt, reason = ELF_CASES[case]
    hello = elves / 'hello.elf'
    hello.write_bytes(corrupt(hello.read_bytes()))
    system = '[[app]]\nname = "hello"\n[[app]]\nname = "echo"\n[[app]]\nname = "echo_client"\n'
    result = boot(system, isolation='user', elves=str(elves), until='[echo_client] done', timeout=30)
    assert has_line(result.output, f'[kernel] ERROR: startup: hello: cannot load its ELF file: {reason}')
    assert '[hello]' not in result.output
    assert has_line(result.output, '[echo_client] reply: hello #3 from echo_client')
