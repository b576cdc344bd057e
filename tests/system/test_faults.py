"""Fault containment in user mode: an app that faults is ended alone, with a
one-line report; its peers see its channels close; the kernel goes on."""
import re

import pytest

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
    'illegal': r'illegal instruction at pc [0-9a-f]+',
    'misaligned': r'(load|store) address misaligned at pc [0-9a-f]+',  # an AMO: QEMU says load
    'stack': r'store page fault at pc [0-9a-f]+ \(address 3e',
    'jump': r'instruction page fault at pc 4000 \(address 4000\)',
}


@pytest.mark.mode_specific
@pytest.mark.parametrize('fault', sorted(FAULTS))
def test_a_faulting_app_ends_alone(boot, fault):
    result = boot(SYSTEM.format(fault=fault), isolation='user', until='[echo_client] done', timeout=30)
    out = result.output
    assert f'[crasher] about to fail: {fault}' in out
    assert re.search(r'\[kernel\] ERROR: crasher ended: ' + FAULTS[fault], out), out
    assert 'still alive' not in out
    # its echo connection closed; the other client was served to the end
    assert re.search(r'\[echo\] client \d+ left', out)
    assert '[echo_client] reply: hello #3 from echo_client' in out
    assert 'KERNEL PANIC' not in out


@pytest.mark.mode_specific
def test_a_bad_system_call_argument_is_an_error_not_a_crash(boot):
    result = boot(SYSTEM.format(fault='bad_syscall'), isolation='user', until='[echo_client] done',
                  timeout=30)
    assert '[crasher] bad pointer: E_BAD_ADDRESS' in result.output
    assert '[crasher] still alive after "bad_syscall"' in result.output
