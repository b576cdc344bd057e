"""The network on QEMU's user network, in every mode (the driver itself
stays out of wasm mode): the card's driver (apps/virtio_net, libs/virtio)
answers apps/test_ethernet's ARP questions; lwIP in apps/tcpip gets its
address by DHCP; the host reaches apps/tcp_echo over TCP through a
forwarded port."""
import hashlib
import os
import socket
import struct
import subprocess
import threading
import time

import pytest
import qemu
from conftest import BUILD, ISOLATION, KERNEL, ROOT, has_line, lines_matching, match_line

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
    for dns in ('10.0.2.3:0', 'nameserver', '10.0.2.3:53x', '10.0.2.3:'):
        result = boot(TCPIP + f'[app.config]\ndns = "{dns}"\n', net=True, until='[tcpip] 10.0.2.15', linger=0.5,
                      timeout=60)
        assert has_line(result.output, f'[tcpip] ERROR: config dns: "{dns}" is no IPv4 address with an optional :PORT'), \
            result.output[-2000:]


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



def curl(*args):
    return subprocess.run(['curl', '-s', '--max-time', '60', *args], capture_output=True)


def exchange(connection, request):
    """Sends bytes as they are on an open connection and returns the whole
    answer (the server closes after an error, or on Connection: close)."""
    with connection:
        connection.sendall(request)
        answer = b''
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def connect(port):
    """A connection to the forwarded port. The timeout is long: QEMU's port
    forwarding listens with a backlog of one, so a connect that meets a
    full queue waits through the host's SYN retries (1, 2, 4, 8 s ...)."""
    return socket.create_connection(('127.0.0.1', port), timeout=120)


def raw_request(port, request):
    return exchange(connect(port), request)


def default_system_in(mode):
    """system.toml with `mode` for each app it starts and leaves the mode of
    to the default (the drivers keep the user mode it gives them)."""
    blocks = open(os.path.join(ROOT, 'system.toml')).read().split('[[app]]\n')
    return blocks[0] + ''.join('[[app]]\n' + b if 'isolation =' in b or 'start = false' in b
                               else '[[app]]\n' + f'isolation = "{mode}"\n' + b for b in blocks[1:])


