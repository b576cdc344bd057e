#!/usr/bin/env python3
"""Where the instructions of a benchmark go, function by function.

Boots a system under `-icount` with QEMU's log of every translated block
(`-d in_asm`) and of every block executed (`-d exec,nochain`), then counts
the instructions run between two executions of a function's first block:
from its `--skip`-th call, over `--calls` calls. The counts are exact (each
executed block adds its instruction count), divided by `--per` (by default
the number of calls) to give instructions per unit of work.

    tools/profile.py systems/bench_ipc_user.toml --at syscall_channel_send \\
        --skip 300 --calls 1800 --per 900

measures 900 round trips of the IPC benchmark (each sends twice). Kernel
addresses are named from kernel.elf; user-mode addresses from the ELF file
of `--user-app` (every user-mode app is linked at the same addresses, so
name the one the window runs most). `--function NAME` adds that function's
instructions one by one. The log of a short benchmark is a few hundred MB,
written to a temporary directory and removed."""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

KERNEL_BASE = 0xffffffff80000000


def symbols(elf):
    """(address, name) of the functions of `elf`, sorted (local labels left out)."""
    out = subprocess.run(['nm', '-n', '--defined-only', elf], capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'tTwW' and not parts[2].startswith(('.L', '$')):
            found.append((int(parts[0], 16), parts[2]))
    return found


class Namer:
    def __init__(self, kernel_elf, user_elf):
        self.tables = [(symbols(kernel_elf), '')] + ([(symbols(user_elf), 'user:')] if user_elf else [])

    def __call__(self, pc):
        table, prefix = self.tables[0] if pc >= KERNEL_BASE or len(self.tables) == 1 else self.tables[1]
        i = bisect.bisect_right([a for a, _ in table], pc) - 1 if table else -1
        return prefix + (table[i][1] if i >= 0 else hex(pc))


def parse_log(path):
    """The translated blocks ({start: [(pc, text)]}) and the sequence of
    executed block starts."""
    blocks, executed, current = {}, [], None
    instruction = re.compile(r'0x([0-9a-f]+):\s+\S+\s+(.*)')
    with open(path, errors='replace') as log:
        for line in log:
            if line.startswith('Trace'):
                current = None
                executed.append(int(line.split('[', 1)[1].split('/')[1], 16))
            elif line.startswith('IN:'):
                current = None
            else:
                m = instruction.match(line)
                if m:
                    pc = int(m.group(1), 16)
                    if current is None:
                        current = pc
                        blocks[pc] = []
                    blocks[current].append((pc, m.group(2).strip()))
    return blocks, executed


def profile(blocks, executed, start, skip, calls):
    """Instructions per pc executed from the skip-th execution of the block
    at `start` to the (skip + calls)-th."""
    marks = [i for i, pc in enumerate(executed) if pc == start]
    if len(marks) < skip + calls + 1:
        sys.exit(f'the window needs {skip + calls + 1} calls of the function; the run made {len(marks)}')
    counts = collections.Counter()
    for pc in executed[marks[skip]:marks[skip + calls]]:
        for instruction_pc, _ in blocks.get(pc, ()):
            counts[instruction_pc] += 1
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('system')
    parser.add_argument('--kernel', default=os.path.join(qemu.BUILD, 'kernel.elf'))
    parser.add_argument('--at', required=True, help='the kernel or user function that marks the window')
    parser.add_argument('--skip', type=int, default=100)
    parser.add_argument('--calls', type=int, default=1000)
    parser.add_argument('--per', type=int, help='units of work in the window (default: --calls)')
    parser.add_argument('--user-app', help='the app whose symbols name user-mode addresses')
    parser.add_argument('--function', help='also list this function instruction by instruction')
    parser.add_argument('--top', type=int, default=40)
    parser.add_argument('--timeout', type=int, default=300)
    args = parser.parse_args()
    user_elf = os.path.join(qemu.BUILD, 'uapps', f'{args.user_app}.elf') if args.user_app else None
    name = Namer(args.kernel, user_elf)
    starts = [a for table, _ in name.tables for a, n in table if n == args.at]
    if not starts:
        sys.exit(f'no function {args.at} in the kernel' + (f' or {args.user_app}' if user_elf else ''))
    with tempfile.TemporaryDirectory(prefix='aster-profile-') as tmp:
        image = qemu.build_image(os.path.abspath(args.system), os.path.join(tmp, 'system.img'))
        log = os.path.join(tmp, 'exec.log')
        cmd = qemu.qemu_command(args.kernel, icount=True, initrd=image) + ['-d', 'exec,nochain,in_asm', '-D', log]
        try:
            subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            print(f'warning: the system ran past {args.timeout} s; profiling what it logged', file=sys.stderr)
        blocks, executed = parse_log(log)
    counts = profile(blocks, executed, starts[0], args.skip, args.calls)
    per = args.per or args.calls
    by_function = collections.Counter()
    for pc, n in counts.items():
        by_function[name(pc)] += n
    print(f'{sum(counts.values()) / per:,.1f} instructions per unit ({args.calls} calls of {args.at} / {per})')
    for function, n in by_function.most_common(args.top):
        print(f'{n / per:10.1f}  {function}')
    if args.function:
        text = {pc: t for block in blocks.values() for pc, t in block}
        print(f'\n{args.function}, instruction by instruction:')
        for pc in sorted(pc for pc in counts if name(pc) == args.function):
            print(f'{counts[pc] / per:8.1f}  {pc:x}  {text[pc]}')


if __name__ == '__main__':
    main()
