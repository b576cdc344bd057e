"""Boot, the demo and the kernel's own reports."""


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
