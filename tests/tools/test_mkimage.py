"""Tests of tools/mkimage.py: the spec checks and the boot image it writes.

Each test builds a small tree in tmp_path (apps/<name>/app.toml, system.toml,
rootfs files) and runs the tool as a subprocess from there, so that file
names in messages are the relative ones. A mistake must come out as
`file:line: message` with the right line; a good system must decode, with a
reader written here from docs/image-format.md, to exactly what was declared.
"""
import os
import struct
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MKIMAGE = os.path.join(ROOT, 'tools', 'mkimage.py')
NONE = 0xffffffff
SERVICE, LISTEN, INT, BOOL, STRING, STDIN, STDOUT, DEVICETREE, BOOTFS, ARGS = range(1, 11)


class Tree:
    """A scratch tree of apps, system files and root directories."""

    def __init__(self, path):
        self.path = path

    def write(self, name, text):
        full = self.path / name
        full.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            full.write_bytes(text)
        else:
            full.write_text(textwrap.dedent(text).lstrip('\n'))
        return text

    def app(self, name, text):
        self.write(f'elves/{name}.elf', f'the user-mode build of {name}'.encode())
        self.write(f'wasm/{name}.wasm', f'the wasm-mode build of {name}'.encode())
        return self.write(f'apps/{name}/app.toml', text)

    def system(self, text, name='system.toml'):
        return self.write(name, text)

    def run(self, *args, system='system.toml', out='out/system.img'):
        command = [sys.executable, MKIMAGE, '--system', system, '--apps', 'apps']
        command += ['--out', out] if out else []
        if '--elves' not in args and '--check-only' not in args:
            command += ['--elves', 'elves']
        if '--wasm' not in args and '--check-only' not in args:
            command += ['--wasm', 'wasm']
        result = subprocess.run(command + list(args), cwd=self.path, capture_output=True, text=True)
        self.out = self.path / out if out else None
        return result

    def image(self):
        return decode((self.path / 'out/system.img').read_bytes())


@pytest.fixture
def tree(tmp_path):
    return Tree(tmp_path)


def line_of(text, needle, nth=1):
    """The 1-based line of the nth line of `text` (as written) containing `needle`."""
    lines = textwrap.dedent(text).lstrip('\n').split('\n')
    found = [number for number, line in enumerate(lines, 1) if needle in line]
    return found[nth - 1]


def assert_mistake(tree, result, prefix, phrase):
    """Exit 1, no image, and a stderr line `prefix message` whose message has `phrase`."""
    assert result.returncode == 1, result.stderr
    assert result.stdout == ''
    lines = result.stderr.splitlines()
    assert any(line.startswith(prefix + ' ') and phrase in line for line in lines), \
        f'expected {prefix} ... {phrase!r} in:\n{result.stderr}'
    assert tree.out is None or not tree.out.exists()


# --- a small reader of the image, after docs/image-format.md ---------------

def decode(blob):
    """Decodes and validates an image; returns a dict of its contents."""
    fields = struct.unpack_from('<8s14I', blob, 0)
    (magic, version, total, num_apps, apps_offset, num_items, items_offset, num_services,
     services_offset, num_pipes, strings_offset, strings_size, bootfs_offset, bootfs_size, reserved) = fields
    assert (magic, version, total, reserved) == (b'ASTERIMG', 4, len(blob), 0)
    assert total % 8 == 0
    for offset in (apps_offset, items_offset, services_offset, strings_offset, bootfs_offset):
        assert offset % 8 == 0
    assert bootfs_offset % 4096 == 0  # so the kernel can map it into a user-mode fs
    assert apps_offset + 56 * num_apps <= total and items_offset + 24 * num_items <= total
    assert services_offset + 8 * num_services <= total and strings_offset + strings_size <= total
    strings = blob[strings_offset:strings_offset + strings_size]
    assert strings.endswith(b'\0')

    def string(offset):
        assert offset < strings_size
        return strings[offset:strings.index(b'\0', offset)].decode()

    items = []
    for index in range(num_items):
        name, kind, a, b, value = struct.unpack_from('<IIIIq', blob, items_offset + 24 * index)
        item = {'name': string(name), 'kind': kind, 'a': a, 'b': b, 'value': value}
        if kind in (STRING, DEVICETREE) or (kind == ARGS and b > 0):
            item['a'] = string(a)
        items.append(item)
    apps, next_item = [], 0
    for index in range(num_apps):
        (name, isolation, restart, flags, first, count, memory, handles, elf_offset, elf_size,
         delay, delay_max, wasm_offset, wasm_size, program, app_reserved) = struct.unpack_from(
            '<IBBHIIIIIIIIIIII', blob, apps_offset + 56 * index)
        assert app_reserved == 0
        assert flags < 16  # may power off, may inject faults, may spawn, started on demand
        builds = {}
        for kind, offset, size in (('elf', elf_offset, elf_size), ('wasm', wasm_offset, wasm_size)):
            builds[kind] = None
            if size:  # after the bootfs
                assert offset % 8 == 0 and offset >= bootfs_offset + bootfs_size and offset + size <= total
                builds[kind] = blob[offset:offset + size]
            else:
                assert offset == 0
        assert first == next_item, 'items must be contiguous runs in app order'
        next_item += count
        apps.append({'name': string(name), 'program': string(program), 'isolation': isolation, 'restart': restart,
                     'memory_limit_kib': memory, 'handle_limit': handles, **builds,
                     'may_power_off': bool(flags & 1), 'may_inject_faults': bool(flags & 2),
                     'may_spawn': bool(flags & 4), 'on_demand': bool(flags & 8),
                     'restart_delay_ms': delay, 'restart_delay_max_ms': delay_max,
                     'items': items[first:first + count]})
    assert next_item == num_items
    services = [struct.unpack_from('<II', blob, services_offset + 8 * index) for index in range(num_services)]
    services = [(string(name), server) for name, server in services]
    files = decode_bootfs(blob, bootfs_offset, bootfs_size)
    end = (bootfs_offset + bootfs_size if files is not None
           else (strings_offset + strings_size + 7) & ~7)
    seen = set()  # a build shared by instances of one app is packed once
    for app in apps:
        for kind in ('elf', 'wasm'):
            if app[kind] is not None and (app['program'], kind) not in seen:
                seen.add((app['program'], kind))
                end = (end + len(app[kind]) + 7) & ~7
    assert total == end
    return {'apps': apps, 'services': services, 'num_pipes': num_pipes, 'files': files,
            'bootfs_offset': bootfs_offset, 'bootfs_size': bootfs_size}


