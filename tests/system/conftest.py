"""System tests boot the real kernel in QEMU with a boot image built from a
system manifest, and check what it prints.

One kernel (BUILD/kernel.elf, with every app linked in) serves all tests;
each test describes its system in TOML (inline or a file), which is checked
and packed by tools/mkimage.py like any other.
"""
import os
import re
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tools'))
import qemu  # noqa: E402

# The build directory: tools/test.py passes its --build as ASTER_BUILD
# (relative to the repository, or absolute); qemu.py reads the same.
BUILD = qemu.BUILD
KERNEL = os.path.join(BUILD, 'kernel.elf')
# Every system test runs with all apps in this isolation mode (tools/test.py
# runs the suite once per mode); tests marked mode_specific pick their own.
ISOLATION = os.environ.get('ASTER_ISOLATION', 'kernel')


def pytest_configure(config):
    config.addinivalue_line('markers', 'mode_specific: runs in the isolation mode it asks for')


def has_line(output, line):
    """Whether `line` is one whole line of `output`: '[wc] 6' does not
    accept '[wc] 60'. Tests check the console this way, never by substring
    (except to show that something is absent)."""
    return line in output.splitlines()


def lines_matching(output, pattern):
    """The matches of the regex `pattern` against whole lines of `output`
    (re.fullmatch), in order."""
    regex = re.compile(pattern)
    return [m for m in map(regex.fullmatch, output.splitlines()) if m]


def match_line(output, pattern):
    """The first whole line of `output` that `pattern` matches, or None."""
    found = lines_matching(output, pattern)
    return found[0] if found else None


def count_lines(output, line):
    """How many whole lines of `output` are `line`."""
    return output.splitlines().count(line)


def apps_system(*names):
    """A manifest that starts the named apps with their defaults."""
    return ''.join(f'[[app]]\nname = "{name}"\n\n' for name in names)


@pytest.fixture
def boot(tmp_path):
    if not os.path.exists(KERNEL):
        pytest.fail(f'{KERNEL} is missing: run `make test` (ASTER_BUILD={BUILD})')

    def run(system='system.toml', rootfs=(), image=None, isolation=None, elves=None, wasm=None, **kwargs):
        """Boots `system` (a manifest path, or TOML text when it has a
        newline) with the files of `rootfs` (default: rootfs/ and the built programs), every app in
        `isolation` mode (default: the suite's; False: as the manifest says)."""
        if image is None:
            path = os.path.join(ROOT, system)
            if '\n' in system:
                path = tmp_path / 'system.toml'
                path.write_text(system)
            mode = ISOLATION if isolation is None else isolation or None
            image = qemu.build_image(str(path), str(tmp_path / 'system.img'), list(rootfs),
                                     mode, elves, wasm)
        result = qemu.boot(KERNEL, image, **kwargs)
        print(result.output)  # shown when a test fails
        return result
    return run


class ShellSession(qemu.Session):
    """The shell on QEMU's serial console, driven as a person would."""
    PROMPT = 'aster$ '

    def run(self, line, timeout=60):
        """Types `line` and Enter, and waits for the next prompt; returns what
        came in between, without the echo of the line itself. (A prompt the
        line editor redraws follows a CR, never a newline, so it does not
        count.)"""
        self.send(line + '\r')
        out = self.expect('\n' + self.PROMPT, timeout)
        return out.split('\n', 1)[1] if '\n' in out else ''


@pytest.fixture
def shell(tmp_path):
    """Boots `system` (default: system.toml, each app in the mode it says)
    and returns a ShellSession at the shell's first prompt."""
    sessions = []

    def start(system='system.toml', rootfs=(), memory='128M', forwards=()):
        path = os.path.join(ROOT, system)
        if '\n' in system:
            path = tmp_path / 'system.toml'
            path.write_text(system)
        image = qemu.build_image(str(path), str(tmp_path / 'shell.img'), list(rootfs), None)
        session = ShellSession(KERNEL, image, memory=memory, net=True, forwards=forwards)  # it has a network
        sessions.append(session)
        session.expect(ShellSession.PROMPT, timeout=60)
        # the default system's network comes up beside the shell: wait for
        # its lines, so that they do not fall into a command's output
        if system == 'system.toml' or 'name = "http_server"' in str(system):
            session.wait_for('[tcpip] ', '[http_server] serving', timeout=60)
        return session

    yield start
    for session in sessions:
        print(session.output[-5000:])  # shown when a test fails
        session.close()
