"""make new-app: the apps it creates build, run and pass their own system
tests as created. The test writes them into this tree under a name of its
own, builds their user-mode ELF files, runs the generated system test with
every app in user mode (kernel mode would need the kernel relinked), and
removes everything it wrote."""
import os
import re
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get('ASTER_BUILD', os.path.join(ROOT, 'build'))
NEW_APP = os.path.join(ROOT, 'tools', 'new_app.py')


def new_app(*args, root=ROOT):
    return subprocess.run([sys.executable, NEW_APP, '--root', root, *args], capture_output=True, text=True)


@pytest.mark.parametrize('server', [False, True])
def test_a_new_app_builds_runs_and_passes(server):
    name = 'zz_new_server' if server else 'zz_new_app'
    made = [f'apps/{name}', f'apps/{name}_client', f'tests/system/test_{name}.py',
            f'libs/protocols/include/protocols/{name}.h']
    try:
        result = new_app('--name', name, *(['--server'] if server else []))
        assert result.returncode == 0, result.stderr
        subprocess.run([sys.executable, os.path.join(ROOT, 'tools', 'check_apps.py'), '--apps', 'apps'],
                       cwd=ROOT, check=True)
        build = subprocess.run(['make', '-s', f'BUILD={BUILD}', f'{BUILD}/uapps/{name}.elf']
                               + ([f'{BUILD}/uapps/{name}_client.elf'] if server else []),
                               cwd=ROOT, capture_output=True, text=True)
        assert build.returncode == 0, build.stdout + build.stderr
        run = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider',
                              f'tests/system/test_{name}.py'], cwd=ROOT, capture_output=True, text=True,
                             env=dict(os.environ, ASTER_BUILD=BUILD, ASTER_ISOLATION='user'))
        assert run.returncode == 0, run.stdout[-3000:]
        assert ('\n1 passed' if server else '\n2 passed') in run.stdout
    finally:
        for path in made:
            full = os.path.join(ROOT, path)
            if os.path.isdir(full):
                shutil.rmtree(full)
            elif os.path.exists(full):
                os.remove(full)
        for suffix in ('', '_client'):
            for leftover in (f'{BUILD}/uapps/{name}{suffix}.elf',):
                if os.path.exists(leftover):
                    os.remove(leftover)


def test_bad_names_and_existing_apps_are_refused(tmp_path):
    result = new_app('--name', 'Bad-Name', root=str(tmp_path))
    assert result.returncode == 2 and 'NAME must match' in result.stderr
    (tmp_path / 'apps' / 'taken').mkdir(parents=True)
    (tmp_path / 'apps' / 'taken' / 'main.c').write_text('')
    result = new_app('--name', 'taken', root=str(tmp_path))
    assert result.returncode == 1 and 'apps/taken/main.c exists already; nothing was written' in result.stderr
    assert not (tmp_path / 'apps' / 'taken' / 'app.toml').exists()


def doc_files(doc):
    """The files a doc shows whole: each fenced code block whose first line
    is a comment naming a path of the tree (`// apps/x/main.c`, `# apps/x/app.toml`)."""
    with open(os.path.join(ROOT, doc)) as f:
        text = f.read()
    files = {}
    for block in re.findall(r'```[a-z]*\n(.*?)```', text, re.S):
        first = block.split('\n', 1)[0]
        m = re.match(r'(?://|#)\s*((?:apps|libs|systems|tests)/\S+)', first)
        if m:
            files[m.group(1)] = block
    return files


def test_the_server_in_writing_an_app_builds_runs_and_passes():
    # docs/writing-an-app.md, section 3: the files as the doc shows them,
    # built and run by the test the doc shows (user mode)
    files = doc_files('docs/writing-an-app.md')
    assert {'apps/shouter/main.c', 'apps/shouter/app.toml', 'apps/shouter_client/main.c',
            'apps/shouter_client/app.toml', 'libs/protocols/include/protocols/shouter.h',
            'systems/shouter.toml', 'tests/system/test_shouter.py'} <= set(files)
    taken = [path for path in files if os.path.exists(os.path.join(ROOT, path))]
    assert not taken, f'the doc names files that exist: {taken}'
    try:
        for path, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(ROOT, path)), exist_ok=True)
            with open(os.path.join(ROOT, path), 'w') as f:
                f.write(text)
        build = subprocess.run(['make', '-s', f'BUILD={BUILD}', f'{BUILD}/uapps/shouter.elf',
                                f'{BUILD}/uapps/shouter_client.elf'], cwd=ROOT, capture_output=True, text=True)
        assert build.returncode == 0, build.stdout + build.stderr
        run = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider',
                              'tests/system/test_shouter.py'], cwd=ROOT, capture_output=True, text=True,
                             env=dict(os.environ, ASTER_BUILD=BUILD, ASTER_ISOLATION='user'))
        assert run.returncode == 0 and '\n1 passed' in run.stdout, run.stdout[-3000:]
    finally:
        for path in files:
            full = os.path.join(ROOT, path)
            if os.path.exists(full):
                os.remove(full)
        for folder in ('apps/shouter', 'apps/shouter_client'):
            if os.path.isdir(os.path.join(ROOT, folder)) and not os.listdir(os.path.join(ROOT, folder)):
                os.rmdir(os.path.join(ROOT, folder))
        for leftover in (f'{BUILD}/uapps/shouter.elf', f'{BUILD}/uapps/shouter_client.elf'):
            if os.path.exists(leftover):
                os.remove(leftover)
