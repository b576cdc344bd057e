"""Checking one app.toml (docs/specs.md) into an AppSpec.

Every mistake goes to the Report with the line of the offending key; the
AppSpec keeps what was valid, so that the system checks can go on without
piling up follow-on mistakes.
"""
from dataclasses import dataclass, field

from .tomlfile import INT64_MAX, INT64_MIN, a_type, check_name, type_name, with_article

APP_KEYS = ('name', 'description', 'wasi', 'env', 'exports', 'permissions')
EXPORTS_KEYS = ('services',)
# Permissions an app can declare in [permissions], each a boolean.
PERMISSIONS = ('power_off', 'inject_faults', 'spawn')
# The keys each env type allows besides `type` and `description`.
ENV_TYPES = {
    'service': ('service',),
    'config': ('default', 'kind'),
    'stdin': (),
    'stdout': (),
    'devicetree': ('compatible',),
    'bootfs': (),
    'args': (),
}
CONFIG_KINDS = ('string', 'integer', 'boolean')


@dataclass
class EnvItem:
    """One entry of an app's environment, as declared under [env.KEY]."""
    key: str
    type: str                 # one of ENV_TYPES
    line: int                 # of the [env.KEY] table
    service: str = None       # service: the required service
    service_line: int = 0     # service: the line of `service = ...`
    kind: str = None          # config: one of CONFIG_KINDS; None if broken
    default: object = None    # config: the default value, or None
    compatible: list = field(default_factory=list)  # devicetree


@dataclass
class AppSpec:
    """What an app.toml declares."""
    name: str
    toml: object              # the TomlFile, for locating keys
    items: list = field(default_factory=list)     # EnvItem, in file order
    exports: list = field(default_factory=list)   # service names
    exports_line: int = 1
    declared: set = field(default_factory=set)    # every env key, valid or not
    env_complete: bool = True      # False when 'env' itself was unusable
    exports_complete: bool = True  # False when [exports] had a mistake
    permissions: set = field(default_factory=set)  # the PERMISSIONS granted
    wasi: bool = False             # a WASI program (wasi-libc), not an SDK app

    def item(self, key):
        return next((item for item in self.items if item.key == key), None)

    def item_of_type(self, type_):
        return next((item for item in self.items if item.type == type_), None)


def check_keys(toml, report, table, path, allowed, where):
    """Reports every key of `table` that is not in `allowed`."""
    for key in table:
        if key not in allowed:
            report.add(toml.name, toml.line(*path, key),
                       f"{where}: unknown key '{key}' (allowed: {', '.join(allowed)})")


def check_app(toml, folder, report):
    """Checks the parsed app.toml of the app in apps/<folder>/; returns an AppSpec."""
    data = toml.data
    where = f"app '{folder}'"
    spec = AppSpec(folder, toml)
    check_keys(toml, report, data, (), APP_KEYS, where)
    name = data.get('name')
    if name is None:
        report.add(toml.name, 1, f"{where}: missing key 'name' (it must be \"{folder}\")")
    elif not isinstance(name, str):
        report.add(toml.name, toml.line('name'), f"{where}: 'name' must be a string, not {a_type(name)}")
    elif name != folder:
        report.add(toml.name, toml.line('name'),
                   f"{where}: name \"{name}\" does not match the folder name \"{folder}\"")
    if 'description' in data and not isinstance(data['description'], str):
        report.add(toml.name, toml.line('description'), f"{where}: 'description' must be a string")
    if 'wasi' in data:
        if isinstance(data['wasi'], bool):
            spec.wasi = data['wasi']
        else:
            report.add(toml.name, toml.line('wasi'), f"{where}: 'wasi' must be true or false")

    env = data.get('env', {})
    if isinstance(env, dict):
        for key, table in env.items():
            spec.declared.add(key)
            item = _check_env_item(toml, report, where, key, table)
            if item:
                spec.items.append(item)
    else:
        report.add(toml.name, toml.line('env'), f"{where}: 'env' must be a table, not {a_type(env)}")
        spec.env_complete = False
    _check_one_of_each(toml, report, where, spec)
    _check_exports(toml, report, where, spec)
    _check_permissions(toml, report, where, spec)
    return spec


def _check_permissions(toml, report, where, spec):
    """[permissions]: power_off = true lets the app end the whole system;
    inject_faults = true lets it corrupt other apps (test-only fault
    injection); spawn = true lets it start apps of the image at run time."""
    table = toml.data.get('permissions', {})
    if not isinstance(table, dict):
        report.add(toml.name, toml.line('permissions'), f"{where}: 'permissions' must be a table")
        return
    check_keys(toml, report, table, ('permissions',), PERMISSIONS, where)
    for key, value in table.items():
        if key not in PERMISSIONS:
            continue
        if not isinstance(value, bool):
            report.add(toml.name, toml.line('permissions', key),
                       f"{where}: permission '{key}' must be true or false, not {a_type(value)}")
        elif value:
            spec.permissions.add(key)


