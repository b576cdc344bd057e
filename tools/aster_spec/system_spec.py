"""Checking system.toml and the system as a whole into a Manifest.

A system is checked in three steps: each [[app]] entry of system.toml, each
app's app.toml (app_spec), then what involves several apps: services and
their exporters, stdout-to-stdin pipes, config overrides. If all is well the
result is a Manifest: the apps with their environments resolved to the items
of the boot image (docs/image-format.md).
"""
import os
from dataclasses import dataclass, field

from . import image, tomlfile
from .app_spec import CONFIG_KINDS, check_app, check_keys, config_value_problem
from .tomlfile import a_type, check_name, type_name, with_article

SYSTEM_KEYS = ('description', 'rootfs', 'app')
ENTRY_KEYS = ('name', 'isolation', 'start', 'restart', 'restart_delay_ms', 'restart_delay_max_ms',
              'memory_limit_kib', 'handle_limit', 'stdout', 'config', 'args', 'app')
RESTART_DELAY_MAX = 60000  # ms
ISOLATIONS = {'kernel': 0, 'user': 1, 'wasm': 2, 'vm': 3}
RESTARTS = {'never': 0, 'on-failure': 1, 'always': 2}
HANDLE_LIMIT_MAX = 4095
NOT_CONNECTED = 0xffffffff


@dataclass
class SystemApp:
    """One [[app]] entry of system.toml."""
    index: int                # its position among the [[app]] tables
    name: str
    line: int                 # of the [[app]] header
    isolation: str = 'kernel'  # (a WASI program: always wasm)
    isolation_set: bool = False  # `isolation` is in the entry
    start: bool = True        # started at boot; False: only spawned at run time
    start_line: int = 0
    restart: str = 'never'
    restart_delay_ms: int = 0  # 0: the kernel's default (10)
    restart_delay_max_ms: int = 0  # 0: the kernel's default (1000)
    memory_limit_kib: int = 0  # 0: the kernel's default
    handle_limit: int = 0      # 0: the kernel's default
    stdout: str = None        # the app its stdout pipes into
    args: list = None         # its positional arguments (an args item)
    args_line: int = 0
    program: str = None       # the app folder it is an instance of (key `app`; None: the name)
    app_line: int = 0
    stdout_line: int = 0
    config: dict = field(default_factory=dict)  # overrides: key -> value
    spec: object = None       # its AppSpec, once app.toml is checked


@dataclass
class Manifest:
    """A checked system, ready to be packed into an image."""
    apps: list                # image.App, in system.toml order
    services: list            # image.Service, in export order
    num_pipes: int


def check_system(system_path, apps_dir, report, isolation=None):
    """Checks a system and the apps it names.

    Returns (Manifest, or None after mistakes; the directory named by
    `rootfs =`, or None). `isolation`, if given, replaces every app's mode.
    """
    before = len(report.mistakes)
    toml = tomlfile.load(system_path, report)
    if toml is None:
        return None, None
    data = toml.data
    check_keys(toml, report, data, (), SYSTEM_KEYS, 'system')
    if 'description' in data and not isinstance(data['description'], str):
        report.add(toml.name, toml.line('description'), "system: 'description' must be a string")
    rootfs = _check_rootfs(toml, report)
    apps = _check_entries(toml, report)
    for app in apps:
        app.spec = _load_app(toml, report, apps_dir, app)
        if app.spec and app.spec.wasi and app.isolation_set and app.isolation != 'wasm':
            report.add(toml.name, toml.line('app', app.index, 'isolation'),
                       f"app '{app.name}' is a WASI program (wasi = true in its app.toml): "
                       f"it runs only in wasm mode")
    _check_services(toml, report, apps)
    pipes = _check_pipes(toml, report, apps)
    for app in apps:
        _check_config(toml, report, app)
    if len(report.mistakes) > before:
        return None, rootfs
    return _build_manifest(apps, pipes, isolation), rootfs


def _check_rootfs(toml, report):
    """The directory named by `rootfs = "dir"` (relative to system.toml), or None."""
    value = toml.data.get('rootfs')
    if value is None:
        return None
    line = toml.line('rootfs')
    if not isinstance(value, str):
        report.add(toml.name, line, f"system: 'rootfs' must be a string, not {a_type(value)}")
        return None
    path = os.path.join(os.path.dirname(toml.name), value)
    if not os.path.isdir(path):
        report.add(toml.name, line, f"system: rootfs directory '{path}' does not exist")
        return None
    return path


