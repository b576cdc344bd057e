"""tools/check_app_includes.sh: apps include the SDK, the libc, the shared
protocol headers and their own folder's headers; a quoted include that
climbs out of the folder is refused with its file, line and what to do."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, 'tools', 'check_app_includes.sh')


def check(tmp_path, files):
    for name, text in files.items():
        path = tmp_path / 'apps' / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return subprocess.run(['sh', SCRIPT], cwd=tmp_path, capture_output=True, text=True)


def test_the_allowed_includes_pass(tmp_path):
    result = check(tmp_path, {'kv/main.c': '#include <aster/aster.h>\n#include <protocols/echo.h>\n'
                                           '#include "kv.h"\n#include <string.h>\n', 'kv/kv.h': '#pragma once\n'})
    assert result.returncode == 0 and result.stderr == ''


def test_climbing_out_is_refused_with_file_line_and_advice(tmp_path):
    result = check(tmp_path, {'kv_client/main.c': '#include <aster/aster.h>\n\n#include "../kv/kv_protocol.h"\n',
                              'other/main.c': '# include "/etc/passwd"\n', 'third/main.c': '#include "kernel/x.h"\n'})
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith('apps/kv_client/main.c:3: an app includes <aster/...>, the libc, <protocols/...>')
    assert lines[0].endswith('not "../kv/kv_protocol.h"')
    assert 'libs/protocols/include/protocols/' in lines[0]
    assert lines[1].startswith('apps/other/main.c:1: ') and lines[1].endswith('not "/etc/passwd"')
    assert lines[2].startswith('apps/third/main.c:1: ')