def decode_bootfs(blob, offset, size):
    """The files as [(path, data)] in image order, or None if there is no bootfs."""
    if offset == 0:
        assert size == 0
        return None
    bootfs = blob[offset:offset + size]
    magic, count, own_size = struct.unpack_from('<8sII', bootfs, 0)
    assert (magic, own_size, len(bootfs)) == (b'ASTERFS1', size, size) and size % 8 == 0
    files = []
    for index in range(count):
        path_offset, path_length, data_offset, data_size = struct.unpack_from('<IIII', bootfs, 16 + 16 * index)
        assert data_offset % 8 == 0 and data_offset + data_size <= size
        assert path_offset + path_length <= size
        files.append((bootfs[path_offset:path_offset + path_length].decode(),
                      bootfs[data_offset:data_offset + data_size]))
    return files


# --- a good system -----------------------------------------------------------

GOOD_APPS = {
    'echo': '''
        name = "echo"
        description = "Echoes"
        [env.greeting]
        type = "config"
        default = "hello"
        description = "what to say"
        [env.times]
        type = "config"
        kind = "integer"
        [env.loud]
        type = "config"
        default = false
        [env.limit]
        type = "config"
        default = -5
        kind = "integer"
        [env.stats]
        type = "service"
        service = "stats"
        [exports]
        services = ["echo"]
        ''',
    'upper': '''
        name = "upper"
        env.input = { type = "stdin" }
        env.output = { type = "stdout" }
        ''',
    'client': '''
        name = "client"
        [env.echo]
        type = "service"
        service = "echo"
        [env.nic]
        type = "devicetree"
        compatible = [
            "virtio,mmio",
            "ns16550a",
        ]
        [env.out]
        type = "stdout"
        [env.files]
        type = "bootfs"
        [exports]
        services = ["stats"]
        ''',
    'wc': '''
        name = "wc"
        [env.input]
        type = "stdin"
        [env.lines]
        type = "config"
        default = true
        [env.big]
        type = "config"
        default = 9223372036854775807
        ''',
}

GOOD_SYSTEM = '''
    description = "a test system"
    [[app]]
    name = "echo"
    [app.config]
    greeting = "hi there"
    times = 3

    [[app]]
    name = "upper"
    isolation = "user"
    restart = "on-failure"
    memory_limit_kib = 4096
    handle_limit = 64
    stdout = "wc"

    [[app]]
    name = "client"
    isolation = "wasm"
    restart = "always"
    stdout = "upper"

    [[app]]
    name = "wc"
    isolation = "vm"
    config = { lines = false }
    '''

GOOD_FILES = {
    'hello.txt': b'Hello, Aster!\n',
    'b/c.txt': b'seven b',
    'b.txt': b'b',
    'a.bin': bytes(range(9)),
    'empty': b'',
    'Z.txt': b'upper case sorts first',
}


def good_tree(tree, files=GOOD_FILES):
    for name, text in GOOD_APPS.items():
        tree.app(name, text)
    tree.system(GOOD_SYSTEM)
    for path, data in files.items():
        tree.write(f'rootfs/{path}', data)


def test_good_system_builds_and_decodes(tree):
    good_tree(tree)
    result = tree.run('--rootfs', 'rootfs')
    assert (result.returncode, result.stdout, result.stderr) == (0, '', '')
    image = tree.image()
    assert [app['name'] for app in image['apps']] == ['echo', 'upper', 'client', 'wc']
    assert [(app['isolation'], app['restart'], app['memory_limit_kib'], app['handle_limit'])
            for app in image['apps']] == [(0, 0, 0, 0), (1, 1, 4096, 64), (2, 2, 0, 0), (3, 0, 0, 0)]
    assert image['services'] == [('echo', 0), ('stats', 2)]
    assert image['num_pipes'] == 2  # pipe 0: upper -> wc, pipe 1: client -> upper

    def items(index):
        return [(i['name'], i['kind'], i['a'], i['b'], i['value']) for i in image['apps'][index]['items']]

    assert items(0) == [('greeting', STRING, 'hi there', 0, 0), ('times', INT, 0, 0, 3),
                        ('loud', BOOL, 0, 0, 0), ('limit', INT, 0, 0, -5),
                        ('stats', SERVICE, 1, 0, 0), ('echo', LISTEN, 0, 0, 0)]
    assert items(1) == [('input', STDIN, 1, 0, 0), ('output', STDOUT, 0, 0, 0)]
    assert items(2) == [('echo', SERVICE, 0, 0, 0), ('nic', DEVICETREE, 'virtio,mmio\nns16550a', 2, 0),
                        ('out', STDOUT, 1, 0, 0), ('files', BOOTFS, 0, 0, 0), ('stats', LISTEN, 1, 0, 0)]
    assert items(3) == [('input', STDIN, 0, 0, 0), ('lines', BOOL, 0, 0, 0),
                        ('big', INT, 0, 0, 2**63 - 1)]
    expected = sorted((('/' + path, data) for path, data in GOOD_FILES.items()), key=lambda f: f[0].encode())
    assert image['files'] == expected
    assert [path for path, _ in image['files']][:4] == ['/Z.txt', '/a.bin', '/b.txt', '/b/c.txt']


def test_unconnected_stdio_and_no_files(tree):
    tree.app('solo', '''
        name = "solo"
        [env.in]
        type = "stdin"
        [env.out]
        type = "stdout"
        ''')
    tree.system('[[app]]\nname = "solo"\n')
    result = tree.run()
    assert result.returncode == 0, result.stderr
    image = tree.image()
    assert [(i['kind'], i['a']) for i in image['apps'][0]['items']] == [(STDIN, NONE), (STDOUT, NONE)]
    assert (image['num_pipes'], image['files'], image['bootfs_offset'], image['bootfs_size']) == (0, None, 0, 0)


