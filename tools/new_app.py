#!/usr/bin/env python3
"""Creates a new app that builds, runs and passes its test as created
(`make new-app NAME=foo [SERVER=1]`):

- apps/NAME/ (main.c, app.toml): an app that logs a greeting from its config;
- with --server, apps/NAME/ is a request/reply server exporting the service
  NAME (INVOKE method 1 answers its arguments upper-cased; a protocol header
  libs/protocols/include/protocols/NAME.h) and apps/NAME_client/ calls it;
- tests/system/test_NAME.py boots it and checks what it prints.

Nothing that exists is overwritten. Then: `make test T=test_NAME`.
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATES = os.path.join(ROOT, 'tools', 'templates')


def render(template, name):
    with open(os.path.join(TEMPLATES, template)) as f:
        return f.read().replace('NAME_UPPER', name.upper()).replace('NAME', name)


def plan(name, server):
    """(path relative to the root, template) for each file to write."""
    if server:
        return [(f'apps/{name}/app.toml', 'server/app.toml'), (f'apps/{name}/main.c', 'server/main.c'),
                (f'libs/protocols/include/protocols/{name}.h', 'server/protocol.h'),
                (f'apps/{name}_client/app.toml', 'server/client_app.toml'),
                (f'apps/{name}_client/main.c', 'server/client_main.c'),
                (f'tests/system/test_{name}.py', 'server/test.py')]
    return [(f'apps/{name}/app.toml', 'app/app.toml'), (f'apps/{name}/main.c', 'app/main.c'),
            (f'tests/system/test_{name}.py', 'app/test.py')]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--name', required=True, help='the app name: [a-z_][a-z0-9_]*, at most 24 bytes')
    parser.add_argument('--server', action='store_true', help='a request/reply server and its client')
    parser.add_argument('--root', default=ROOT, help='the tree to write into (default: this repository)')
    args = parser.parse_args()
    if not re.fullmatch(r'[a-z_][a-z0-9_]{0,23}', args.name):
        print(f'new-app: NAME must match [a-z_][a-z0-9_]* and have at most 24 bytes, not "{args.name}"',
              file=sys.stderr)
        return 2
    files = plan(args.name, args.server)
    taken = [path for path, _ in files if os.path.exists(os.path.join(args.root, path))]
    if taken:
        print(f'new-app: {taken[0]} exists already; nothing was written', file=sys.stderr)
        return 1
    for path, template in files:
        full = os.path.join(args.root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, 'w') as f:
            f.write(render(template, args.name))
        print(f'  created {path}')
    print(f'Next: make test T=test_{args.name}   (and docs/writing-an-app.md)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
