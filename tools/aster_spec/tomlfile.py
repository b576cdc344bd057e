"""Reading TOML files with line numbers, and collecting mistakes.

tomllib parses TOML but forgets where each key was. `Locator` is a small
scanner over the source text that remembers the line of every table header
and key, so that a mistake can be reported as `file:line: message`. It only
runs on text that tomllib has already accepted, so it can stay simple.

Paths name a place in the document the way the parsed data is indexed:
`("env", "port", "default")`, and for arrays of tables the element number:
`("app", 2, "config", "greetings")` is a key under the third `[[app]]`.
"""
import datetime
import re
import tomllib

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1

# Names of environment items, exported services and apps.
NAME_RE = re.compile(r'[a-z_][a-z0-9_]*\Z')
NAME_MAX = 31


class Report:
    """Collects mistakes as (file, line, message), in the order found."""

    def __init__(self):
        self.mistakes = []

    def add(self, file, line, message):
        self.mistakes.append((file, line, message))

    def lines(self):
        return [f'{file}:{line}: {message}' for file, line, message in self.mistakes]

    def __bool__(self):
        return bool(self.mistakes)


def type_name(value):
    """The TOML name of a parsed value's type, for messages."""
    if isinstance(value, bool):
        return 'boolean'
    if isinstance(value, int):
        return 'integer'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, float):
        return 'float'
    if isinstance(value, list):
        return 'array'
    if isinstance(value, dict):
        return 'table'
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return 'date/time'
    return type(value).__name__


def with_article(noun):
    """'an integer', 'a string'."""
    return ('an ' if noun[:1] in 'aeiou' else 'a ') + noun


def a_type(value):
    """The TOML type of a parsed value with its article: 'an integer'."""
    return with_article(type_name(value))


def check_name(value):
    """Why `value` is not a valid env/service/app name, or None if it is."""
    if not NAME_RE.match(value):
        return 'must be lowercase letters, digits and _ (not starting with a digit)'
    if len(value.encode()) > NAME_MAX:
        return f'is longer than {NAME_MAX} bytes'
    return None


class TomlFile:
    """A parsed TOML file: `data` (dicts and lists) and `line(*path)`."""

    def __init__(self, name, data, locator):
        self.name = name  # the path as shown in messages
        self.data = data
        self.locator = locator

    def line(self, *path):
        return self.locator.line(path)


def load(path, report):
    """Parses the TOML file at `path`; on a mistake reports it and returns None."""
    try:
        with open(path, 'rb') as f:
            raw = f.read()
    except OSError as error:
        report.add(path, 1, f'cannot read: {error.strerror}')
        return None
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b'\n') + 1
        report.add(path, line, 'not valid UTF-8 text')
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, message = _decode_error_position(str(error), text)
        report.add(path, line, f'TOML syntax error: {message}')
        return None
    return TomlFile(path, data, Locator(text))


def _decode_error_position(message, text):
    """Splits tomllib's "... (at line L, column C)" into (L, message)."""
    found = re.search(r'\s*\(at line (\d+), column (\d+)\)\s*$', message)
    if found:
        return int(found.group(1)), f'{message[:found.start()]} (column {found.group(2)})'
    found = re.search(r'\s*\(at end of document\)\s*$', message)
    if found:
        return text.count('\n') + 1, f'{message[:found.start()]} (at end of file)'
    return 1, message


class Locator:
    """Maps document paths to the 1-based line where they are defined."""

    def __init__(self, text):
        self.lines = {}
        self._scan(text)

    def line(self, path):
        """The line of `path`, else of its nearest recorded ancestor, else 1.

        Keys inside inline tables and multi-line arrays are not recorded
        themselves, so they get the line of the key that holds them.
        """
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1

    def _record(self, path, number):
        # Every prefix is defined here too unless it was defined earlier
        # (`[env.x]` also defines `env`).
        for end in range(1, len(path) + 1):
            self.lines.setdefault(path[:end], number)

    def _scan(self, text):
        table = ()     # resolved path of the current table
        arrays = {}    # resolved path of each array of tables -> elements so far
        pending = None  # closing quotes of the multi-line string we are in
        depth = 0      # brackets still open in a value spanning lines
        for number, raw in enumerate(text.split('\n'), 1):
            if pending or depth:
                pending, depth = _scan_value(raw, 0, pending, depth)
                continue
            line = raw.strip()
            if not line or line.startswith('#'):
                continue
            if line.startswith('[['):
                parts, _ = _parse_key(line, 2)
                base = _resolve(parts[:-1], arrays) + (parts[-1],)
                index = arrays.get(base, 0)
                arrays[base] = index + 1
                table = base + (index,)
                self._record(table, number)
            elif line.startswith('['):
                table = _resolve(_parse_key(line, 1)[0], arrays)
                self._record(table, number)
            else:
                parts, pos = _parse_key(line, 0)
                self._record(table + tuple(parts), number)
                pending, depth = _scan_value(line, pos + 1, None, 0)  # after '='


def _resolve(parts, arrays):
    """The path of a header's dotted key: arrays of tables name their last element."""
    path = ()
    for part in parts:
        path += (part,)
        if path in arrays:
            path += (arrays[path] - 1,)
    return path


def _parse_key(text, pos):
    """Parses a dotted key at `pos`: (list of parts, position after it)."""
    parts = []
    while True:
        pos = _skip_spaces(text, pos)
        if pos < len(text) and text[pos] in '"\'':
            end = _string_end(text, pos)
            parts.append(tomllib.loads('k = ' + text[pos:end])['k'])
            pos = end
        else:
            start = pos
            while pos < len(text) and (text[pos].isalnum() or text[pos] in '_-'):
                pos += 1
            parts.append(text[start:pos])
        pos = _skip_spaces(text, pos)
        if pos < len(text) and text[pos] == '.':
            pos += 1
            continue
        return parts, pos


def _skip_spaces(text, pos):
    while pos < len(text) and text[pos] in ' \t':
        pos += 1
    return pos


def _string_end(text, pos):
    """The position after the one-line string that starts at `pos`."""
    quote = text[pos]
    pos += 1
    while pos < len(text) and text[pos] != quote:
        pos += 2 if quote == '"' and text[pos] == '\\' else 1
    return pos + 1


def _scan_value(text, pos, pending, depth):
    """Follows a value from `pos` to the end of the line.

    Returns the (pending, depth) state at the end of the line: the closing
    quotes of a multi-line string still open, and the number of brackets
    still open, so that the next lines are known to be part of the value.
    """
    while pos < len(text):
        if pending:
            end = _closing_quotes(text, pos, pending)
            if end < 0:
                return pending, depth
            pos, pending = end, None
            continue
        char = text[pos]
        if char == '#':
            break
        if text.startswith('"""', pos) or text.startswith("'''", pos):
            pending = text[pos:pos + 3]
            pos += 3
        elif char in '"\'':
            pos = _string_end(text, pos)
        else:
            depth += (char in '[{') - (char in ']}')
            pos += 1
    return pending, depth


def _closing_quotes(text, pos, quotes):
    """The position after `quotes` closing a multi-line string, or -1."""
    while True:
        found = text.find(quotes, pos)
        if found < 0:
            return -1
        backslashes = len(text[:found]) - len(text[:found].rstrip('\\'))
        if quotes == '"""' and backslashes % 2:
            pos = found + 1  # an escaped quote
            continue
        end = found + 3
        while end < len(text) and text[end] == quotes[0]:
            end += 1  # up to two more quotes belong to the string
        return end
