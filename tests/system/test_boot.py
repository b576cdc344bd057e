"""Boot, the demo and the kernel's own reports."""
import re


def test_banner_and_echo_demo(boot):
    result = boot(until='[echo] client closed', timeout=30)
    assert not result.timed_out
    out = result.output
    assert 'Aster microkernel (riscv64)' in out
    assert '[kernel] memory:' in out and 'timer 10000000 Hz' in out
    assert '[echo] ready' in out
    for i in (1, 2, 3):
        assert f'[echo_client] reply: hello #{i} from echo_client' in out
    assert '[echo_client] done' in out
    # the server notices that its client ended
    assert '[echo] client closed: E_NO_PEER' in out
    assert 'boot.ready: all apps started' in out


def test_unknown_app_is_a_clear_error(boot):
    result = boot('apps=echo,no_such_app', until='startup failed', timeout=20)
    assert 'startup: no app named "no_such_app" in this image' in result.output
    assert 'KERNEL PANIC' not in result.output


def test_bad_channel_spec_is_a_clear_error(boot):
    result = boot('apps=echo chan=echo.client:nobody.x', until='startup failed', timeout=20)
    assert 'startup: bad channel "echo.client:nobody.x"' in result.output


def test_more_memory_is_found(boot):
    result = boot(until='[echo_client] done', timeout=30, memory='512M')
    assert '[kernel] memory: 5' in result.output  # about 500 MiB free


def test_kernel_fault_gives_a_readable_panic_report(boot):
    result = boot('apps=test_panic', timeout=20)
    assert result.status == 99  # the kernel's panic status
    out = result.output
    assert '*** kernel exception: store page fault' in out
    assert 'address 0000000000000010' in out
    assert 'KERNEL PANIC: store page fault at pc' in out
    # registers and a symbolized backtrace through the app and the kernel
    assert ' ra ' in out and ' sp ' in out and ' a0 ' in out
    assert 'backtrace' in out
    assert re.search(r'pc ffffffff[0-9a-f]+ store_to\+0x', out)
    assert re.search(r'ra ffffffff[0-9a-f]+ (__app_test_panic_main|thread_start)\+0x', out)
    assert re.search(r'#\d+ ffffffff[0-9a-f]+ thread_start\+0x', out)
