"""Shared by the tool and system tests: a time limit on each test.

`--test-timeout=SECONDS` (default 300; 0: none; tools/test.py passes it)
bounds the body of each test: past it the test fails with "timed out" and
goes no further (SIGALRM; the tests' subprocesses, QEMU included, are
killed on the way out). A safety net: QEMU boots have shorter timeouts of
their own (tools/qemu.py).
"""
import signal

import pytest


def pytest_addoption(parser):
    parser.addoption('--test-timeout', type=float, default=300.0,
                     help='seconds each test may run (0: no limit)')


class Timeout(Exception):
    pass


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    seconds = item.config.getoption('--test-timeout')
    if not seconds:
        yield
        return

    def expire(signum, frame):
        raise Timeout(f'{item.nodeid} timed out after {seconds:g} s (--test-timeout)')

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
