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


TCPIP = '[[app]]\nname = "virtio_net"\n[[app]]\nname = "tcpip"\n'


def test_the_stack_gets_its_address_by_dhcp(boot):
    # lwIP in apps/tcpip, over the ethernet service and the driver, asks
    # QEMU's user network for an address
    result = boot(TCPIP, net=True, until='[tcpip] ', linger=0.5, timeout=60)
    assert has_line(result.output, '[tcpip] 10.0.2.15 by DHCP, gateway 10.0.2.2'), result.output[-2000:]


def test_a_static_address_and_a_bad_one(boot):
    result = boot(TCPIP + '[app.config]\ndhcp = false\naddress = "10.0.2.99"\n', net=True, until='[tcpip] ',
                  linger=0.5, timeout=60)
    assert has_line(result.output, '[tcpip] 10.0.2.99 by config, gateway 10.0.2.2'), result.output[-2000:]
    result = boot(TCPIP + '[app.config]\ndhcp = false\naddress = "10.0.2.999"\n', net=True,
                  until='[tcpip] ', linger=0.5, timeout=60)
    assert has_line(result.output, '[tcpip] ERROR: config address: "10.0.2.999" is no IPv4 address')