def test_empty_rootfs_has_no_bootfs(tree):
    good_tree(tree, files={})
    (tree.path / 'rootfs').mkdir()
    assert tree.run('--rootfs', 'rootfs').returncode == 0
    assert (tree.image()['bootfs_offset'], tree.image()['bootfs_size']) == (0, 0)


def test_isolation_override(tree):
    good_tree(tree)
    assert tree.run('--rootfs', 'rootfs', '--isolation', 'user').returncode == 0
    assert [app['isolation'] for app in tree.image()['apps']] == [1, 1, 1, 1]


def test_isolation_override_leaves_drivers_out_of_wasm(tree):
    # wasm code cannot reach device registers: a driver keeps its mode
    tree.app('drv', 'name = "drv"\n[env.port]\ntype = "devicetree"\ncompatible = ["ns16550a"]\n')
    simple_app(tree, 'b')
    tree.system('[[app]]\nname = "drv"\nisolation = "user"\n[[app]]\nname = "b"\n')
    assert tree.run('--isolation', 'wasm').returncode == 0
    assert [app['isolation'] for app in tree.image()['apps']] == [1, 2]
    assert tree.run('--isolation', 'vm').returncode == 0
    assert [app['isolation'] for app in tree.image()['apps']] == [3, 3]


def test_args_items_and_their_values(tree):
    simple_app(tree, 'a', '[env.words]\ntype = "args"')
    simple_app(tree, 'b', '[env.words]\ntype = "args"')
    tree.system('[[app]]\nname = "a"\nargs = ["-n", "3", "two words"]\n[[app]]\nname = "b"\n')
    assert tree.run().returncode == 0
    apps = tree.image()['apps']
    a = [i for i in apps[0]['items'] if i['kind'] == ARGS][0]
    b = [i for i in apps[1]['items'] if i['kind'] == ARGS][0]
    assert (a['name'], a['a'], a['b']) == ('words', '-n\n3\ntwo words', 3)
    assert (b['a'], b['b']) == (0, 0)  # none given: an empty list


@pytest.mark.parametrize('args, phrase', [
    ('"-n"', 'args must be an array of strings'),
    ('[1]', 'args must be an array of strings'),
    ('["a\\nb"]', 'args: an argument must not contain a newline or NUL'),
    ('[' + ', '.join(['"x"'] * 65) + ']', 'args: at most 64 arguments'),
])
def test_args_mistakes(tree, args, phrase):
    simple_app(tree, 'a', '[env.words]\ntype = "args"')
    text = tree.system(f'[[app]]\nname = "a"\nargs = {args}\n')
    assert_mistake(tree, tree.run(), f'system.toml:{line_of(text, "args")}:', f"app 'a': {phrase}")


def test_args_need_an_args_item_and_only_one(tree):
    simple_app(tree, 'a')
    text = tree.system('[[app]]\nname = "a"\nargs = ["x"]\n')
    assert_mistake(tree, tree.run(), f'system.toml:{line_of(text, "args")}:',
                   "app 'a': args is set, but the app has no env item of type args")
    text = simple_app(tree, 'b', '[env.one]\ntype = "args"\n[env.two]\ntype = "args"')
    tree.system('[[app]]\nname = "b"\n')
    assert_mistake(tree, tree.run(), f'apps/b/app.toml:{line_of(text, "[env.two]")}:',
                   "env.two: a second args item (env.one is already the args)")


def test_instances_of_one_app(tree):
    # two instances of b under their own names and config, sharing its builds
    simple_app(tree, 'b')
    tree.system('[[app]]\nname = "b"\n[[app]]\nname = "b2"\napp = "b"\nconfig = { count = 7 }\n')
    assert tree.run().returncode == 0
    apps = tree.image()['apps']
    assert [(a['name'], a['program']) for a in apps] == [('b', 'b'), ('b2', 'b')]
    assert [i['value'] for i in apps[1]['items'] if i['name'] == 'count'] == [7]
    assert apps[0]['elf'] == apps[1]['elf']
    blob = (tree.path / 'out/system.img').read_bytes()
    assert blob.count(b'the user-mode build of b') == 1  # packed once


@pytest.mark.parametrize('entry, line_key, phrase', [
    ('name = "x"\napp = "nope"', 'app', "app 'nope' does not exist (no apps/nope/app.toml)"),
    ('name = "x"\napp = 3', 'app', "app 'x': app must be the name of an app folder, not an integer"),
    ('name = "x"\napp = "Bad-Name"', 'app', "app 'x': app 'Bad-Name' "),
    ('name = "b"\n[[app]]\nname = "b"\napp = "b"', 'name', "app 'b' is listed twice"),
])
def test_instance_mistakes(tree, entry, line_key, phrase):
    simple_app(tree, 'b')
    text = tree.system('[[app]]\n' + entry + '\n')
    line = line_of(text, f'{line_key} =', 2 if phrase.endswith('listed twice') else 1)
    assert_mistake(tree, tree.run(), f'system.toml:{line}:', phrase)


def test_isolation_override_rejects_unknown_mode(tree):
    good_tree(tree)
    result = tree.run('--isolation', 'usr')
    assert result.returncode != 0 and 'usr' in result.stderr and not tree.out.exists()


def test_check_only_prints_nothing_and_writes_nothing(tree):
    good_tree(tree)
    result = tree.run('--rootfs', 'rootfs', '--check-only', out=None)
    assert (result.returncode, result.stdout, result.stderr) == (0, '', '')
    assert not (tree.path / 'out').exists()


def test_check_only_reports_mistakes(tree):
    good_tree(tree)
    tree.system(GOOD_SYSTEM.replace('isolation = "vm"', 'isolation = "vn"'))
    result = tree.run('--check-only', out=None)
    assert_mistake(tree, result, f'system.toml:{line_of(GOOD_SYSTEM, "vm")}:', 'isolation')


def test_multiple_rootfs_merge(tree):
    good_tree(tree, files={})
    tree.write('one/a.txt', b'A')
    tree.write('one/dir/x', b'X')
    tree.write('two/b.txt', b'BB')
    tree.write('two/dir/y', b'YYY')
    assert tree.run('--rootfs', 'one', '--rootfs', 'two').returncode == 0
    assert tree.image()['files'] == [('/a.txt', b'A'), ('/b.txt', b'BB'), ('/dir/x', b'X'), ('/dir/y', b'YYY')]


