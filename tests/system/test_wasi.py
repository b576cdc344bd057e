"""WASI programs (plain C built with wasi-libc, here apps/shout) run as
Aster apps in wasm mode: their stdin and stdout are the app's streams, so
they join pipelines beside apps of any mode; stderr goes to the log; args
and environment come from the spec; files come from the fs server."""
import pytest
from conftest import has_line

PIPELINE = 'systems/wasi.toml'


def test_a_wasi_program_takes_part_in_a_pipeline(boot):
    result = boot(PIPELINE, until='[wc] ', timeout=60)
    out = result.output
    assert has_line(out, '[shout] shout: argument 1: --loud')
    assert has_line(out, '[shout] shout: argument 2: hello')
    assert has_line(out, '[shout] shout: 6 lines, 294 bytes')
    assert has_line(out, '[wc] 6')
    assert 'ERROR' not in out


@pytest.mark.mode_specific
def test_a_wasi_program_reads_a_file_of_the_fs_server(boot):
    system = '[[app]]\nname = "fs"\n[[app]]\nname = "shout"\n[app.config]\nfile = "/hello.txt"\nprefix = "+ "\n'
    result = boot(system, isolation='wasm', until='lines, 294 bytes', timeout=60)
    out = result.output
    assert has_line(out, '[shout] + ASTER IS A USERSPACE-FIRST MICROKERNEL.')  # stdout unconnected: the log
    assert has_line(out, '[shout] + SAY ASTER THREE TIMES: ASTER, ASTER.')


@pytest.mark.mode_specific
def test_a_wasi_program_that_fails_ends_with_its_status(boot):
    system = ('[[app]]\nname = "fs"\n[[app]]\nname = "shout"\n[app.config]\nfile = "/missing.txt"\n'
              '[[app]]\nname = "echo"\n[[app]]\nname = "echo_client"\n')
    result = boot(system, isolation='wasm', until='[echo_client] done', timeout=60)
    out = result.output
    assert has_line(out, '[shout] shout: /missing.txt: No such file or directory')
    assert has_line(out, '[kernel] shout ended: exit status 2')
    assert has_line(out, '[echo_client] reply: hello #3 from echo_client')
