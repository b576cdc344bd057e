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
                        help="run every app in this isolation mode, whatever system.toml says")
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


# The modes whose apps are loaded from a file in the image: (build folder
# option, file suffix).
BUILDS = {ISOLATIONS['user']: ('elves', 'elf'), ISOLATIONS['vm']: ('elves', 'elf'),
          ISOLATIONS['wasm']: ('wasm', 'wasm')}


def mode_builds(manifest, args, report):
    """The executable of every app whose mode needs one (name -> path): the
    ELF file of a user-mode app, the module of a wasm-mode app. A missing
    one is a mistake."""
    builds = {}
    mode_names = {number: name for name, number in ISOLATIONS.items()}
    for app in manifest.apps:
        if app.isolation not in BUILDS:
            continue
        option, suffix = BUILDS[app.isolation]
        folder = getattr(args, option)
        path = os.path.join(folder or '', f'{app.name}.{suffix}')
        if not folder or not os.path.isfile(path):
            report.add(args.system, 1, f"app '{app.name}' runs in {mode_names[app.isolation]} mode, "
                                       f"but its build {path} is missing (pass --{option} DIR)")
        else:
            builds[app.name] = path
    return builds


def main():
    args = parse_arguments()
    report = Report()
    manifest, system_rootfs = check_system(args.system, args.apps, report, args.isolation)
    roots = args.rootfs + ([system_rootfs] if system_rootfs else [])
    files = rootfs.collect(roots, report)
    builds = {}
    if manifest and not report and not args.check_only:
        builds = mode_builds(manifest, args, report)
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
