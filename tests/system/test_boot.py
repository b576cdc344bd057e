"""Boot, the echo demo, the boot image, and the kernel's own reports."""
import pytest
import qemu
from conftest import apps_system, has_line, match_line


def test_banner_and_echo_demo(boot):
    result = boot('systems/echo.toml', until=' left', timeout=30)
    out = result.output
    assert has_line(out, 'Aster microkernel (riscv64), hart 0')
    assert match_line(out, r'\[kernel\] memory: \d+ MiB free, timer 10000000 Hz, uart at 10000000, '
                           r'plic at c000000 \(96 sources\)')
    assert has_line(out, '[echo] ready')
    for i in (1, 2, 3):
        assert has_line(out, f'[echo_client] reply: hello #{i} from echo_client')
    assert has_line(out, '[echo_client] done')
    assert match_line(out, r'\[kernel\] boot\.ready: all apps started, \d+ instructions since kernel entry')


def test_server_sees_its_client_leave(boot):
    result = boot('systems/echo.toml', until='left', timeout=30)
    assert match_line(result.output, r'\[echo\] client \d+ connected')
    assert match_line(result.output, r'\[echo\] client \d+ left')


def test_no_boot_image_is_a_clear_error(boot, tmp_path):
    empty = tmp_path / 'empty.img'
    empty.write_bytes(b'\0' * 64)
    result = boot(image=str(empty), until='cannot start', timeout=20)
    assert has_line(result.output, '[kernel] ERROR: boot image: no image (bad magic)')
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
    assert has_line(result.output, '[kernel] ERROR: boot image: a section lies outside the image or is misaligned')
    assert 'KERNEL PANIC' not in result.output


def test_more_memory_is_found(boot):
    result = boot('systems/echo.toml', until='[echo_client] done', timeout=30, memory='512M')
    free = match_line(result.output, r'\[kernel\] memory: (\d+) MiB free, .*')
    assert free and 500 <= int(free.group(1)) < 512  # about 500 MiB free


@pytest.mark.mode_specific
def test_kernel_fault_gives_a_readable_panic_report(boot):
    # In kernel mode an app is trusted code: its fault is a kernel bug.
    result = boot(apps_system('test_panic'), timeout=20, isolation='kernel')
    assert result.status == 99  # the kernel's panic status
    out = result.output
    assert has_line(out, '*** kernel exception: store page fault (scause 15)')
    assert match_line(out, r' +address 0000000000000010  sstatus [0-9a-f]{16}')
    assert match_line(out, r'KERNEL PANIC: store page fault at pc ffffffff[0-9a-f]{8}')
    reg = r' +[0-9a-f]{16}'
    assert match_line(out, rf' +ra{reg} +sp{reg} +gp{reg}')
    assert match_line(out, rf' +s0{reg} +s1{reg} +a0{reg} +a1{reg}')
    assert match_line(out, r' +pc ffffffff[0-9a-f]{8} store_to\+0x[0-9a-f]+')
    assert match_line(out, r' +ra ffffffff[0-9a-f]{8} (__app_test_panic_main|thread_start)\+0x[0-9a-f]+')
    assert match_line(out, r' +#\d+ ffffffff[0-9a-f]{8} thread_start\+0x[0-9a-f]+')