def _check_entries(toml, report):
    """Checks every [[app]] table; returns the usable ones as SystemApps."""
    entries = toml.data.get('app')
    if entries is None:
        report.add(toml.name, 1, 'system: no [[app]] tables (a system needs at least one app)')
        return []
    if not isinstance(entries, list):
        report.add(toml.name, toml.line('app'), "system: 'app' must be an array of tables ([[app]])")
        return []
    apps, seen = [], {}
    for index, entry in enumerate(entries):
        app = _check_entry(toml, report, index, entry)
        if app is None:
            continue
        if app.name in seen:
            report.add(toml.name, toml.line('app', index, 'name'),
                       f"app '{app.name}' is listed twice (first at line {seen[app.name].line})")
            continue
        seen[app.name] = app
        apps.append(app)
    return apps


def _check_entry(toml, report, index, entry):
    """Checks the index-th [[app]] table; returns a SystemApp, or None without a usable name."""
    line = toml.line('app', index)
    if not isinstance(entry, dict):
        report.add(toml.name, line, f"system: [[app]] number {index + 1} must be a table")
        return None
    name = entry.get('name')
    if name is None:
        report.add(toml.name, line, f"system: [[app]] number {index + 1} has no 'name'")
        return None
    name_line = toml.line('app', index, 'name')
    if not isinstance(name, str):
        report.add(toml.name, name_line,
                   f"system: [[app]] number {index + 1}: 'name' must be a string, not {a_type(name)}")
        return None
    if check_name(name):
        report.add(toml.name, name_line, f"system: app name '{name}' {check_name(name)}")
        return None
    where = f"app '{name}'"
    check_keys(toml, report, entry, ('app', index), ENTRY_KEYS, where)
    app = SystemApp(index, name, line)

    def key_line(key):
        return toml.line('app', index, key)

    for key, choices in (('isolation', ISOLATIONS), ('restart', RESTARTS)):
        value = entry.get(key)
        if value is None:
            continue
        if isinstance(value, str) and value in choices:
            setattr(app, key, value)
            app.isolation_set |= key == 'isolation'
        else:
            shown = f'"{value}"' if isinstance(value, str) else a_type(value)
            report.add(toml.name, key_line(key),
                       f"{where}: {key} must be one of {', '.join(choices)}; got {shown}")
    for key, low, high in (('memory_limit_kib', 1, (1 << 32) - 1), ('handle_limit', 1, HANDLE_LIMIT_MAX),
                           ('restart_delay_ms', 1, RESTART_DELAY_MAX), ('restart_delay_max_ms', 1, RESTART_DELAY_MAX)):
        value = entry.get(key)
        if value is None:
            continue
        if type(value) is int and low <= value <= high:
            setattr(app, key, value)
        else:
            report.add(toml.name, key_line(key),
                       f"{where}: {key} must be an integer from {low} to {high}; got {value!r}")
    if app.restart_delay_max_ms and app.restart_delay_max_ms < (app.restart_delay_ms or 10):
        report.add(toml.name, key_line('restart_delay_max_ms'),
                   f"{where}: restart_delay_max_ms ({app.restart_delay_max_ms}) is less than the first "
                   f"delay ({app.restart_delay_ms or 10} ms)")
    def take(key, kind, wanted):
        """The entry's `key` (its line noted) if it is a `kind`; None if absent
        or, with a mistake reported, of another type."""
        if key not in entry:
            return None
        setattr(app, f'{key}_line', key_line(key))
        if isinstance(entry[key], kind):
            return entry[key]
        report.add(toml.name, key_line(key), f"{where}: {key} must be {wanted}, not {a_type(entry[key])}")
        return None

    program = take('app', str, 'the name of an app folder')
    if program is not None and check_name(program):
        report.add(toml.name, app.app_line, f"{where}: app '{program}' {check_name(program)}")
    elif program is not None:
        app.program = program
    start = take('start', bool, 'true or false')
    app.start = app.start if start is None else start
    if not app.start and entry.get('restart', 'never') != 'never':
        report.add(toml.name, key_line('restart'),
                   f"{where}: an app with start = false is only spawned at run time, and a spawned "
                   f"app is not restarted (remove restart)")
    app.stdout = take('stdout', str, 'the name of an app')
    if 'args' in entry:
        app.args_line = key_line('args')
        args = entry['args']
        if not isinstance(args, list) or not all(isinstance(arg, str) for arg in args):
            report.add(toml.name, app.args_line, f"{where}: args must be an array of strings")
        elif len(args) > image.ARGS_MAX:
            report.add(toml.name, app.args_line, f"{where}: args: at most {image.ARGS_MAX} arguments")
        elif any('\n' in arg or '\0' in arg for arg in args):
            report.add(toml.name, app.args_line, f"{where}: args: an argument must not contain a newline or NUL")
        else:
            app.args = args
    config = entry.get('config', {})
    if isinstance(config, dict):
        app.config = config
    else:
        report.add(toml.name, key_line('config'), f"{where}: config must be a table, not {a_type(config)}")
    return app


