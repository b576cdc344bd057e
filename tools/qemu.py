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
    those of BUILD; the files of `rootfs`, by default rootfs/ and the
    programs in BUILD/rootfs). Raises ImageError with the tool's `file:line: message`
    output on mistakes."""
    cmd = [sys.executable, os.path.join(ROOT, 'tools', 'mkimage.py'), '--system', system,
           '--apps', os.path.join(ROOT, 'apps'), '--out', out,
           '--elves', elves or os.path.join(BUILD, 'uapps'),
           '--wasm', wasm or os.path.join(BUILD, 'wapps')]
    # default: rootfs/ and the programs the build put in BUILD/rootfs
    for root in rootfs or [os.path.join(ROOT, 'rootfs')] + [r for r in [os.path.join(BUILD, 'rootfs')]
                                                             if os.path.isdir(r)]:
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


# A virtio network card on QEMU's user network (10.0.2.0/24; the host is
# 10.0.2.2), with the modern virtio-mmio interface (version 2).
NET_OPTIONS = ['-netdev', 'user,id=net0', '-device', 'virtio-net-device,netdev=net0',
               '-global', 'virtio-mmio.force-legacy=false']


def free_port(udp=False):
    """A TCP (or UDP) port of 127.0.0.1 that is free now: for forwarding
    into the guest."""
    import socket
    with socket.socket(type=socket.SOCK_DGRAM if udp else socket.SOCK_STREAM) as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def qemu_command(kernel, append=None, icount=False, memory='128M', initrd=None, net=False, forwards=()):
    """`forwards`: (host port, guest port) pairs of TCP forwarded from
    127.0.0.1 on the host into the guest (with `net`); ('udp', host port,
    guest port) forwards UDP."""
    cmd = [QEMU, '-machine', 'virt', '-cpu', 'rv64', '-smp', '1', '-m', memory,
           '-bios', 'default', '-kernel', kernel, '-nographic', '-no-reboot']
    if net:  # net='legacy': QEMU's default, the legacy virtio-mmio interface
        options = list(NET_OPTIONS[:4] if net == 'legacy' else NET_OPTIONS)
        options[1] += ''.join(f',hostfwd={f[0] if len(f) == 3 else "tcp"}:127.0.0.1:{f[-2]}-:{f[-1]}'
                              for f in forwards)
        cmd += options
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


def boot(kernel, initrd=None, timeout=30, icount=False, until=None, memory='128M', append=None, linger=0,
         net=False):
    """Boots the kernel with a boot image and waits for it to power off, for
    `until` (a string) to appear in the output, the rest of its line too,
    and then `linger` seconds more (to see what follows it, or that nothing
    does), or for the timeout. QEMU never outlives the call, even when it
    is interrupted. With `net`, the machine has a virtio network card on
    QEMU's user network."""
    cmd = qemu_command(kernel, append, icount, memory, initrd, net)
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


class Session:
    """A running QEMU whose serial console a test types into and reads,
    like a person at the terminal. Use it as a context manager: QEMU never
    outlives the `with` block.

        with Session(kernel, image) as s:
            s.expect('aster$ ')
            s.send('ps\\r')
            out = s.expect('aster$ ')  # what came before the next prompt
    """

    def __init__(self, kernel, initrd=None, memory='128M', append=None, net=False, forwards=()):
        cmd = qemu_command(kernel, append, False, memory, initrd, net, forwards)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.output = ''   # everything so far (CR LF as LF)
        self.seen = 0      # how far expect() has consumed
        self._raw = b''

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.proc.stdin.close()

    def _read(self):
        chunk = self.proc.stdout.read()
        if chunk:
            self._raw += chunk
            self.output = self._raw.decode('utf-8', 'replace').replace('\r\n', '\n')
        return bool(chunk)

    def send(self, text, pace=0.0):
        """Types `text` (a str; '\\r' is Enter, '\\x03' Ctrl-C). With `pace`,
        one character at a time, that many seconds apart."""
        data = text.encode()
        for i in range(0, len(data), 1 if pace else len(data) or 1):
            self.proc.stdin.write(data[i:i + 1] if pace else data)
            self.proc.stdin.flush()
            if pace:
                time.sleep(pace)
            if not pace:
                break

    def expect(self, pattern, timeout=30):
        """Waits for `pattern` (a str, or a compiled regex) after what the last
        expect consumed; returns the text between (a regex: its match, with
        .before set). Raises TimeoutError with the tail of the output."""
        deadline = time.monotonic() + timeout
        while True:
            self._read()
            rest = self.output[self.seen:]
            if isinstance(pattern, str):
                at = rest.find(pattern)
                if at >= 0:
                    self.seen += at + len(pattern)
                    return rest[:at]
            else:
                m = pattern.search(rest)
                if m:
                    self.seen += m.end()
                    return m
            if self.proc.poll() is not None:
                self._read()
                raise EOFError(f'QEMU ended (status {self.proc.returncode}) waiting for {pattern!r}:\n'
                               f'{self.output[-3000:]}')
            if time.monotonic() > deadline:
                raise TimeoutError(f'no {pattern!r} in {timeout} s; the output ends:\n{self.output[-3000:]}')
            time.sleep(0.01)

    def wait_for(self, *texts, timeout=30):
        """Waits until every one of `texts` has appeared (anywhere, in any
        order); what came so far counts as consumed."""
        deadline = time.monotonic() + timeout
        while not all(text in self.output for text in texts):
            self._read()
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise TimeoutError(f'not all of {texts} in {timeout} s; the output ends:\n{self.output[-3000:]}')
            time.sleep(0.01)
        time.sleep(0.2)  # the rest of those lines
        self._read()
        self.seen = len(self.output)

    def wait_exit(self, timeout=30):
        """Waits for QEMU to end (the system powered off); its status."""
        try:
            self.proc.wait(timeout)
        finally:
            self._read()
        return self.proc.returncode