def test_system_rootfs_key_adds_a_root(tree):
    good_tree(tree, files={})
    tree.system('rootfs = "files"\n' + textwrap.dedent(GOOD_SYSTEM), name='sys/system.toml')
    tree.write('sys/files/in_system.txt', b'S')
    tree.write('cli/from_cli.txt', b'C')
    assert tree.run('--rootfs', 'cli', system='sys/system.toml').returncode == 0
    assert tree.image()['files'] == [('/from_cli.txt', b'C'), ('/in_system.txt', b'S')]


def test_duplicate_file_path(tree):
    good_tree(tree, files={})
    tree.write('one/etc/motd', b'1')
    tree.write('two/etc/motd', b'2')
    result = tree.run('--rootfs', 'one', '--rootfs', 'two')
    assert_mistake(tree, result, 'two/etc/motd:1:', 'in two root directories')


def test_file_in_one_root_is_directory_in_another(tree):
    good_tree(tree, files={})
    tree.write('one/etc', b'a file')
    tree.write('two/etc/motd', b'2')
    result = tree.run('--rootfs', 'one', '--rootfs', 'two')
    assert_mistake(tree, result, 'one/etc:1:', 'a directory in another root')


def test_missing_system_rootfs_directory(tree):
    good_tree(tree, files={})
    tree.system('rootfs = "nowhere"\n' + textwrap.dedent(GOOD_SYSTEM))
    assert_mistake(tree, tree.run(), 'system.toml:1:', 'does not exist')


def test_file_over_64_mib(tree):
    good_tree(tree, files={})
    tree.write('rootfs/big', b'')
    os.truncate(tree.path / 'rootfs/big', (64 << 20) + 1)  # sparse: fast
    assert_mistake(tree, tree.run('--rootfs', 'rootfs'), 'rootfs/big:1:', 'over the limit of 64 MiB')


def test_image_over_256_mib(tree):
    good_tree(tree, files={})
    for index in range(5):
        tree.write(f'rootfs/part{index}', b'')
        os.truncate(tree.path / f'rootfs/part{index}', 60 << 20)
    assert_mistake(tree, tree.run('--rootfs', 'rootfs'), 'system.toml:1:', 'over the limit of 256 MiB')


def test_service_dependency_cycles_are_allowed(tree):
    for name, other in (('ping', 'pong'), ('pong', 'ping')):
        tree.app(name, f'''
            name = "{name}"
            [env.peer]
            type = "service"
            service = "{other}"
            [exports]
            services = ["{name}"]
            ''')
    tree.system('[[app]]\nname = "ping"\n[[app]]\nname = "pong"\n')
    assert tree.run().returncode == 0
    assert tree.image()['services'] == [('ping', 0), ('pong', 1)]


# --- mistakes ----------------------------------------------------------------

def simple_app(tree, name, extra=''):
    """An app with one config parameter, a stdin and a stdout item, plus `extra`."""
    return tree.app(name, f'''
        name = "{name}"
        [env.count]
        type = "config"
        default = 1
        [env.in]
        type = "stdin"
        [env.out]
        type = "stdout"
        {extra}
        ''')


def system_of(*names, extra=''):
    return ''.join(f'[[app]]\nname = "{name}"\n' for name in names) + extra


# 1. unknown keys

def test_unknown_key_in_env_table(tree):
    text = simple_app(tree, 'a', '[env.x]\ntype = "bootfs"\ncolour = "red"')
    tree.system(system_of('a'))
    assert_mistake(tree, tree.run(), f'apps/a/app.toml:{line_of(text, "colour")}:', "unknown key 'colour'")


def test_unknown_key_at_top_of_app_toml(tree):
    tree.app('a', 'name = "a"\nversion = 2\n')
    tree.system(system_of('a'))
    assert_mistake(tree, tree.run(), 'apps/a/app.toml:2:', "app 'a': unknown key 'version'")


def test_unknown_key_in_exports(tree):
    tree.app('a', 'name = "a"\n[exports]\nservices = ["s"]\nclients = ["t"]\n')
    tree.system(system_of('a'))
    assert_mistake(tree, tree.run(), 'apps/a/app.toml:4:', "unknown key 'clients'")


def test_unknown_key_in_inline_table(tree):
    tree.app('a', 'name = "a"\n\nenv.x = { type = "stdin", size = 3 }\n')
    tree.system(system_of('a'))
    assert_mistake(tree, tree.run(), 'apps/a/app.toml:3:', "env.x of type stdin: unknown key 'size'")


def test_unknown_key_in_system_app(tree):
    simple_app(tree, 'a')
    simple_app(tree, 'b')
    text = tree.system(system_of('a', 'b') + 'priority = 3\n')
    assert_mistake(tree, tree.run(), f'system.toml:{line_of(text, "priority")}:', "app 'b': unknown key 'priority'")


def test_unknown_key_at_top_of_system(tree):
    simple_app(tree, 'a')
    tree.system('name = "demo"\n' + system_of('a'))
    assert_mistake(tree, tree.run(), 'system.toml:1:', "system: unknown key 'name'")


# 2. wrong types

@pytest.mark.parametrize('line, phrase', [
    ('isolation = 3', 'isolation must be one of kernel, user, wasm, vm; got an integer'),
    ('isolation = "usr"', 'isolation must be one of kernel, user, wasm, vm; got "usr"'),
    ('restart = "sometimes"', 'restart must be one of never, on-failure, always'),
    ('memory_limit_kib = 0', 'memory_limit_kib must be an integer from 1'),
    ('memory_limit_kib = 4294967296', 'memory_limit_kib must be an integer from 1'),
    ('handle_limit = 4096', 'handle_limit must be an integer from 1 to 4095'),
    ('handle_limit = true', 'handle_limit must be an integer'),
    ('stdout = 1', 'stdout must be the name of an app'),
    ('config = 5', 'config must be a table'),
])
def test_wrong_type_in_system_app(tree, line, phrase):
    simple_app(tree, 'a')
    text = tree.system(f'# a comment\n[[app]]\nname = "a"\n{line}\n')
    assert_mistake(tree, tree.run(), 'system.toml:4:', f"app 'a': {phrase}")
    assert line_of(text, line) == 4


