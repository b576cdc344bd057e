"""Packing the boot image, exactly as docs/image-format.md describes it.

Layout, every section starting 8-byte aligned:

  header (64) | apps (48 each) | items (24 each) | services (8 each)
  | strings | padding to a page | bootfs | the builds of the apps (ELF files
  | trimmed to what is loaded, WebAssembly modules) | (end: total_size, a multiple of 8)

The bootfs starts on a 4 KiB boundary so the kernel can map it into a
user-mode fs server without copying.

`Layout` computes every offset from the manifest, the sizes of the files
and the builds (read whole: an ELF file is packed trimmed to what is
loaded), so the size limit is checked before any file of the file system
is read; `Layout.write` then streams the image to a file.
"""
import os
import struct
from dataclasses import dataclass, field

MAX_IMAGE_SIZE = 256 << 20
VERSION = 4

# App flags.
APP_MAY_POWER_OFF = 1      # [permissions] power_off: the app may end the system
APP_MAY_INJECT_FAULTS = 2  # [permissions] inject_faults: test-only fault injection
APP_MAY_SPAWN = 4          # [permissions] spawn: the app may start apps at run time
APP_ON_DEMAND = 8          # start = false: not started at boot, only spawned

# Item flags (field b of INT, BOOL and STRING items).
ITEM_UNSET = 1  # no value: whoever spawns the app must give one

# Item kinds.
SERVICE, LISTEN, INT, BOOL, STRING, STDIN, STDOUT, DEVICETREE, BOOTFS, ARGS = range(1, 11)
ARGS_MAX = 64  # arguments in an args item

HEADER = struct.Struct('<8s14I')
APP = struct.Struct('<IBBHIIIIIIIIIIII')
ITEM = struct.Struct('<IIIIq')
SERVICE_RECORD = struct.Struct('<II')
BOOTFS_HEADER = struct.Struct('<8sII')
BOOTFS_FILE = struct.Struct('<IIII')
assert (HEADER.size, APP.size, ITEM.size, SERVICE_RECORD.size) == (64, 56, 24, 8)


@dataclass
class Item:
    name: str
    kind: int
    a: int = 0
    b: int = 0
    value: int = 0
    string: str = None  # STRING, DEVICETREE and ARGS: a becomes this string's offset


@dataclass
class App:
    name: str
    isolation: int
    restart: int
    memory_limit_kib: int
    handle_limit: int
    items: list = field(default_factory=list)
    flags: int = 0  # APP_* bits
    restart_delay_ms: int = 0      # 0: the kernel's default
    restart_delay_max_ms: int = 0  # 0: the kernel's default
    wasi: bool = False             # a WASI program: only its module is packed
    program: str = None            # its folder under apps/ (None: the same as name)


@dataclass
class Service:
    name: str
    server: int  # index of the exporting app


def align8(offset):
    return (offset + 7) & ~7


def align_page(offset):
    return (offset + 4095) & ~4095


class Strings:
    """The strings blob: NUL-terminated UTF-8 strings, each stored once."""

    def __init__(self):
        self.blob = bytearray()
        self.offsets = {}

    def add(self, text):
        if text not in self.offsets:
            self.offsets[text] = len(self.blob)
            self.blob += text.encode() + b'\0'
        return self.offsets[text]


