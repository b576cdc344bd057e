#!/usr/bin/env python3
"""Boots Aster in QEMU on this terminal (`make run`). Quit with Ctrl-A X."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--kernel', required=True)
    parser.add_argument('--image', help='the boot image (build/systems/NAME.img)')
    parser.add_argument('--append', help='kernel boot arguments')
    parser.add_argument('--icount', action='store_true', help='deterministic instruction timing')
    parser.add_argument('--http-port', type=int, default=8080,
                        help='the host port (on 127.0.0.1) forwarded to port 80 of the guest (0: none)')
    args = parser.parse_args()
    forwards = [(args.http_port, 80)] if args.http_port else []
    cmd = qemu.qemu_command(args.kernel, args.append, args.icount, initrd=args.image, net=True, forwards=forwards)
    where = f'; http://127.0.0.1:{args.http_port}/ reaches its web server' if args.http_port else ''
    print(f'Booting Aster (quit QEMU with Ctrl-A X{where})', file=sys.stderr)
    os.execvp(cmd[0], cmd)


if __name__ == '__main__':
    main()
