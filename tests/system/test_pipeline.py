"""Declarative startup: services, config, pipes and the fs server, checked by
their exact output on the console."""
import random

import pytest
from conftest import apps_system, count_lines, has_line, lines_matching, match_line


def app_lines(output, app):
    prefix = f'[{app}] '
    return [l[len(prefix):] for l in output.splitlines() if l.startswith(prefix)]


def test_pipeline_demo_counts_lines(boot):
    # cat /hello.txt | grep aster | wc -l, from systems/pipeline.toml
    result = boot('systems/pipeline.toml', until='[wc] ', timeout=30)
    assert app_lines(result.output, 'wc') == ['2']
    assert app_lines(result.output, 'fs') == ['serving 3 files']


@pytest.mark.mode_specific
def test_a_pipeline_across_all_four_modes(boot, tmp_path):
    # 1 MiB through fs (kernel mode) -> cat (user) -> grep (wasm) -> wc (vm):
    # each stage in its own isolation, one stream, the exact count
    root, data = big_file(tmp_path, 1 << 20)
    system = ('[[app]]\nname = "fs"\nisolation = "kernel"\n'
              '[[app]]\nname = "cat"\nisolation = "user"\nstdout = "grep"\n[app.config]\nfile = "/big.txt"\n'
              '[[app]]\nname = "grep"\nisolation = "wasm"\nstdout = "wc"\n[app.config]\npattern = "aster"\n'
              '[[app]]\nname = "wc"\nisolation = "vm"\n[app.config]\ncount = "lines"\n')
    result = boot(system, rootfs=[root], isolation=False, until='[wc] ', timeout=60)
    expected = sum(1 for line in data.split(b'\n')[:-1] if b'aster' in line) + (b'aster' in data.split(b'\n')[-1])
    assert app_lines(result.output, 'wc') == [str(expected)], result.output


def big_file(tmp_path, size):
    rng = random.Random(1)
    data = bytearray()
    while len(data) < size:
        word = bytes(rng.choice(b'abcdefgh aster ') for _ in range(rng.randint(1, 80)))
        data += word + b'\n'
    data = bytes(data[:size])
    root = tmp_path / 'rootfs'
    root.mkdir()
    (root / 'big.txt').write_bytes(data)
    return str(root), data


PIPE = '''
[[app]]
name = "fs"

[[app]]
name = "cat"
stdout = "{next}"
[app.config]
file = "/big.txt"
'''


def test_a_large_file_streams_through_cat_and_wc(boot, tmp_path):
    root, data = big_file(tmp_path, 1024 * 1024 + 123)
    system = PIPE.format(next='wc') + '[[app]]\nname = "wc"\n[app.config]\ncount = "bytes"\n'
    result = boot(system, rootfs=[root], until='[wc] ', timeout=60)
    assert app_lines(result.output, 'wc') == [str(len(data))]


def test_a_large_file_streams_through_grep_with_nothing_lost(boot, tmp_path):
    root, data = big_file(tmp_path, 1024 * 1024)
    expected = sum(1 for line in data.split(b'\n') if b'aster' in line)
    system = (PIPE.format(next='grep') + '[[app]]\nname = "grep"\nstdout = "wc"\n[app.config]\n'
              'pattern = "aster"\n\n[[app]]\nname = "wc"\n')
    result = boot(system, rootfs=[root], until='[wc] ', timeout=90)
    assert app_lines(result.output, 'wc') == [str(expected)]


def test_head_stops_early_and_cat_notices(boot, tmp_path):
    # 1 MiB is more than cat's queue to head holds (128 messages of 4 KiB):
    # cat is still writing when head has its two lines and closes its stdin.
    root, data = big_file(tmp_path, 1024 * 1024)
    system = PIPE.format(next='head') + '[[app]]\nname = "head"\n[app.config]\nlines = 2\n'
    result = boot(system, rootfs=[root], until='[cat] ', timeout=30)
    lines = data.decode().split('\n')
    assert app_lines(result.output, 'head') == lines[:2]
    # cat notices (apps/cat/main.c): it stops before the end of the file
    # and says so
    stopped = match_line(result.output, r'\[cat\] the reader has gone; stopping after reading (\d+) bytes')
    assert stopped and 0 < int(stopped.group(1)) < len(data), result.output
    assert app_lines(result.output, 'cat') == [stopped.group(0)[len('[cat] '):]]