def _load_app(toml, report, apps_dir, app):
    """Loads and checks apps/<name>/app.toml; returns its AppSpec, or None."""
    folder = app.program or app.name
    path = os.path.join(apps_dir, folder, 'app.toml')
    if not os.path.isfile(path):
        line = app.app_line if app.program else toml.line('app', app.index, 'name')
        report.add(toml.name, line, f"app '{folder}' does not exist (no {path})")
        return None
    app_toml = tomlfile.load(path, report)
    return check_app(app_toml, folder, report) if app_toml else None


def _check_services(toml, report, apps):
    """Each required service has exactly one exporter, and not the app itself.

    Services may depend on each other in a cycle: a client's CONNECT waits in
    the server's listen channel until the server gets to it, so start order
    does not matter. Only an app requiring its own service is refused.
    """
    exporters = {}
    for app in apps:
        if app.spec and app.spec.exports and not app.start:
            report.add(toml.name, app.start_line,
                       f"app '{app.name}' exports services ({', '.join(app.spec.exports)}), so it must "
                       f"start at boot (an app started at run time serves no one)")
        for service in app.spec.exports if app.spec else ():
            other = exporters.setdefault(service, app)
            if other is not app:
                report.add(app.spec.toml.name, app.spec.exports_line,
                           f"app '{app.name}': service '{service}' is also exported by app "
                           f"'{other.name}' (two apps in {toml.name} export it)")
    # With an app unreadable, a missing exporter may just be that app.
    all_known = all(app.spec and app.spec.exports_complete for app in apps)
    for app in apps:
        for item in app.spec.items if app.spec else ():
            if item.type != 'service' or item.service is None:
                continue
            if item.service in app.spec.exports:
                report.add(app.spec.toml.name, item.service_line,
                           f"app '{app.name}': env.{item.key} requires service '{item.service}', "
                           f"which the app exports itself (a dependency cycle that cannot be satisfied)")
            elif item.service not in exporters and all_known:
                report.add(app.spec.toml.name, item.service_line,
                           f"app '{app.name}': env.{item.key} requires service '{item.service}', "
                           f"which no app in {toml.name} exports")


def _check_pipes(toml, report, apps):
    """Checks every `stdout = "app"`; returns the pipes as [(source, target)] in order."""
    by_name = {app.name: app for app in apps}
    pipes, into = [], {}
    for app in apps:
        if app.stdout is None:
            continue
        where, line = f"app '{app.name}'", app.stdout_line
        if not app.start:
            report.add(toml.name, line, f"{where}: stdout is set, but the app has start = false (pipes "
                                        f"join apps started at boot; a spawner gives its own stdout)")
            continue
        if app.spec and app.spec.env_complete and not app.spec.item_of_type('stdout'):
            report.add(toml.name, line,
                       f"{where}: stdout is set, but the app has no env item of type stdout")
        target = by_name.get(app.stdout)
        if app.stdout == app.name:
            report.add(toml.name, line, f"{where}: stdout names the app itself (a pipeline loop)")
        elif target is None:
            report.add(toml.name, line, f"{where}: stdout names '{app.stdout}', which is not an app of this system")
        elif target.spec is None or not target.spec.env_complete:
            pass  # already reported
        elif not target.spec.item_of_type('stdin'):
            report.add(toml.name, line,
                       f"{where}: stdout names app '{target.name}', which has no env item of type stdin")
        elif not target.start:
            report.add(toml.name, line, f"{where}: stdout names app '{target.name}', which has start = false "
                                        f"(pipes join apps started at boot)")
        elif target.name in into:
            report.add(toml.name, line,
                       f"{where}: stdout names app '{target.name}', whose stdin already "
                       f"receives the stdout of app '{into[target.name].name}'")
        else:
            into[target.name] = app
            pipes.append((app, target))
    _check_pipe_loops(toml, report, apps, pipes)
    return pipes


def _check_pipe_loops(toml, report, apps, pipes):
    """Reports every loop of stdout-to-stdin pipes: a pipeline must end."""
    following = {source.name: target for source, target in pipes}
    state = {}  # app name -> 'walking' while on the current walk, then 'done'
    for app in apps:
        walk, node = [], app
        while node is not None and node.name not in state:
            state[node.name] = 'walking'
            walk.append(node)
            node = following.get(node.name)
        if node is not None and state[node.name] == 'walking':
            loop = walk[walk.index(node):]
            first = min(range(len(loop)), key=lambda i: loop[i].index)
            loop = loop[first:] + loop[:first]
            names = ' -> '.join(f"'{member.name}'" for member in loop + loop[:1])
            report.add(toml.name, loop[0].stdout_line,
                       f"app '{loop[0].name}': stdout pipes form a loop: {names} (a pipeline must end)")
        for member in walk:
            state[member.name] = 'done'


