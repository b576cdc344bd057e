"""Starting apps at run time (sys_app_spawn): apps/test_spawn checks exit
statuses, stdin and stdout, every refusal and memory from inside; these
tests boot it and look at what the log shows besides. (An app without
[permissions] spawn gets E_NO_RIGHT: apps/hostile checks that.)"""
from conftest import has_line, match_line

# The spawner and the apps it may start: only echo starts at boot (crasher
# needs its service), the rest wait to be spawned.
SYSTEM = '''
[[app]]
name = "test_spawn"

[[app]]
name = "echo"

[[app]]
name = "true"
start = false

[[app]]
name = "false"
start = false

[[app]]
name = "grep"
start = false

[[app]]
name = "spinner"
start = false

[[app]]
name = "crasher"
start = false

[[app]]
name = "test_unset"
start = false

[[app]]
name = "fs"

[[app]]
name = "wasi"
start = false

[[app]]
name = "head"
start = false
'''


def run_spawn_test(boot, system=SYSTEM, isolation=None):
    result = boot(system, timeout=120, isolation=isolation)
    assert not result.timed_out, result.output[-3000:]
    fails = [line for line in result.output.splitlines() if 'FAIL' in line or 'lacks' in line]
    assert result.status == 0 and not fails, '\n'.join(fails) or result.output[-3000:]
    assert has_line(result.output, '[test_spawn] TEST PASSED')
    return result.output


def test_spawned_apps_run_end_and_give_their_status(boot):
    out = run_spawn_test(boot)
    for line in ('statuses checked', 'grep filtered its stdin to its stdout', 'refusals checked',
                 'bad requests refused'):
        assert has_line(out, f'[test_spawn] {line}'), line
    assert match_line(out, r'\[test_spawn\] 40 apps later: free memory \d+ bytes, as before')
    # apps started on demand did not start at boot
    assert '[grep]' not in out.split('[test_spawn]')[0]
    # a fault is in the log; a status or an end by the spawner goes to the
    # spawner alone (test_spawn checked them)
    assert match_line(out, r'\[kernel\] ERROR: crasher ended: load .*fault at pc .*')
    assert '[kernel] false ended' not in out and 'spinner ended' not in out


def test_apps_spawn_in_every_mode(boot):
    # the spawner in its mode, every app it starts in another one
    for mode in (0, 1, 2, 3):
        run_spawn_test(boot, SYSTEM.replace('name = "test_spawn"\n', f'name = "test_spawn"\n[app.config]\nmode = {mode}\n'))

