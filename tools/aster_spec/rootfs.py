"""Collecting the files of the boot image from one or more root directories.

The roots merge into one tree: `/hello.txt` is `ROOT/hello.txt` of whichever
root holds it. The same path in two roots, or a path that is a file in one
root and a directory in another, is a mistake. Symbolic links to files are
followed; directories that are symbolic links are refused (no loops).
"""
import os
from dataclasses import dataclass

MAX_FILE_SIZE = 64 << 20


@dataclass
class File:
    path: str     # absolute path in the image: "/docs/a.txt"
    source: str   # where it is read from on the host
    size: int


def collect(roots, report):
    """The files of all `roots` (directories), sorted by path (as UTF-8 bytes); mistakes go to `report`."""
    files, seen_roots = {}, set()
    for root in roots:
        if os.path.realpath(root) in seen_roots:
            continue  # the same directory named twice holds no duplicates
        seen_roots.add(os.path.realpath(root))
        for file in _walk(root, report):
            if file.path in files:
                report.add(file.source, 1,
                           f"bootfs path {file.path} is in two root directories "
                           f"(also {files[file.path].source})")
            else:
                files[file.path] = file
    _check_file_directory_clashes(files, report)
    return sorted(files.values(), key=lambda file: file.path.encode())


def _walk(root, report):
    """Yields the regular files under `root`, reporting what cannot be packed."""
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        for name in subdirectories:
            if os.path.islink(os.path.join(directory, name)):
                report.add(os.path.join(directory, name), 1,
                           'a symbolic link to a directory (not followed; copy the files instead)')
        for name in sorted(names):
            source = os.path.join(directory, name)
            path = '/' + os.path.relpath(source, root).replace(os.sep, '/')
            if not os.path.isfile(source):
                report.add(source, 1, 'not a regular file (or a broken symbolic link)')
                continue
            try:
                path.encode('utf-8')
            except UnicodeEncodeError:
                report.add(source, 1, 'the file name is not valid UTF-8')
                continue
            size = os.path.getsize(source)
            if size > MAX_FILE_SIZE:
                report.add(source, 1, f'the file has {size} bytes, over the limit of 64 MiB per file')
                continue
            yield File(path, source, size)


def _check_file_directory_clashes(files, report):
    """A path cannot be a file in one root and a directory in another."""
    directories = {}  # directory path -> a file under it
    for file in files.values():
        parts = file.path.split('/')
        for end in range(2, len(parts)):
            directories.setdefault('/'.join(parts[:end]), file)
    for path, file in files.items():
        if path in directories:
            report.add(file.source, 1,
                       f'{path} is a file here but a directory in another root '
                       f'({directories[path].source})')