def test_unconnected_stdin_is_empty(boot):
    result = boot('[[app]]\nname = "wc"\n', until='[wc] ', timeout=30)
    assert app_lines(result.output, 'wc') == ['0']


def test_a_missing_file_is_a_clear_error(boot):
    system = '[[app]]\nname = "fs"\n[[app]]\nname = "cat"\n[app.config]\nfile = "/nope.txt"\n'
    result = boot(system, until='cannot open', timeout=30)
    assert has_line(result.output, '[cat] ERROR: cannot open /nope.txt: not found')


def test_config_overrides_reach_the_app(boot):
    system = '''
[[app]]
name = "test_env"
[app.config]
number = 42
flag = true
word = "overridden"
'''
    result = boot(system, timeout=30)
    assert result.status == 0, 'test_env failed'
    assert has_line(result.output, '[test_env] word is "overridden", number is 42')


def test_a_missing_env_name_is_a_clear_error(boot):
    system = '[[app]]\nname = "test_env"\n[app.config]\nnumber = 42\nflag = true\nword = "overridden"\n'
    result = boot(system, timeout=30)
    out = result.output
    assert has_line(out, '[test_env] ERROR: environment has no service channel named "no_such_name" '
                         '(is it declared in app.toml?)')
    assert has_line(out, '[test_env] ERROR: environment item "word" is a string, not a integer')


def test_servers_survive_malformed_messages_of_every_type(boot):
    system = ('[[app]]\nname = "fs"\n[[app]]\nname = "echo"\n[[app]]\nname = "echo_client"\n'
              '[app.config]\ngreetings = 5\n[[app]]\nname = "bad_client"\n')
    result = boot(system, timeout=30)
    assert result.status == 0, 'bad_client failed'
    out = result.output
    assert has_line(out, '[bad_client] TEST PASSED')
    assert has_line(out, '[bad_client] echo replied "still there?"')  # the same bytes back
    assert has_line(out, '[echo_client] reply: hello #5 from echo_client')
    # bad_client sends each server 15 malformed messages: each one is answered
    # (and logged: fewer than the loop's 20 warnings a second); the 3 requests
    # long enough to carry a call id get ABORT, the rest ERROR
    for server in ('echo', 'fs'):
        answered = lines_matching(out, rf'\[{server}\] WARN: loop: channel \d+ sent a malformed (\S+) '
                                       rf'\(\d+ bytes, \d handles\): answered (ABORT|ERROR) E_BAD_MESSAGE')
        assert len(answered) == 15, server
        assert [m.group(1) for m in answered if m.group(2) == 'ABORT'] == ['MSG_READ', 'MSG_WRITE', 'MSG_INVOKE']
    assert 'KERNEL PANIC' not in out


def test_calls_get_replies_refusals_and_timeouts(boot):
    # apps/test_calls: msg_call and msg_call_open against echo (INVOKE, and
    # an OPEN its loop answers for it) and fs, and against a silent server
    result = boot(apps_system('fs', 'echo', 'test_calls'), timeout=60)
    out = result.output
    assert result.status == 0, out[-3000:]
    assert has_line(out, '[test_calls] replies and refusals checked')
    assert match_line(out, r'\[test_calls\] a silent server: E_TIMED_OUT after \d+ ms')
    assert has_line(out, '[test_calls] TEST PASSED')
    # the loop logged what it answered for echo
    assert match_line(out, r'\[echo\] WARN: loop: channel \d+ sent MSG_OPEN, which this server does not serve: '
                           r'answered E_NOT_SUPPORTED')


def test_two_instances_of_one_app(boot):
    # echo_client twice: its own name in the log, its own config, one echo
    system = ('[[app]]\nname = "echo"\n'
              '[[app]]\nname = "echo_client"\n[app.config]\ngreetings = 2\n'
              '[[app]]\nname = "second"\napp = "echo_client"\n[app.config]\ngreetings = 4\n')
    result = boot(system, until='done', linger=1, timeout=30)
    out = result.output
    assert lines_matching(out, r'\[echo_client\] reply: hello #\d from echo_client') and \
        len(lines_matching(out, r'\[echo_client\] reply: .*')) == 2
    assert len(lines_matching(out, r'\[second\] reply: hello #\d from echo_client')) == 4
    assert has_line(out, '[second] done') and has_line(out, '[echo_client] done')
    assert len(lines_matching(out, r'\[echo\] client \d+ connected')) == 2