class Layout:
    """The image of a Manifest, its files (rootfs.File, sorted by path) and
    the builds of its apps (builds: app name -> {'elf': path, 'wasm': path},
    each optional)."""

    def __init__(self, manifest, files, builds=None):
        self.files = files
        builds = builds or {}
        strings = Strings()  # filled first: its size places everything after it
        for app in manifest.apps:
            strings.add(app.name)
            strings.add(app.program or app.name)
            for item in app.items:
                strings.add(item.name)
                if item.string is not None:
                    strings.add(item.string)
        for service in manifest.services:
            strings.add(service.name)
        num_items = sum(len(app.items) for app in manifest.apps)
        apps_offset = HEADER.size
        items_offset = apps_offset + APP.size * len(manifest.apps)
        services_offset = items_offset + ITEM.size * num_items
        strings_offset = services_offset + SERVICE_RECORD.size * len(manifest.services)
        end = strings_offset + len(strings.blob)
        end = align_page(end) if files else align8(end)
        self.bootfs_head, self.data_offsets, bootfs_size = _bootfs_layout(files)
        bootfs_offset = end if files else 0

        cursor = end + bootfs_size
        self.builds = []  # (bytes, offset), after the bootfs
        code_fields, packed = {}, {}  # packed: each build once, however many instances use it
        for app in manifest.apps:
            fields = []
            for kind in ('elf', 'wasm'):
                path = builds.get(app.program or app.name, {}).get(kind)
                if path is None:
                    fields += [0, 0]
                    continue
                if path not in packed:
                    data = _read_build(path, kind)
                    self.builds.append((data, cursor))
                    packed[path] = (cursor, len(data))
                    cursor = align8(cursor + len(data))
                fields += list(packed[path])
            code_fields[app.name] = fields
        self.total_size = cursor

        apps, items = [], []
        for app in manifest.apps:
            elf_offset, elf_size, wasm_offset, wasm_size = code_fields[app.name]
            apps.append(APP.pack(strings.add(app.name), app.isolation, app.restart, app.flags, len(items),
                                 len(app.items), app.memory_limit_kib, app.handle_limit,
                                 elf_offset, elf_size, app.restart_delay_ms, app.restart_delay_max_ms,
                                 wasm_offset, wasm_size, strings.add(app.program or app.name), 0))
            for item in app.items:
                a = item.a if item.string is None else strings.add(item.string)
                items.append(ITEM.pack(strings.add(item.name), item.kind, a, item.b, item.value))
        services = [SERVICE_RECORD.pack(strings.add(s.name), s.server) for s in manifest.services]
        header = HEADER.pack(b'ASTERIMG', VERSION, self.total_size, len(apps), apps_offset,
                             len(items), items_offset, len(services), services_offset,
                             manifest.num_pipes, strings_offset, len(strings.blob),
                             bootfs_offset, bootfs_size, 0)
        self.head = header + b''.join(apps + items + services) + strings.blob
        self.head += bytes(end - len(self.head))

    def write(self, out):
        """Writes the image to the binary file `out`; raises OSError if a file cannot be read."""
        out.write(self.head)
        written = len(self.bootfs_head)
        out.write(self.bootfs_head)
        for file, offset in zip(self.files, self.data_offsets):
            out.write(bytes(offset - written))
            with open(file.source, 'rb') as f:
                data = f.read(file.size + 1)
            if len(data) != file.size:
                raise OSError(f'{file.source} changed size while the image was built')
            out.write(data)
            written = offset + file.size
        position = len(self.head) + written
        for data, offset in self.builds:
            out.write(bytes(offset - position))
            out.write(data)
            position = offset + len(data)
        out.write(bytes(self.total_size - position))


def _read_build(path, kind):
    """A build's bytes for the image: a module whole, an ELF file trimmed."""
    with open(path, 'rb') as f:
        data = f.read()
    return trim_elf(data) if kind == 'elf' else data


ELF_HEADER = struct.Struct('<16sHHIQQQIHHHHHH')
ELF_PHDR = struct.Struct('<IIQQQQQQ')


def trim_elf(data):
    """An ELF64 file without what the kernel does not load: the bytes past the
    program headers and the segments they describe (symbols, section
    headers, debug info) are cut and the section header fields zeroed. A
    file that does not parse as such is kept whole, for the kernel to judge."""
    if len(data) < ELF_HEADER.size or data[:4] != b'\x7fELF' or data[4] != 2 or data[5] != 1:
        return data
    fields = list(ELF_HEADER.unpack_from(data))
    phoff, phentsize, phnum = fields[5], fields[9], fields[10]
    if phentsize != ELF_PHDR.size or phnum == 0 or phoff + phnum * phentsize > len(data):
        return data
    end = max(ELF_HEADER.size, phoff + phnum * phentsize)
    for index in range(phnum):
        _, _, offset, _, _, filesz, _, _ = ELF_PHDR.unpack_from(data, phoff + index * phentsize)
        if offset + filesz > len(data):
            return data
        end = max(end, offset + filesz)
    fields[6] = 0                                # e_shoff
    fields[11], fields[12], fields[13] = 0, 0, 0  # e_shentsize, e_shnum, e_shstrndx
    return ELF_HEADER.pack(*fields) + data[ELF_HEADER.size:end]


def _bootfs_layout(files):
    """The bootfs up to its first data: (bytes, data offsets, total bootfs size).

    bootfs: header (16) | file table (16 each) | paths (no NULs) | padding
    | each file's data at an 8-aligned offset | padding to a multiple of 8.
    No files: no bootfs at all (size 0).
    """
    if not files:
        return b'', [], 0
    paths = [file.path.encode() for file in files]
    path_offset = BOOTFS_HEADER.size + BOOTFS_FILE.size * len(files)
    data_offset = align8(path_offset + sum(len(path) for path in paths))
    table, data_offsets = [], []
    for path, file in zip(paths, files):
        table.append(BOOTFS_FILE.pack(path_offset, len(path), data_offset, file.size))
        data_offsets.append(data_offset)
        path_offset += len(path)
        data_offset = align8(data_offset + file.size)
    size = data_offset
    head = BOOTFS_HEADER.pack(b'ASTERFS1', len(files), size) + b''.join(table) + b''.join(paths)
    return head, data_offsets, size
