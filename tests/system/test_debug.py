"""`make debug`: QEMU waits for gdb, which stops in kernel_main with symbols."""
import os
import subprocess

import pytest

from conftest import KERNEL, ROOT, match_line


@pytest.mark.mode_specific
def test_debug_session_stops_in_kernel_main():
    commands = 'bt\nkill\nquit\n'
    proc = subprocess.run(['sh', os.path.join(ROOT, 'tools', 'debug.sh'), KERNEL], input=commands,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    out = proc.stdout + proc.stderr
    print(out)
    assert match_line(out, r'Breakpoint 1, kernel_main \(hart_id=0, fdt_paddr=\d+\) at kernel/main\.c:\d+')