def test_app_name_not_a_string_in_system(tree):
    tree.system('[[app]]\nname = "a"\n[[app]]\nname = ["b"]\n')
    simple_app(tree, 'a')
    assert_mistake(tree, tree.run(), 'system.toml:4:', "'name' must be a string, not an array")


def test_config_override_of_the_wrong_type(tree):
    simple_app(tree, 'a')
    text = tree.system(system_of('a', extra='[app.config]\ncount = "five"\n'))
    assert_mistake(tree, tree.run(), f'system.toml:{line_of(text, "five")}:',
                   "config override 'count' is a string, but the parameter is an integer")


@pytest.mark.parametrize('table, needle, phrase', [
    ('type = "socket"', 'socket', 'env.x: unknown type "socket"'),
    ('type = 1', 'type', 'env.x: unknown type an integer'),
    ('type = "devicetree"\ncompatible = "virtio,mmio"', 'compatible', 'compatible must be a non-empty array'),
    ('type = "devicetree"\ncompatible = []', 'compatible', 'compatible must be a non-empty array'),
    ('type = "devicetree"\ncompatible = ["a", 2]', 'compatible', 'compatible must be a non-empty array'),
    ('type = "service"\nservice = 7', 'service = 7', 'env.x.service must be a string'),
    ('type = "config"\ndefault = 1.5', 'default', 'env.x.default must be a string, an integer or a boolean'),
    ('type = "config"\ndefault = [1]', 'default', 'not an array'),
    ('type = "config"\ndefault = 9223372036854775808', 'default', 'does not fit in a 64-bit'),
    ('type = "config"\nkind = "float"', 'kind', 'unknown kind "float"'),
    ('type = "config"\ndefault = "x"\nkind = "integer"', 'kind', 'kind "integer" does not agree with the default'),
    ('type = "config"', '[env.x]', "needs a 'default' or a 'kind'"),
    ('type = "config"\ndefault = 1\ndescription = 2', 'description', 'description must be a string'),
])
def test_wrong_type_in_env_item(tree, table, needle, phrase):
    text = tree.app('a', 'name = "a"\n\n[env.x]\n' + table + '\n')
    tree.system(system_of('a'))
    assert_mistake(tree, tree.run(), f'apps/a/app.toml:{line_of(text, needle)}:', phrase)


def test_app_toml_name_not_a_string(tree):
    tree.app('a', '# the app\nname = 1\n')
    tree.system(system_of('a'))
    assert_mistake(tree, tree.run(), 'apps/a/app.toml:2:', "'name' must be a string, not an integer")


@pytest.mark.parametrize('key', ['Big', 'a-b', '9lives', 'x' * 32])
def test_bad_env_key(tree, key):
    tree.app('a', f'name = "a"\n[env.{key}]\ntype = "bootfs"\n')
    tree.system(system_of('a'))
    assert_mistake(tree, tree.run(), 'apps/a/app.toml:2:', f"env key '{key}'")


# 3. a required service that nobody exports

def test_missing_service(tree):
    text = tree.app('a', 'name = "a"\n[env.db]\ntype = "service"\nservice = "database"\n')
    tree.system(system_of('a'))
    assert_mistake(tree, tree.run(), f'apps/a/app.toml:{line_of(text, "database")}:',
                   "app 'a': env.db requires service 'database', which no app in system.toml exports")


# 4. two exporters

def test_service_exported_twice(tree):
    tree.app('a', 'name = "a"\n[exports]\nservices = ["log"]\n')
    tree.app('b', 'name = "b"\n\n[exports]\nservices = ["log"]\n')
    tree.system(system_of('a', 'b'))
    assert_mistake(tree, tree.run(), 'apps/b/app.toml:4:',
                   "app 'b': service 'log' is also exported by app 'a'")


def test_export_clashes_with_env_key(tree):
    tree.app('a', 'name = "a"\n[env.log]\ntype = "bootfs"\n[exports]\nservices = ["log"]\n')
    tree.system(system_of('a'))
    assert_mistake(tree, tree.run(), 'apps/a/app.toml:5:', "exported service 'log' clashes with env key 'log'")


# 5. cycles that cannot be satisfied

def test_app_requires_its_own_service(tree):
    text = tree.app('a', 'name = "a"\n[env.me]\ntype = "service"\nservice = "me_too"\n'
                         '[exports]\nservices = ["me_too"]\n')
    tree.system(system_of('a'))
    assert_mistake(tree, tree.run(), f'apps/a/app.toml:{line_of(text, "service =")}:',
                   'which the app exports itself (a dependency cycle')


def test_pipe_loop_of_two(tree):
    simple_app(tree, 'a')
    simple_app(tree, 'b')
    text = tree.system('[[app]]\nname = "a"\nstdout = "b"\n[[app]]\nname = "b"\nstdout = "a"\n')
    assert_mistake(tree, tree.run(), f'system.toml:{line_of(text, "stdout")}:',
                   "stdout pipes form a loop: 'a' -> 'b' -> 'a'")


def test_pipe_loop_of_three_reported_once_at_its_first_app(tree):
    for name in 'xyabc':
        simple_app(tree, name)
    text = tree.system('[[app]]\nname = "x"\nstdout = "y"\n'
                       '[[app]]\nname = "a"\nstdout = "c"\n'
                       '[[app]]\nname = "b"\nstdout = "a"\n'
                       '[[app]]\nname = "c"\nstdout = "b"\n'
                       '[[app]]\nname = "y"\n')
    result = tree.run()
    assert_mistake(tree, result, f'system.toml:{line_of(text, "stdout", 2)}:',
                   "app 'a': stdout pipes form a loop: 'a' -> 'c' -> 'b' -> 'a' (a pipeline must end)")
    assert len(result.stderr.splitlines()) == 1


def test_pipe_to_itself(tree):
    simple_app(tree, 'a')
    text = tree.system(system_of('a', extra='stdout = "a"\n'))
    assert_mistake(tree, tree.run(), f'system.toml:{line_of(text, "stdout")}:', 'stdout names the app itself')


