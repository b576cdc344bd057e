"""The docs stand alone: no text of the project points at a file outside the
repository, and every relative link in README.md and docs/ names a file
that exists."""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def tracked_files():
    out = subprocess.run(['git', 'ls-files'], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [path for path in out.splitlines() if os.path.isfile(os.path.join(ROOT, path))]


def test_nothing_cites_a_document_outside_the_repository():
    outside = re.compile(r'DESIGN\.md|STYLE\.md|ANCHORS\.md|\.\./shared/')
    found = []
    for path in tracked_files():
        if path.endswith(('.md', '.c', '.h', '.py', '.toml', '.mk', '.S', '.sh', '.txt')) or path == 'Makefile':
            if path == 'tests/tools/test_docs.py':
                continue
            with open(os.path.join(ROOT, path), errors='replace') as f:
                for number, line in enumerate(f, 1):
                    if outside.search(line):
                        found.append(f'{path}:{number}: {line.strip()}')
    assert not found, '\n'.join(found)


def test_relative_links_in_the_docs_resolve():
    link = re.compile(r'\]\(([^)#\s]+)(#[^)]*)?\)')
    broken = []
    for path in ['README.md'] + [f'docs/{name}' for name in sorted(os.listdir(os.path.join(ROOT, 'docs')))]:
        if not path.endswith('.md'):
            continue
        with open(os.path.join(ROOT, path)) as f:
            for number, line in enumerate(f, 1):
                for target, _ in link.findall(line):
                    if re.match(r'[a-z]+:', target):
                        continue  # a URL
                    if not os.path.exists(os.path.join(ROOT, os.path.dirname(path), target)):
                        broken.append(f'{path}:{number}: {target}')
    assert not broken, '\n'.join(broken)


def test_the_libc_list_in_the_docs_is_the_headers():
    # docs/writing-an-app.md lists the libc's functions: exactly those the
    # headers declare
    with open(os.path.join(ROOT, 'docs', 'writing-an-app.md')) as f:
        text = f.read()
    for header in ('string', 'stdio', 'stdlib', 'ctype'):
        with open(os.path.join(ROOT, 'libs', 'c', 'include', f'{header}.h')) as f:
            code = re.sub(r'//[^\n]*', '', f.read())
        # a declaration: a name, its parameters, then ';' (or an inline body)
        declared = set(re.findall(r'\b([a-z_][a-z0-9_]*)\((?:[^()]|\([^()]*\))*\)\s*[;{]', code))
        row = re.search(rf'^\| `<{header}\.h>` \| (.*) \|$', text, re.M)
        assert row, header
        listed = set(re.findall(r'\b([a-z_][a-z0-9_]*)\b', ' '.join(re.findall(r'`([^`]*)`', row.group(1)))))
        missing = {name for name in declared if name not in listed and not name.startswith('_')}
        assert not missing, f'<{header}.h> declares {sorted(missing)}, which the docs do not list'


def sdk_functions():
    """Every function the SDK's public headers declare (not the internals
    that macros call, named aster_*)."""
    names = set()
    folder = os.path.join(ROOT, 'libs', 'aster', 'include', 'aster')
    for header in sorted(os.listdir(folder)):
        with open(os.path.join(folder, header)) as f:
            code = re.sub(r'//[^\n]*', '', f.read())
        names |= set(re.findall(r'\b([a-z_][a-z0-9_]*)\((?:[^()]|\([^()]*\))*\)\s*[;{]', code))
    return {name for name in names if not name.startswith('aster_') and name not in ('volatile', 'read_instret')}


def test_llms_txt_names_every_sdk_function():
    with open(os.path.join(ROOT, 'docs', 'llms.txt')) as f:
        text = f.read()
    functions = sdk_functions()
    assert len(functions) > 100  # the scan found the headers' functions
    missing = sorted(name for name in functions if not re.search(rf'\b{name}\b', text))
    assert not missing, f'docs/llms.txt does not name {missing}'


def test_readme_links_llms_txt():
    with open(os.path.join(ROOT, 'README.md')) as f:
        assert '(docs/llms.txt)' in f.read()


def test_no_lwip_source_is_committed():
    # lwIP comes from Debian's source package at build time (tools/fetch_lwip.sh)
    marks = ('Swedish Institute of Computer Science', 'Adam Dunkels <adam@sics.se>')
    found = []
    for path in tracked_files():
        with open(os.path.join(ROOT, path), errors='replace') as f:
            text = f.read()
        if path != 'tests/tools/test_docs.py' and any(mark in text for mark in marks):
            found.append(path)
    assert not found, found