def _check_config(toml, report, app):
    """Checks the [app.config] overrides of one app, and that every parameter has a value."""
    spec, where = app.spec, f"app '{app.name}'"
    if spec is None:
        return
    for key, value in app.config.items():
        line = toml.line('app', app.index, 'config', key)
        item = spec.item(key)
        if item is None:
            if key not in spec.declared and spec.env_complete:
                declared = [i.key for i in spec.items if i.type == 'config']
                report.add(toml.name, line,
                           f"{where}: config override '{key}': the app declares no such parameter "
                           f"(its config parameters: {', '.join(declared) or 'none'})")
        elif item.type != 'config':
            report.add(toml.name, line,
                       f"{where}: config override '{key}': env.{key} is of type {item.type}, "
                       f"not a config parameter")
        elif config_value_problem(value):
            report.add(toml.name, line, f"{where}: config override '{key}' {config_value_problem(value)}")
        elif item.kind in CONFIG_KINDS and type_name(value) != item.kind:
            report.add(toml.name, line,
                       f"{where}: config override '{key}' is {a_type(value)}, "
                       f"but the parameter is {with_article(item.kind)}")
    for item in spec.items:
        if item.type == 'config' and item.kind and item.default is None and item.key not in app.config \
                and app.start:
            report.add(toml.name, toml.line('app', app.index, 'config'),
                       f"{where}: config parameter '{item.key}' has no default and needs a value "
                       f"(set it under [app.config])")
    if app.args is not None and not spec.item_of_type('args') and spec.env_complete:
        report.add(toml.name, app.args_line, f"{where}: args is set, but the app has no env item of type args")


def _build_manifest(apps, pipes, isolation):
    """Resolves a checked system into image records; cannot fail."""
    services, service_index = [], {}
    for server, app in enumerate(apps):
        for name in app.spec.exports:
            service_index[name] = len(services)
            services.append(image.Service(name, server))
    stdout_pipe = {source.name: index for index, (source, _) in enumerate(pipes)}
    stdin_pipe = {target.name: index for index, (_, target) in enumerate(pipes)}
    records = []
    for app in apps:
        items = [_build_item(app, item, service_index, stdin_pipe, stdout_pipe) for item in app.spec.items]
        items += [image.Item(name, image.LISTEN, a=service_index[name]) for name in app.spec.exports]
        # One mode for the whole system leaves a driver where it is when
        # that mode is wasm: wasm code cannot reach device registers.
        driver = any(item.type == 'devicetree' for item in app.spec.items)
        mode = 'wasm' if app.spec.wasi else app.isolation if driver and isolation == 'wasm' \
            else isolation or app.isolation
        flags = (image.APP_MAY_POWER_OFF if 'power_off' in app.spec.permissions else 0) \
            | (image.APP_MAY_INJECT_FAULTS if 'inject_faults' in app.spec.permissions else 0) \
            | (image.APP_MAY_SPAWN if 'spawn' in app.spec.permissions else 0) \
            | (0 if app.start else image.APP_ON_DEMAND)
        records.append(image.App(app.name, ISOLATIONS[mode], RESTARTS[app.restart],
                                 app.memory_limit_kib, app.handle_limit, items, flags,
                                 app.restart_delay_ms, app.restart_delay_max_ms, app.spec.wasi, app.program))
    return Manifest(records, services, len(pipes))


def _build_item(app, item, service_index, stdin_pipe, stdout_pipe):
    """The image item for one env item of a checked app."""
    if item.type == 'service':
        return image.Item(item.key, image.SERVICE, a=service_index[item.service])
    if item.type == 'config':
        value = app.config.get(item.key, item.default)
        if value is None:  # an app with start = false: its spawner gives the value
            kind = {'string': image.STRING, 'boolean': image.BOOL}.get(item.kind, image.INT)
            return image.Item(item.key, kind, b=image.ITEM_UNSET, string='' if kind == image.STRING else None)
        if item.kind == 'string':
            return image.Item(item.key, image.STRING, string=value)
        return image.Item(item.key, image.BOOL if item.kind == 'boolean' else image.INT, value=int(value))
    if item.type == 'stdin':
        return image.Item(item.key, image.STDIN, a=stdin_pipe.get(app.name, NOT_CONNECTED))
    if item.type == 'stdout':
        return image.Item(item.key, image.STDOUT, a=stdout_pipe.get(app.name, NOT_CONNECTED))
    if item.type == 'devicetree':
        return image.Item(item.key, image.DEVICETREE, b=len(item.compatible),
                          string='\n'.join(item.compatible))
    if item.type == 'args':
        args = app.args or []
        return image.Item(item.key, image.ARGS, b=len(args), string='\n'.join(args) if args else None)
    return image.Item(item.key, image.BOOTFS)
