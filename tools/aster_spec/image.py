"""Packing the boot image, exactly as docs/image-format.md describes it.

Layout, every section starting 8-byte aligned:

  header (64) | apps (40 each) | items (24 each) | services (8 each)
  | strings | padding to a page | bootfs | the executables of user- and wasm-mode apps
  | (end: total_size, a multiple of 8)

The bootfs starts on a 4 KiB boundary so the kernel can map it into a
user-mode fs server without copying.

`Layout` computes every offset from the manifest and the file sizes alone,
so the size limit is checked before any file is read; `Layout.write` then
streams the image to a file.
"""
import os
import struct
from dataclasses import dataclass, field

MAX_IMAGE_SIZE = 256 << 20
VERSION = 2

# App flags.
APP_MAY_POWER_OFF = 1      # [permissions] power_off: the app may end the system
APP_MAY_INJECT_FAULTS = 2  # [permissions] inject_faults: test-only fault injection

# Item kinds.
SERVICE, LISTEN, INT, BOOL, STRING, STDIN, STDOUT, DEVICETREE, BOOTFS = range(1, 10)

HEADER = struct.Struct('<8s14I')
APP = struct.Struct('<IBBHIIIIIIII')
ITEM = struct.Struct('<IIIIq')
SERVICE_RECORD = struct.Struct('<II')
BOOTFS_HEADER = struct.Struct('<8sII')
BOOTFS_FILE = struct.Struct('<IIII')
assert (HEADER.size, APP.size, ITEM.size, SERVICE_RECORD.size) == (64, 40, 24, 8)


@dataclass
class Item:
    name: str
    kind: int
    a: int = 0
    b: int = 0
    value: int = 0
    string: str = None  # STRING and DEVICETREE: a becomes this string's offset


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
    the executables (ELF files of user-mode apps, modules of wasm-mode
    apps; builds: app name -> path)."""

    def __init__(self, manifest, files, builds=None):
        self.files = files
        builds = builds or {}
        strings = Strings()  # filled first: its size places everything after it
        for app in manifest.apps:
            strings.add(app.name)
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
        self.builds = []  # (path, offset), after the bootfs
        code_fields = {}
        for app in manifest.apps:
            if app.name in builds:
                size = os.path.getsize(builds[app.name])
                self.builds.append((builds[app.name], cursor))
                code_fields[app.name] = (cursor, size)
                cursor = align8(cursor + size)
        self.total_size = cursor

        apps, items = [], []
        for app in manifest.apps:
            code_offset, code_size = code_fields.get(app.name, (0, 0))
            apps.append(APP.pack(strings.add(app.name), app.isolation, app.restart, app.flags, len(items),
                                 len(app.items), app.memory_limit_kib, app.handle_limit,
                                 code_offset, code_size, app.restart_delay_ms, app.restart_delay_max_ms))
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
        for path, offset in self.builds:
            out.write(bytes(offset - position))
            with open(path, 'rb') as f:
                data = f.read()
            out.write(data)
            position = offset + len(data)
        out.write(bytes(self.total_size - position))


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
