#!/usr/bin/python3
"""Checks a system's specs and builds its boot image.

usage: mkimage.py --system PATH/system.toml [--apps apps] [--rootfs DIR ...]
                  (--out build/systems/NAME.img | --check-only)
                  [--isolation kernel|user|wasm|vm] [--elves DIR] [--wasm DIR]

Reads system.toml, the app.toml of every app it names (APPS/<name>/app.toml)
and the files under each --rootfs directory (plus the `rootfs =` directory of
system.toml), checks them (docs/specs.md) and writes the boot image
(docs/image-format.md). Every mistake is printed to stderr as
`file:line: message`; after any mistake the exit status is 1 and no image
is written. --check-only checks and prints nothing when all is well.
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
from aster_spec import image, rootfs  # noqa: E402
from aster_spec.system_spec import ISOLATIONS, check_system  # noqa: E402
from aster_spec.tomlfile import Report  # noqa: E402


def parse_arguments():
    parser = argparse.ArgumentParser(description='Check a system spec and build its boot image.')
    parser.add_argument('--system', required=True, help='the system.toml')
    parser.add_argument('--apps', default='apps', help='the folder of apps (default: apps)')
    parser.add_argument('--rootfs', action='append', default=[], metavar='DIR',
                        help='a directory of files for the image (repeatable)')
    parser.add_argument('--out', help='the image to write')
    parser.add_argument('--isolation', choices=list(ISOLATIONS),
                        help="run every app in this isolation mode, whatever system.toml says "
                             "(WASI programs stay in wasm mode, and drivers stay out of it)")
    parser.add_argument('--check-only', action='store_true', help='check only; write nothing')
    parser.add_argument('--elves', metavar='DIR',
                        help='where the user-mode builds of the apps are (DIR/<app>.elf)')
    parser.add_argument('--wasm', metavar='DIR',
                        help='where the wasm-mode builds of the apps are (DIR/<app>.wasm)')
    args = parser.parse_args()
    if not args.out and not args.check_only:
        parser.error('--out is required unless --check-only is given')
    for directory in args.rootfs:
        if not os.path.isdir(directory):
            parser.error(f'--rootfs {directory}: no such directory')
    return args


def write_image(layout, path):
    """Writes the image through a temporary file, so that no half image is left."""
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    temporary = path + '.tmp'
    try:
        with open(temporary, 'wb') as out:
            layout.write(out)
        os.replace(temporary, path)
    except OSError:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


# Where each kind of build is: (folder option, file suffix). User and vm
# mode load the ELF file, wasm mode the module; kernel mode needs neither
# (its apps are linked into the kernel).
BUILDS = {'elf': ('elves', 'elf'), 'wasm': ('wasm', 'wasm')}
NEEDS = {ISOLATIONS['user']: 'elf', ISOLATIONS['vm']: 'elf', ISOLATIONS['wasm']: 'wasm'}


def app_builds(manifest, args, report):
    """The builds of every app that exist (name -> {'elf': path, 'wasm':
    path}): all are packed, so that an app can be spawned in another mode
    than its own. The one its own mode loads must exist."""
    builds = {}
    mode_names = {number: name for name, number in ISOLATIONS.items()}
    for app in manifest.apps:
        found = {}
        program = app.program or app.name
        for kind, (option, suffix) in BUILDS.items():
            if kind == 'elf' and app.wasi:
                continue
            folder = getattr(args, option)
            path = os.path.join(folder or '', f'{program}.{suffix}')
            if folder and os.path.isfile(path):
                found[kind] = path
            elif NEEDS.get(app.isolation) == kind:
                report.add(args.system, 1, f"app '{app.name}' runs in {mode_names[app.isolation]} mode, "
                                           f"but its build {path} is missing (pass --{option} DIR)")
        builds[program] = found
    return builds


def main():
    args = parse_arguments()
    report = Report()
    manifest, system_rootfs = check_system(args.system, args.apps, report, args.isolation)
    roots = args.rootfs + ([system_rootfs] if system_rootfs else [])
    files = rootfs.collect(roots, report)
    builds = {}
    if manifest and not report and not args.check_only:
        builds = app_builds(manifest, args, report)
    if manifest and not report:
        layout = image.Layout(manifest, files, builds)
        if layout.total_size > image.MAX_IMAGE_SIZE:
            report.add(args.system, 1, f'the image would have {layout.total_size} bytes, '
                                       f'over the limit of 256 MiB')
    if report:
        print('\n'.join(report.lines()), file=sys.stderr)
        return 1
    if not args.check_only:
        try:
            write_image(layout, args.out)
        except OSError as error:
            print(f'{args.out}: cannot write the image: {error}', file=sys.stderr)
            return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
