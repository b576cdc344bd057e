"""System tests boot the real kernel image in QEMU and check what it prints.

One image (build/kernel.elf, with every app linked in) serves all tests; each
test picks its apps and channels with boot arguments.
"""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tools'))
import qemu  # noqa: E402

KERNEL = os.path.join(ROOT, 'build', 'kernel.elf')


@pytest.fixture
def boot():
    if not os.path.exists(KERNEL):
        pytest.fail('build/kernel.elf is missing: run `make test`')

    def run(append=None, **kwargs):
        result = qemu.boot(KERNEL, append, **kwargs)
        print(result.output)  # shown when a test fails
        return result
    return run
