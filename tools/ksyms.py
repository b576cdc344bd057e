#!/usr/bin/env python3
"""Turns `llvm-nm -n` output into the kernel's symbol table section.

usage: ksyms.py NM_OUTPUT OUT.S
Writes an assembly file with section .ksyms: a count, (address, name offset)
pairs sorted by address (text symbols only), then the names.
"""
import sys


def main():
    syms = []
    with open(sys.argv[1]) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[1] in 'tT' and not parts[2].startswith('.L'):
                syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    out = ['    .section .ksyms, "a"', '    .balign 8', f'    .dword {len(syms)}']
    offset = 0
    for addr, name in syms:
        out.append(f'    .dword {addr:#x}, {offset}')
        offset += len(name) + 1
    for _, name in syms:
        out.append(f'    .asciz "{name}"')
    with open(sys.argv[2], 'w') as f:
        f.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
