"""The network card's driver (apps/virtio_net, libs/virtio) on QEMU's user
network: apps/test_ethernet asks the card's MAC, sends ARP questions for
the gateway and the DNS server through the ethernet service, and checks
every answer, in every mode (the driver itself stays out of wasm mode)."""
import pytest
from conftest import has_line, match_line

SYSTEM = '[[app]]\nname = "virtio_net"\n[[app]]\nname = "test_ethernet"\n'


def test_frames_go_out_and_come_back(boot):
    result = boot(SYSTEM, timeout=60, net=True)
    out = result.output
    assert result.status == 0, out[-3000:]
    assert match_line(out, r'\[virtio_net\] card 52:54:00:12:34:56 ready')
    assert has_line(out, '[test_ethernet] the card is 52:54:00:12:34:56')
    assert has_line(out, '[test_ethernet] ARP reply: 10.0.2.2 is 52:55:0a:00:02:02')
    assert has_line(out, '[test_ethernet] 100 answers to 100 questions')
    assert has_line(out, '[test_ethernet] TEST PASSED')


@pytest.mark.mode_specific
def test_no_card_and_a_legacy_card_are_clear_errors(boot):
    system = '[[app]]\nname = "virtio_net"\n'
    result = boot(system, isolation='user', until='[virtio_net] ERROR', timeout=30)
    assert has_line(result.output, '[virtio_net] ERROR: no virtio network card (QEMU: -device virtio-net-device)')
    # a card behind the legacy interface (QEMU's default): said so, not driven
    result = boot(system, isolation='user', until='[virtio_net] ERROR', timeout=30, net='legacy')
    assert match_line(result.output, r'\[virtio_net\] WARN: slot \d+ is a legacy virtio device '
                                     r'\(QEMU: -global virtio-mmio.force-legacy=false\)')
    assert has_line(result.output, '[virtio_net] ERROR: no virtio network card (QEMU: -device virtio-net-device)')
