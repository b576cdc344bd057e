#!/usr/bin/env python3
"""`make fault-campaign N=... [SEED=S]`: a fault-injection campaign. A
user-mode echo server (restarted at once whenever it ends) is corrupted N
times by apps/faultinj through the test-only sys_fault_inject (a bit flipped
in a register or in a word of its memory, an instruction skipped); after each
injection the server must still echo correctly, or be ended (by the kernel,
for a fault, or by the campaign, when it hangs or answers wrong) and come
back serving. Reports injections, detections, restarts and kernel failures
(a kernel panic or hang); free memory must be back to its baseline at the
end."""
import argparse
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

SYSTEM = '''[[app]]
name = "echo"
isolation = "user"
restart = "always"
restart_delay_ms = 1
restart_delay_max_ms = 1

[[app]]
name = "faultinj"
[app.config]
injections = {n}
seed = {seed}
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--kernel', required=True)
    parser.add_argument('--build', default=os.environ.get('ASTER_BUILD', 'build'))
    parser.add_argument('-n', type=int, default=10000, help='injections')
    parser.add_argument('--seed', type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        system = os.path.join(tmp, 'system.toml')
        with open(system, 'w') as f:
            f.write(SYSTEM.format(n=args.n, seed=args.seed))
        image = qemu.build_image(system, os.path.join(tmp, 'campaign.img'), elves=os.path.join(args.build, 'uapps'),
                                 wasm=os.path.join(args.build, 'wapps'))
        started = time.monotonic()
        result = qemu.boot(args.kernel, image, timeout=120 + args.n / 50)
        seconds = time.monotonic() - started
    out = result.output
    summary = re.search(r'^\[faultinj\] campaign: (.*)$', out, re.M)
    panics = out.count('KERNEL PANIC')
    kernel_failures = panics + (1 if result.timed_out else 0)
    print(f'seed {args.seed}, {seconds:.0f} s')
    print(summary.group(1) if summary else 'no summary: the campaign did not finish')
    print(f'kernel failures: {kernel_failures} ({panics} panics{", a hang" if result.timed_out else ""})')
    ok = summary is not None and result.status == 0 and kernel_failures == 0
    if not ok:
        print('\n'.join(out.splitlines()[-40:]))
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