# 6. an app that does not exist

def test_app_does_not_exist(tree):
    simple_app(tree, 'a')
    text = tree.system(system_of('a', 'ghost'))
    assert_mistake(tree, tree.run(), f'system.toml:{line_of(text, "ghost")}:',
                   "app 'ghost' does not exist (no apps/ghost/app.toml)")


# 7. an override of an undeclared parameter

def test_override_of_undeclared_parameter(tree):
    simple_app(tree, 'a')
    text = tree.system(system_of('a', extra='[app.config]\ncount = 2\ncolour = "red"\n'))
    assert_mistake(tree, tree.run(), f'system.toml:{line_of(text, "colour")}:',
                   "app 'a': config override 'colour': the app declares no such parameter")


def test_override_of_a_non_config_item(tree):
    simple_app(tree, 'a')
    text = tree.system(system_of('a', extra='config = { in = 1 }\n'))
    assert_mistake(tree, tree.run(), f'system.toml:{line_of(text, "config")}:',
                   'env.in is of type stdin, not a config parameter')


# 8. the other mistakes

def test_app_listed_twice(tree):
    simple_app(tree, 'a')
    simple_app(tree, 'b')
    text = tree.system(system_of('a', 'b', 'a'))
    second = line_of(text, 'name = "a"', 2)
    assert_mistake(tree, tree.run(), f'system.toml:{second}:',
                   "app 'a' is listed twice (first at line 1)")


def test_name_differs_from_folder(tree):
    tree.app('a', '# the app\nname = "b"\n')
    tree.system(system_of('a'))
    assert_mistake(tree, tree.run(), 'apps/a/app.toml:2:', 'name "b" does not match the folder name "a"')


def test_missing_name_in_app_toml(tree):
    tree.app('a', '[env.x]\ntype = "bootfs"\n')
    tree.system(system_of('a'))
    assert_mistake(tree, tree.run(), 'apps/a/app.toml:1:', "missing key 'name'")


def test_config_parameter_needs_a_value(tree):
    tree.app('a', 'name = "a"\n[env.port]\ntype = "config"\nkind = "integer"\n')
    tree.system('[[app]]\nname = "a"\nrestart = "always"\n')
    assert_mistake(tree, tree.run(), 'system.toml:1:', "config parameter 'port' has no default and needs a value")
    text = tree.system('[[app]]\nname = "a"\n[app.config]\nother = 1\n')
    assert line_of(text, '[app.config]') == 3
    assert_mistake(tree, tree.run(), 'system.toml:3:', "'port' has no default and needs a value")


def test_stdout_to_app_without_stdin(tree):
    simple_app(tree, 'a')
    tree.app('sink', 'name = "sink"\n')
    text = tree.system(system_of('a', 'sink').replace('name = "a"\n', 'name = "a"\nstdout = "sink"\n'))
    assert_mistake(tree, tree.run(), f'system.toml:{line_of(text, "stdout")}:',
                   "stdout names app 'sink', which has no env item of type stdin")


def test_stdout_to_app_not_in_system(tree):
    simple_app(tree, 'a')
    simple_app(tree, 'b')  # exists in apps/ but is not part of this system
    text = tree.system(system_of('a', extra='stdout = "b"\n'))
    assert_mistake(tree, tree.run(), f'system.toml:{line_of(text, "stdout")}:',
                   "stdout names 'b', which is not an app of this system")


def test_two_apps_pipe_into_one_stdin(tree):
    for name in 'abc':
        simple_app(tree, name)
    text = tree.system('[[app]]\nname = "a"\nstdout = "c"\n[[app]]\nname = "b"\nstdout = "c"\n[[app]]\nname = "c"\n')
    assert_mistake(tree, tree.run(), f'system.toml:{line_of(text, "stdout", 2)}:',
                   "app 'b': stdout names app 'c', whose stdin already receives the stdout of app 'a'")


def test_stdout_set_on_app_without_stdout_item(tree):
    tree.app('quiet', 'name = "quiet"\n')
    simple_app(tree, 'b')
    text = tree.system('[[app]]\nname = "quiet"\nstdout = "b"\n[[app]]\nname = "b"\n')
    assert_mistake(tree, tree.run(), f'system.toml:{line_of(text, "stdout")}:',
                   "app 'quiet': stdout is set, but the app has no env item of type stdout")


def test_second_stdin_item(tree):
    text = simple_app(tree, 'a', '[env.more]\ntype = "stdin"')
    tree.system(system_of('a'))
    assert_mistake(tree, tree.run(), f'apps/a/app.toml:{line_of(text, "[env.more]")}:',
                   'env.more: a second stdin item (env.in is already the stdin)')


def test_toml_syntax_error_in_app_toml(tree):
    tree.app('a', 'name = "a"\n[env.x]\ntype = "stdin\n')
    tree.system(system_of('a'))
    assert_mistake(tree, tree.run(), 'apps/a/app.toml:3:', 'TOML syntax error')


def test_toml_syntax_error_in_system_toml(tree):
    simple_app(tree, 'a')
    tree.system('[[app]]\nname = "a"\n\nisolation = = "user"\n')
    assert_mistake(tree, tree.run(), 'system.toml:4:', 'TOML syntax error')


def test_system_without_apps(tree):
    tree.system('description = "nothing"\n')
    assert_mistake(tree, tree.run(), 'system.toml:1:', 'a system needs at least one app')


def test_all_mistakes_are_reported(tree):
    simple_app(tree, 'a')
    tree.app('b', 'name = "b"\nextra = 1\n')
    text = tree.system('[[app]]\nname = "a"\nisolation = "usr"\n[app.config]\nnope = 1\n'
                       '[[app]]\nname = "b"\nrestart = "sometimes"\n[[app]]\nname = "ghost"\n')
    result = tree.run()
    assert result.returncode == 1
    prefixes = [line.split(' ')[0] for line in result.stderr.splitlines()]
    assert sorted(prefixes) == sorted(['system.toml:3:', 'system.toml:5:', 'system.toml:8:',
                                       'system.toml:10:', 'apps/b/app.toml:2:'])
    assert line_of(text, 'nope') == 5 and line_of(text, 'ghost') == 10


