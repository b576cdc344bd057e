"""Boot, the echo demo, the boot image, and the kernel's own reports."""
import re

import pytest
import qemu
from conftest import apps_system


def test_banner_and_echo_demo(boot):
    result = boot('system.toml', until=' left', timeout=30)
    out = result.output
    assert 'Aster microkernel (riscv64)' in out
    assert '[kernel] memory:' in out and 'timer 10000000 Hz' in out
    assert '[echo] ready' in out
    for i in (1, 2, 3):
        assert f'[echo_client] reply: hello #{i} from echo_client' in out
    assert '[echo_client] done' in out
    assert 'boot.ready: all apps started' in out


def test_server_sees_its_client_leave(boot):
    result = boot('system.toml', until='left', timeout=30)
    assert re.search(r'\[echo\] client \d+ connected', result.output)
    assert re.search(r'\[echo\] client \d+ left', result.output)


def test_no_boot_image_is_a_clear_error(boot, tmp_path):
    empty = tmp_path / 'empty.img'
    empty.write_bytes(b'\0' * 64)
    result = boot(image=str(empty), until='cannot start', timeout=20)
    assert 'boot image: no image (bad magic)' in result.output
    assert 'KERNEL PANIC' not in result.output


def test_corrupt_boot_image_is_refused(boot, tmp_path):
    manifest = tmp_path / 'corrupt.toml'
    manifest.write_text(apps_system('hello'))
    good = qemu.build_image(str(manifest), str(tmp_path / 'good.img'))
    data = bytearray(open(good, 'rb').read())
    data[20:24] = (0xfffff000).to_bytes(4, 'little')  # apps_offset far outside
    bad = tmp_path / 'bad.img'
    bad.write_bytes(bytes(data))
    result = boot(image=str(bad), until='cannot start', timeout=20)
    assert 'boot image: a section lies outside the image' in result.output
    assert 'KERNEL PANIC' not in result.output


def test_more_memory_is_found(boot):
    result = boot('system.toml', until='[echo_client] done', timeout=30, memory='512M')
    assert '[kernel] memory: 5' in result.output  # about 500 MiB free


@pytest.mark.mode_specific
def test_kernel_fault_gives_a_readable_panic_report(boot):
    # In kernel mode an app is trusted code: its fault is a kernel bug.
    result = boot(apps_system('test_panic'), timeout=20, isolation='kernel')
    assert result.status == 99  # the kernel's panic status
    out = result.output
    assert '*** kernel exception: store page fault' in out
    assert 'address 0000000000000010' in out
    assert 'KERNEL PANIC: store page fault at pc' in out
    assert ' ra ' in out and ' sp ' in out and ' a0 ' in out
    assert re.search(r'pc ffffffff[0-9a-f]+ store_to\+0x', out)
    assert re.search(r'ra ffffffff[0-9a-f]+ (__app_test_panic_main|thread_start)\+0x', out)
    assert re.search(r'#\d+ ffffffff[0-9a-f]+ thread_start\+0x', out)