def test_the_default_system_serves_http_to_the_host(tmp_path):
    # the default system (system.toml, as `make run` boots it, in this run's
    # mode), its files and one more, a 10 MiB file: the index, /status, a
    # file, the big file byte for byte, keep-alive, 100 connections at
    # once, and malformed requests; the driver drops no frame meanwhile
    (tmp_path / 'files').mkdir()
    big = os.urandom(10 << 20)
    (tmp_path / 'files' / 'big.bin').write_bytes(big)
    system = tmp_path / 'system.toml'
    system.write_text(default_system_in(ISOLATION))
    rootfs = [os.path.join(ROOT, 'rootfs'), os.path.join(BUILD, 'rootfs'), str(tmp_path / 'files')]
    image = qemu.build_image(str(system), str(tmp_path / 'default.img'), [r for r in rootfs if os.path.isdir(r)])
    port = qemu.free_port()
    url = f'http://127.0.0.1:{port}'
    with qemu.Session(KERNEL, image, net=True, forwards=[(port, 80)], memory='256M') as q:
        try:
            q.expect('[tcpip] 10.0.2.15 by DHCP', 60)
            index = curl(url + '/').stdout.decode()
            assert '<h1>Aster</h1>' in index and '<a href="/hello.txt">hello.txt</a>' in index
            assert '<a href="/big.bin">big.bin</a>' in index
            status = curl(url + '/status').stdout.decode()
            for app in ('http_server', 'tcpip', 'fs', 'shell'):
                assert lines_matching(status, app + rf'\s+{ISOLATION}\s+running\s+.*'), status
            assert lines_matching(status, r'virtio_net\s+user\s+running\s+.*'), status
            assert curl(url + '/hello.txt').stdout == HELLO
            # each file with its media type, from its name
            assert b'\r\nContent-Type: text/plain; charset=utf-8\r\n' in curl('-I', url + '/hello.txt').stdout
            assert b'\r\nContent-Type: application/octet-stream\r\n' in curl('-I', url + '/big.bin').stdout
            got = curl(url + '/big.bin').stdout
            assert hashlib.sha256(got).hexdigest() == hashlib.sha256(big).hexdigest()
            # keep-alive: two requests on one connection (curl reuses it)
            assert curl(url + '/hello.txt', url + '/hello.txt').stdout == HELLO + HELLO
            # 100 connections open at the same time, their requests sent at
            # the same instant, each answered whole. (They are opened one
            # after the other: a burst of connects overflows the backlog of
            # one that QEMU's forwarding listens with, and the host's TCP
            # then backs off for up to two minutes before they reach the
            # guest at all.)
            connections = [connect(port) for _ in range(100)]
            answers = [None] * 100
            start = threading.Barrier(100)

            def one(i):
                start.wait()
                try:
                    # the server closes after each: header names and values are
                    # read without their case, a value may list several tokens
                    close = (b'Connection: close', b'CONNECTION: Keep-Alive, Close', b'connection:close')[i % 3]
                    answers[i] = exchange(connections[i], b'GET /hello.txt HTTP/1.1\r\nHost: a\r\n' + close + b'\r\n\r\n')
                except OSError as e:
                    answers[i] = repr(e).encode()
            threads = [threading.Thread(target=one, args=(i,)) for i in range(100)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(240)
            wrong = [a[:60] if a else a for a in answers if not (a and a.startswith(b'HTTP/1.1 200 OK'))]
            assert not wrong and all(HELLO in a and a.endswith(b'\r\n0\r\n\r\n') for a in answers), wrong
            # mistakes get their 4xx, and the server goes on
            for request, status_line in ((b'GARBAGE\r\n\r\n', b'HTTP/1.1 400 '),
                                         (b'GET /x HTTP/9.9\r\n\r\n', b'HTTP/1.1 400 '),
                                         (b'POST / HTTP/1.1\r\n\r\n', b'HTTP/1.1 405 '),
                                         (b'GET /../etc HTTP/1.1\r\n\r\n', b'HTTP/1.1 400 '),
                                         (b'GET /missing HTTP/1.1\r\n\r\n', b'HTTP/1.1 404 '),
                                         (b'GET / HTTP/1.1\r\nX: ' + b'a' * 9000 + b'\r\n\r\n', b'HTTP/1.1 431 ')):
                assert raw_request(port, request).startswith(status_line), request[:40]
            assert curl(url + '/hello.txt').stdout == HELLO
            q._read()
            assert 'frames dropped' not in q.output and 'refusing a connection' not in q.output
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
            # the driver came up twice (its second start's line may come after
            # tcpip's: the kernel connects the service before the app runs)
            deadline = time.monotonic() + 30
            while q.output.count('[virtio_net] card 52:54:00:12:34:56 ready') < 2 and time.monotonic() < deadline:
                q._read()
                time.sleep(0.05)
            assert q.output.count('[virtio_net] card 52:54:00:12:34:56 ready') == 2
        finally:
            q._read()
            print(q.output[-3000:])


def serve_dns(names):
    """A DNS server on the host for the test (UDP, a free port): A records
    of `names` ({name: IPv4 address}), NXDOMAIN for the rest. Returns the
    port, the questions it was asked and the socket (close it)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(('127.0.0.1', 0))
    asked = []

    def serve():
        while True:
            try:
                query, peer = server.recvfrom(512)
            except OSError:
                return  # closed
            labels, i = [], 12
            while i < len(query) and query[i]:
                labels.append(query[i + 1:i + 1 + query[i]].decode(errors='replace'))
                i += query[i] + 1
            question = query[12:i + 5]
            name = '.'.join(labels)
            asked.append(name)
            address = names.get(name)
            header = query[:2] + (b'\x81\x80' if address else b'\x81\x83') + struct.pack('>HHHH', 1, 1 if address else 0, 0, 0)
            answer = (b'\xc0\x0c' + struct.pack('>HHIH', 1, 1, 60, 4) + socket.inet_aton(address)) if address else b''
            server.sendto(header + question + answer, peer)
    threading.Thread(target=serve, daemon=True).start()
    return server.getsockname()[1], asked, server


@pytest.mark.parametrize('named', [False, True], ids=['by-address', 'by-name'])
def test_an_outgoing_connection_to_the_host(boot, named):
    # apps/tcp_hello connects out (OPEN "tcp:10.0.2.2:PORT", the host as
    # QEMU's user network shows it) to a server of this test; or by a name,
    # which tcpip asks the DNS server its config names (one of this test)
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
        system = TCPIP + f'[[app]]\nname = "tcp_hello"\n[app.config]\nto = "10.0.2.2:{port}"\n'
        if named:
            dns_port, asked, dns = serve_dns({'host.aster.test': '10.0.2.2'})
            system = (TCPIP + f'[app.config]\ndns = "10.0.2.2:{dns_port}"\n'
                      + f'[[app]]\nname = "tcp_hello"\n[app.config]\nto = "host.aster.test:{port}"\n')
        result = boot(system, net=True, until='[tcp_hello] closed', timeout=60)
        thread.join(30)
    finally:
        server.close()
        if named:
            dns.close()
    assert got == [b'hello from aster\n'], result.output[-2000:]
    assert has_line(result.output, '[tcp_hello] got: hello from the host')
    if named:
        assert 'host.aster.test' in asked


def test_udp_both_ways(tmp_path):
    # the host's datagrams to a forwarded UDP port come back from
    # apps/udp_echo ("udp-listen:", each led by its sender), whatever their
    # size up to what a message holds (IP fragments both ways past 1472);
    # apps/udp_hello sends one out ("udp:10.0.2.2:PORT") to a server of
    # this test on the host and logs its answer
    server = socket.socket(type=socket.SOCK_DGRAM)
    server.bind(('127.0.0.1', 0))
    server.settimeout(60)
    got = []

    def serve():
        data, sender = server.recvfrom(65536)
        got.append(data)
        server.sendto(b'hello from the host', sender)
    thread = threading.Thread(target=serve)
    thread.start()
    system = tmp_path / 'system.toml'
    system.write_text(TCPIP + '[[app]]\nname = "udp_echo"\n[[app]]\nname = "udp_hello"\n[app.config]\n'
                      f'to = "10.0.2.2:{server.getsockname()[1]}"\n')
    image = qemu.build_image(str(system), str(tmp_path / 'udp.img'), isolation=ISOLATION)
    port = qemu.free_port(udp=True)
    try:
        with qemu.Session(KERNEL, image, net=True, forwards=[('udp', port, 7)]) as q:
            try:
                q.expect('[udp_echo] echoing on 0.0.0.0:7', 60)
                q.expect('[udp_hello] got: hello from the host', 60)
                with socket.socket(type=socket.SOCK_DGRAM) as c:
                    c.settimeout(1)
                    for size in (1, 100, 1472, 1473, 3000, 4088):
                        data = os.urandom(size)
                        for _ in range(10):  # UDP may lose one: send again
                            c.sendto(data, ('127.0.0.1', port))
                            try:
                                if c.recv(65536) == data:
                                    break
                            except socket.timeout:
                                continue
                        else:
                            pytest.fail(f'no echo of {size} bytes')
            finally:
                print(q.output[-3000:])
    finally:
        thread.join(60)
        server.close()
    assert got == [b'hello from aster']


def test_the_stack_refuses_bad_requests_with_their_errors(boot):
    # apps/test_tcpip: other schemes, bad endpoints, a port taken, a
    # datagram without its header: each refused, and tcpip serves on
    result = boot(TCPIP + '[[app]]\nname = "test_tcpip"\n', net=True, timeout=60)
    assert result.status == 0 and has_line(result.output, '[test_tcpip] TEST PASSED'), result.output[-3000:]
    assert has_line(result.output, '[tcpip] WARN: udp: a datagram dropped (shorter than its struct udp_peer): '
                                   '1 so far on this endpoint')