# --- the line locator, on awkward but valid TOML ------------------------------

def test_lines_survive_multiline_strings_and_arrays(tree):
    text = tree.app('a', '''
        name = "a"
        description = """
        [env.fake]
        bogus = 1
        """
        [env.list]
        type = "devicetree"
        compatible = [
            "x", # [env.also_fake]
            "y",
        ]
        [env.x]
        type = "config"
        'quoted.key' = 1
        ''')
    tree.system(system_of('a'))
    assert_mistake(tree, tree.run(), f'apps/a/app.toml:{line_of(text, "quoted.key")}:',
                   "unknown key 'quoted.key'")


def test_lines_of_dotted_keys_and_later_app_tables(tree):
    simple_app(tree, 'a')
    simple_app(tree, 'b')
    text = tree.system('''
        [[app]]
        name = "a"
        config.count = 2
        [[app]]
        name = "b"
        config.count = 3
        config.size = 4
        ''')
    assert_mistake(tree, tree.run(), f'system.toml:{line_of(text, "size")}:',
                   "app 'b': config override 'size'")


def test_missing_rootfs_directory_on_the_command_line(tree):
    good_tree(tree, files={})
    result = tree.run('--rootfs', 'nowhere')
    assert result.returncode != 0 and '--rootfs nowhere: no such directory' in result.stderr
    assert not tree.out.exists()


def test_every_app_carries_every_build_there_is(tree):
    # (so that an app can be spawned in another mode than its own)
    tree.app('lower', 'name = "lower"\n')
    tree.app('upper', 'name = "upper"\n')
    tree.system('[[app]]\nname = "lower"\n\n[[app]]\nname = "upper"\nisolation = "user"\n')
    tree.write('rootfs/a.txt', 'a file, so that the builds follow a bootfs\n')
    assert tree.run('--rootfs', 'rootfs').returncode == 0
    apps = {app['name']: app for app in tree.image()['apps']}
    for name in ('lower', 'upper'):
        assert apps[name]['elf'] == f'the user-mode build of {name}'.encode()
        assert apps[name]['wasm'] == f'the wasm-mode build of {name}'.encode()


def test_only_the_builds_that_exist_are_packed(tree):
    tree.app('lower', 'name = "lower"\n')
    tree.app('upper', 'name = "upper"\n')
    (tree.path / 'wasm/lower.wasm').unlink()
    (tree.path / 'elves/upper.elf').unlink()
    tree.system('[[app]]\nname = "lower"\n[[app]]\nname = "upper"\nisolation = "wasm"\n')
    assert tree.run().returncode == 0
    apps = {app['name']: app for app in tree.image()['apps']}
    assert apps['lower']['elf'] == b'the user-mode build of lower' and apps['lower']['wasm'] is None
    assert apps['upper']['elf'] is None and apps['upper']['wasm'] == b'the wasm-mode build of upper'


def elf_file(segments, tail=b''):
    """A small ELF64 executable: one PT_LOAD per (offset, bytes), section
    headers claimed at the end, `tail` (symbols, say) after the segments."""
    phoff, count = 64, len(segments)
    body_end = max([phoff + 56 * count] + [offset + len(data) for offset, data in segments])
    shoff = body_end + len(tail)
    header = struct.pack('<16sHHIQQQIHHHHHH', b'\x7fELF\x02\x01\x01' + bytes(9), 2, 243, 1, 0x10000,
                         phoff, shoff, 0, 64, 56, count, 64, 5, 4)
    blob = bytearray(header + bytes(body_end - 64))
    for index, (offset, data) in enumerate(segments):
        struct.pack_into('<IIQQQQQQ', blob, phoff + 56 * index, 1, 5, offset, 0x10000 + offset, 0,
                         len(data), len(data), 0x1000)
        blob[offset:offset + len(data)] = data
    return bytes(blob) + tail


def test_elf_files_are_packed_without_what_is_not_loaded(tree):
    elf = elf_file([(0x100, b'text' * 8), (0x200, b'data')], tail=b'symbols and section headers' * 40)
    tree.app('prog', 'name = "prog"\n')
    tree.write('elves/prog.elf', elf)
    tree.system('[[app]]\nname = "prog"\nisolation = "user"\n')
    assert tree.run().returncode == 0
    packed = tree.image()['apps'][0]['elf']
    assert len(packed) == 0x204  # up to the end of the last segment
    assert packed[64:] == elf[64:0x204]
    header = struct.unpack_from('<16sHHIQQQIHHHHHH', packed)
    assert header[6] == 0 and header[11:14] == (0, 0, 0)  # no section headers
    assert header[:6] == struct.unpack_from('<16sHHIQQQIHHHHHH', elf)[:6]
    # what does not parse as ELF64 goes in whole, for the kernel to refuse
    tree.write('elves/prog.elf', b'\x7fELF but not really' + bytes(100))
    assert tree.run().returncode == 0
    assert tree.image()['apps'][0]['elf'] == b'\x7fELF but not really' + bytes(100)


def test_a_missing_wasm_mode_build_is_a_mistake(tree):
    tree.app('upper', 'name = "upper"\n')
    tree.system('[[app]]\nname = "upper"\nisolation = "wasm"\n')
    result = tree.run('--wasm', 'nowhere')
    assert result.returncode == 1
    assert result.stderr.startswith("system.toml:1: app 'upper' runs in wasm mode, but its build "
                                    "nowhere/upper.wasm is missing (pass --wasm DIR)")


def test_a_missing_user_mode_build_is_a_mistake(tree):
    tree.app('upper', 'name = "upper"\n')
    tree.system('[[app]]\nname = "upper"\nisolation = "user"\n')
    result = tree.run('--elves', 'nowhere')
    assert result.returncode == 1
    assert result.stderr.startswith("system.toml:1: app 'upper' runs in user mode, but its build "
                                    "nowhere/upper.elf is missing")
    assert tree.run('--check-only', out=None).returncode == 0  # checking needs no builds


