#!/usr/bin/env python3
"""Checks the app.toml of every app under an apps folder, whether or not a
system lists it (`make` runs it with the system checks): a mistake in an
app nobody starts yet is reported when it is made, as `file:line: message`.

    tools/check_apps.py [--apps DIR]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aster_spec import tomlfile  # noqa: E402
from aster_spec.app_spec import check_app  # noqa: E402
from aster_spec.tomlfile import Report  # noqa: E402


def check_apps(apps_dir, report):
    """Checks apps_dir/*/app.toml; a folder with C sources but no app.toml
    is a mistake too. Returns how many apps were checked."""
    checked = 0
    for folder in sorted(os.listdir(apps_dir)):
        path = os.path.join(apps_dir, folder)
        if not os.path.isdir(path):
            continue
        spec = os.path.join(path, 'app.toml')
        if not os.path.isfile(spec):
            if any(name.endswith('.c') for name in os.listdir(path)):
                report.add(os.path.join(path, 'main.c'), 1,
                           f"app '{folder}' has no app.toml (every app declares its environment there)")
            continue
        toml = tomlfile.load(spec, report)
        if toml:
            check_app(toml, folder, report)
        checked += 1
    return checked


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--apps', default='apps', help='the folder of apps (default: apps)')
    args = parser.parse_args()
    report = Report()
    check_apps(args.apps, report)
    if report:
        print('\n'.join(report.lines()), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
