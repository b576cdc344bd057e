"""Booting Aster under QEMU, shared by `make run`, the system tests and the
benchmarks.

The machine is QEMU's riscv64 `virt` board with OpenSBI (-bios default). The
kernel ends a run through the sifive_test device: QEMU exits with status 0
for success or with the code the kernel chose.
"""
import os
import subprocess
import sys
import time

QEMU = 'qemu-system-riscv64'


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The build directory: $ASTER_BUILD (relative to ROOT, or absolute; make
# and tools/test.py set it from BUILD / --build), else build/.
BUILD = os.path.join(ROOT, os.environ.get('ASTER_BUILD') or 'build')


def build_image(system, out, rootfs=(), isolation=None, elves=None, wasm=None):
    """Checks a system.toml and builds its boot image with tools/mkimage.py
    (user-mode builds from `elves`, wasm-mode builds from `wasm`, by default
    those of BUILD). Raises ImageError with the tool's `file:line: message`
    output on mistakes."""
    cmd = [sys.executable, os.path.join(ROOT, 'tools', 'mkimage.py'), '--system', system,
           '--apps', os.path.join(ROOT, 'apps'), '--out', out,
           '--elves', elves or os.path.join(BUILD, 'uapps'),
           '--wasm', wasm or os.path.join(BUILD, 'wapps')]
    for root in rootfs or [os.path.join(ROOT, 'rootfs')]:
        cmd += ['--rootfs', root]
    if isolation:
        cmd += ['--isolation', isolation]
    os.makedirs(os.path.dirname(out) or '.', exist_ok=True)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise ImageError(proc.stderr.strip())
    return out


class ImageError(Exception):
    pass


def qemu_command(kernel, append=None, icount=False, memory='128M', initrd=None):
    cmd = [QEMU, '-machine', 'virt', '-cpu', 'rv64', '-smp', '1', '-m', memory,
           '-bios', 'default', '-kernel', kernel, '-nographic', '-no-reboot']
    if initrd:
        cmd += ['-initrd', initrd]
    if append:
        cmd += ['-append', append]
    if icount:
        cmd += ['-icount', 'shift=0,sleep=off', '-seed', '1']
    return cmd


class Boot:
    """One finished QEMU run: its exit status and the serial output."""

    def __init__(self, status, output, timed_out):
        self.status = status
        self.output = output
        self.timed_out = timed_out

    def lines(self, prefix=''):
        return [l for l in self.output.splitlines() if l.startswith(prefix)]

    def __repr__(self):
        return f'Boot(status={self.status}, timed_out={self.timed_out})'


def boot(kernel, initrd=None, timeout=30, icount=False, until=None, memory='128M', append=None, linger=0):
    """Boots the kernel with a boot image and waits for it to power off, for
    `until` (a string) to appear in the output, the rest of its line too,
    and then `linger` seconds more (to see what follows it, or that nothing
    does), or for the timeout. QEMU never outlives the call, even when it
    is interrupted."""
    cmd = qemu_command(kernel, append, icount, memory, initrd)
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        os.set_blocking(proc.stdout.fileno(), False)
        output = b''
        deadline = time.monotonic() + timeout
        seen = None  # when `until` appeared
        timed_out = False
        while True:
            chunk = proc.stdout.read()
            if chunk:
                output += chunk
                at = output.find(until.encode()) if until and seen is None else -1
                if at >= 0 and b'\n' in output[at + len(until):]:
                    seen = time.monotonic()
            if seen is not None and time.monotonic() >= seen + linger:
                break
            if proc.poll() is not None:
                output += proc.stdout.read() or b''
                break
            if time.monotonic() > deadline:
                timed_out = True
                break
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    text = output.decode('utf-8', 'replace').replace('\r\n', '\n')
    return Boot(proc.returncode, text, timed_out)