def _check_env_item(toml, report, where, key, table):
    """Checks [env.KEY]; returns an EnvItem, or None if it is unusable."""
    path = ('env', key)
    line = toml.line(*path)
    problem = check_name(key)
    if problem:
        report.add(toml.name, line, f"{where}: env key '{key}' {problem}")
    if not isinstance(table, dict):
        report.add(toml.name, line, f"{where}: env.{key} must be a table, not {a_type(table)}")
        return None
    type_ = table.get('type')
    if type_ is None:
        report.add(toml.name, line, f"{where}: env.{key} has no 'type' (one of: {', '.join(ENV_TYPES)})")
        return None
    if type_ not in ENV_TYPES:
        shown = f'"{type_}"' if isinstance(type_, str) else a_type(type_)
        report.add(toml.name, toml.line(*path, 'type'),
                   f"{where}: env.{key}: unknown type {shown} (one of: {', '.join(ENV_TYPES)})")
        return None
    check_keys(toml, report, table, path, ('type', 'description') + ENV_TYPES[type_],
               f'{where}: env.{key} of type {type_}')
    if 'description' in table and not isinstance(table['description'], str):
        report.add(toml.name, toml.line(*path, 'description'),
                   f"{where}: env.{key}.description must be a string")
    item = EnvItem(key, type_, line)
    if type_ == 'service':
        _check_service_item(toml, report, where, item, table)
    elif type_ == 'config':
        _check_config_item(toml, report, where, item, table)
    elif type_ == 'devicetree':
        _check_devicetree_item(toml, report, where, item, table)
    return item


def _check_service_item(toml, report, where, item, table):
    service = table.get('service')
    item.service_line = toml.line('env', item.key, 'service')
    if service is None:
        report.add(toml.name, item.line, f"{where}: env.{item.key} of type service needs a 'service' name")
    elif not isinstance(service, str):
        report.add(toml.name, item.service_line,
                   f"{where}: env.{item.key}.service must be a string, not {a_type(service)}")
    elif check_name(service):
        report.add(toml.name, item.service_line,
                   f"{where}: env.{item.key}: service name '{service}' {check_name(service)}")
    else:
        item.service = service


def config_value_problem(value):
    """Why `value` cannot be a config value, or None; for defaults and overrides."""
    if type(value) not in (str, int, bool):
        return f'must be a string, an integer or a boolean, not {a_type(value)}'
    if isinstance(value, int) and not isinstance(value, bool) and not INT64_MIN <= value <= INT64_MAX:
        return 'does not fit in a 64-bit signed integer'
    if isinstance(value, str) and '\0' in value:
        return 'must not contain a NUL character'
    return None


def _check_config_item(toml, report, where, item, table):
    """A config parameter: its kind comes from `kind`, else from the default's type."""
    path = ('env', item.key)
    default, kind = table.get('default'), table.get('kind')
    default_kind = None
    if default is not None:
        problem = config_value_problem(default)
        if problem:
            report.add(toml.name, toml.line(*path, 'default'),
                       f"{where}: env.{item.key}.default {problem}")
            return
        default_kind = type_name(default)
    if kind is not None and kind not in CONFIG_KINDS:
        shown = f'"{kind}"' if isinstance(kind, str) else a_type(kind)
        report.add(toml.name, toml.line(*path, 'kind'),
                   f"{where}: env.{item.key}.kind: unknown kind {shown} (one of: {', '.join(CONFIG_KINDS)})")
        return
    if kind is None and default is None:
        report.add(toml.name, item.line,
                   f"{where}: config parameter env.{item.key} needs a 'default' or a 'kind'")
        return
    if kind is not None and default_kind is not None and kind != default_kind:
        report.add(toml.name, toml.line(*path, 'kind'),
                   f"{where}: env.{item.key}: kind \"{kind}\" does not agree with the default, "
                   f"which is {with_article(default_kind)}")
        return
    item.kind = kind or default_kind
    item.default = default


def _check_devicetree_item(toml, report, where, item, table):
    compatible = table.get('compatible')
    line = toml.line('env', item.key, 'compatible')
    if compatible is None:
        report.add(toml.name, item.line,
                   f"{where}: env.{item.key} of type devicetree needs 'compatible' (an array of strings)")
    elif (not isinstance(compatible, list) or not compatible
          or not all(isinstance(value, str) and value for value in compatible)):
        report.add(toml.name, line,
                   f"{where}: env.{item.key}.compatible must be a non-empty array of non-empty strings")
    elif any('\n' in value or '\0' in value for value in compatible):
        report.add(toml.name, line,
                   f"{where}: env.{item.key}.compatible: a string must not contain a newline or NUL")
    else:
        item.compatible = compatible


def _check_one_of_each(toml, report, where, spec):
    """At most one stdin, stdout and args item: a pipe connects to exactly
    one, and a shell's words after the app's name fill one list."""
    for type_ in ('stdin', 'stdout', 'args'):
        found = [item for item in spec.items if item.type == type_]
        for extra in found[1:]:
            report.add(toml.name, extra.line,
                       f"{where}: env.{extra.key}: a second {type_} item "
                       f"(env.{found[0].key} is already the {type_})")


def _check_exports(toml, report, where, spec):
    exports = toml.data.get('exports', {})
    spec.exports_line = toml.line('exports', 'services')
    if not isinstance(exports, dict):
        report.add(toml.name, toml.line('exports'), f"{where}: 'exports' must be a table")
        spec.exports_complete = False
        return
    check_keys(toml, report, exports, ('exports',), EXPORTS_KEYS, f'{where}: [exports]')
    services = exports.get('services', [])
    if not isinstance(services, list) or not all(isinstance(name, str) for name in services):
        report.add(toml.name, spec.exports_line, f"{where}: exports.services must be an array of strings")
        spec.exports_complete = False
        return
    for service in services:
        problem = check_name(service)
        if problem:
            report.add(toml.name, spec.exports_line, f"{where}: exported service name '{service}' {problem}")
            spec.exports_complete = False
        elif service in spec.exports:
            report.add(toml.name, spec.exports_line, f"{where}: service '{service}' is exported twice")
        elif spec.item(service):
            # The LISTEN item is named after the service, in the same environment.
            report.add(toml.name, spec.exports_line,
                       f"{where}: exported service '{service}' clashes with env key '{service}' "
                       f"(an export becomes an env item of that name)")
        else:
            spec.exports.append(service)
