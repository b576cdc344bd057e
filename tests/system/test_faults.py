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

ILLEGAL = r'illegal instruction at pc [0-9a-f]+ \(address [0-9a-f]+\)'
FAULTS = {
    'load': r'load page fault at pc [0-9a-f]+ \(address ffffffff80200000\)',
    'store': r'store page fault at pc [0-9a-f]+ \(address 10\)',
    'illegal': ILLEGAL,
    'misaligned': r'(load|store) address misaligned at pc [0-9a-f]+ \(address [0-9a-f]+\)',  # an AMO: QEMU says load
    'stack': r'store page fault at pc [0-9a-f]+ \(address 3e[0-9a-f]+\)',
    'jump': r'instruction page fault at pc 4000 \(address 4000\)',
    'float': ILLEGAL,
    # privileged instructions and CSRs
    'sret': ILLEGAL, 'wfi': ILLEGAL, 'satp': ILLEGAL, 'sfence': ILLEGAL, 'hstatus': ILLEGAL, 'mstatus': ILLEGAL,
}

# In vm mode the same faults are a guest's: guest-page faults with the
# guest-physical address, and virtual instructions for what the guest's
# supervisor mode may not do (the hypervisor traps them).
VIRTUAL = r'virtual instruction at pc [0-9a-f]+ \(guest address [0-9a-f]+\)'
GUEST_FAULTS = {
    'load': r'load guest-page fault at pc [0-9a-f]+ \(guest address ffffffff80200000\)',
    'store': r'store guest-page fault at pc [0-9a-f]+ \(guest address 10\)',
    'illegal': r'illegal instruction at pc [0-9a-f]+ \(guest address [0-9a-f]+\)',
    'misaligned': r'(load|store) address misaligned at pc [0-9a-f]+ \(guest address [0-9a-f]+\)',
    'stack': r'store guest-page fault at pc [0-9a-f]+ \(guest address 3e[0-9a-f]+\)',
    'jump': r'instruction guest-page fault at pc 4000 \(guest address 4000\)',
    'float': r'illegal instruction at pc [0-9a-f]+ \(guest address [0-9a-f]+\)',
    'sret': VIRTUAL, 'wfi': VIRTUAL, 'sfence': VIRTUAL, 'hstatus': VIRTUAL,
    'mstatus': r'illegal instruction at pc [0-9a-f]+ \(guest address [0-9a-f]+\)',
    # (its own satp, vsatp, is the guest's to set: see test_vm_guest_may_set_its_own_satp)
}


@pytest.mark.mode_specific
@pytest.mark.parametrize('mode, fault', [('user', f) for f in sorted(FAULTS)] + [('vm', f) for f in sorted(GUEST_FAULTS)])
def test_a_faulting_app_ends_alone(boot, mode, fault):
    result = boot(SYSTEM.format(fault=fault), isolation=mode, until='[echo_client] done', timeout=30)
    out = result.output
    assert has_line(out, f'[crasher] about to fail: {fault}')
    expected = (FAULTS if mode == 'user' else GUEST_FAULTS)[fault]
    assert match_line(out, r'\[kernel\] ERROR: crasher ended: ' + expected), out
    assert 'still alive' not in out
    # its echo connection closed; the other client was served to the end
    assert match_line(out, r'\[echo\] client \d+ left')
    assert has_line(out, '[echo_client] reply: hello #3 from echo_client')
    assert 'KERNEL PANIC' not in out


@pytest.mark.mode_specific
def test_vm_guest_may_set_its_own_satp(boot):
    # In vm mode the app's supervisor CSRs are its VM's own (switched with
    # its vCPU): writing satp (its vsatp) changes nothing outside it.
    result = boot(SYSTEM.format(fault='satp'), isolation='vm', until='[echo_client] done', timeout=30)
    assert has_line(result.output, '[crasher] still alive after "satp"'), result.output
    assert has_line(result.output, '[echo_client] reply: hello #3 from echo_client')


@pytest.mark.mode_specific
@pytest.mark.parametrize('mode', ['user', 'vm'])
def test_a_bad_system_call_argument_is_an_error_not_a_crash(boot, mode):
    result = boot(SYSTEM.format(fault='bad_syscall'), isolation=mode, until='[echo_client] done',
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