def test_permissions_are_declared_and_packed(tree):
    tree.app('tester', 'name = "tester"\n\n[permissions]\npower_off = true\n')
    tree.app('plain', 'name = "plain"\n')
    tree.system('[[app]]\nname = "tester"\n\n[[app]]\nname = "plain"\n')
    assert tree.run().returncode == 0
    assert [app['may_power_off'] for app in tree.image()['apps']] == [True, False]


def test_a_bad_permission_is_a_mistake(tree):
    tree.app('tester', 'name = "tester"\n\n[permissions]\npower_off = 1\nreboot = true\n')
    tree.system('[[app]]\nname = "tester"\n')
    result = tree.run()
    assert result.returncode == 1
    assert "apps/tester/app.toml:4: app 'tester': permission 'power_off' must be true or false" in result.stderr
    assert "apps/tester/app.toml:5: app 'tester': unknown key 'reboot'" in result.stderr


def test_a_wasi_program_always_runs_in_wasm_mode(tree):
    tree.app('prog', 'name = "prog"\nwasi = true\n')
    tree.app('plain', 'name = "plain"\n')
    tree.system('[[app]]\nname = "prog"\n[[app]]\nname = "plain"\n')
    assert tree.run('--isolation', 'user').returncode == 0
    apps = {app['name']: app for app in tree.image()['apps']}
    assert apps['prog']['isolation'] == 2 and apps['prog']['wasm'] == b'the wasm-mode build of prog'
    assert apps['prog']['elf'] is None  # a WASI program has no other build
    assert apps['plain']['isolation'] == 1


def test_a_wasi_program_in_another_mode_is_a_mistake(tree):
    tree.app('prog', 'name = "prog"\nwasi = true\n')
    tree.system('[[app]]\nname = "prog"\nisolation = "user"\n')
    result = tree.run()
    assert result.returncode == 1
    assert result.stderr.strip() == ("system.toml:3: app 'prog' is a WASI program (wasi = true in its "
                                     "app.toml): it runs only in wasm mode")
    tree.app('prog', 'name = "prog"\nwasi = "yes"\n')
    result = tree.run('--check-only', out=None)
    assert result.returncode == 1
    assert "apps/prog/app.toml:2: app 'prog': 'wasi' must be true or false" in result.stderr


def test_start_false_apps_are_packed_for_spawning(tree):
    tree.app('shell', 'name = "shell"\n\n[permissions]\nspawn = true\n')
    tree.app('grep', 'name = "grep"\n[env.pattern]\ntype = "config"\nkind = "string"\n'
                     '[env.count]\ntype = "config"\nkind = "integer"\n[env.quiet]\ntype = "config"\ndefault = false\n')
    tree.system('[[app]]\nname = "shell"\n\n[[app]]\nname = "grep"\nstart = false\n')
    assert tree.run().returncode == 0, tree.run().stderr
    shell, grep = tree.image()['apps']
    assert (shell['may_spawn'], shell['on_demand']) == (True, False)
    assert (grep['may_spawn'], grep['on_demand']) == (False, True)
    # parameters with no value are marked for the spawner to give
    assert [(item['name'], item['kind'], item['b']) for item in grep['items']] == \
        [('pattern', STRING, 1), ('count', INT, 1), ('quiet', BOOL, 0)]


def test_an_app_started_at_boot_needs_every_value(tree):
    tree.app('grep', 'name = "grep"\n[env.pattern]\ntype = "config"\nkind = "string"\n')
    tree.system('[[app]]\nname = "grep"\nstart = true\n')
    result = tree.run()
    assert_mistake(tree, result, 'system.toml:1:', "config parameter 'pattern' has no default and needs a value")


@pytest.mark.parametrize('entry, app_toml, phrase', [
    ('start = "no"', 'name = "a"\n', 'start must be true or false, not a string'),
    ('start = false\nrestart = "always"', 'name = "a"\n', 'a spawned app is not restarted'),
    ('start = false', 'name = "a"\n[exports]\nservices = ["kv"]\n', 'so it must start at boot'),
    ('start = false\nstdout = "b"', 'name = "a"\n[env.out]\ntype = "stdout"\n', 'the app has start = false'),
])
def test_start_false_mistakes(tree, entry, app_toml, phrase):
    tree.app('a', app_toml)
    tree.app('b', 'name = "b"\n[env.in]\ntype = "stdin"\n')
    tree.system(f'[[app]]\nname = "a"\n{entry}\n\n[[app]]\nname = "b"\n')
    result = tree.run()
    assert result.returncode == 1 and phrase in result.stderr, result.stderr


def test_a_pipe_into_a_start_false_app_is_a_mistake(tree):
    tree.app('a', 'name = "a"\n[env.out]\ntype = "stdout"\n')
    tree.app('b', 'name = "b"\n[env.in]\ntype = "stdin"\n')
    tree.system('[[app]]\nname = "a"\nstdout = "b"\n\n[[app]]\nname = "b"\nstart = false\n')
    result = tree.run()
    assert result.returncode == 1 and "stdout names app 'b', which has start = false" in result.stderr


# tools/check_apps.py: every app.toml, listed by a system or not

CHECK_APPS = os.path.join(ROOT, 'tools', 'check_apps.py')


def check_apps(tree):
    return subprocess.run([sys.executable, CHECK_APPS, '--apps', 'apps'], cwd=tree.path,
                          capture_output=True, text=True)


def test_an_app_no_system_lists_is_checked_too(tree):
    simple_app(tree, 'listed')
    text = tree.app('unlisted', 'name = "unlisted"\n[env.x]\ntype = "config"\ndefault = 1\ncolour = "red"\n')
    tree.system(system_of('listed'))
    assert tree.run().returncode == 0  # the system alone is fine
    result = check_apps(tree)
    assert result.returncode == 1
    assert result.stderr.startswith(f'apps/unlisted/app.toml:{line_of(text, "colour")}: '), result.stderr
    assert 'colour' in result.stderr


def test_check_apps_accepts_good_apps_and_wants_an_app_toml(tree):
    simple_app(tree, 'a')
    simple_app(tree, 'b')
    assert check_apps(tree).returncode == 0
    tree.write('apps/c/main.c', 'void main(void) {}\n')
    result = check_apps(tree)
    assert result.returncode == 1
    assert "apps/c/main.c:1: app 'c' has no app.toml" in result.stderr
