"""Reading framework and assessment YAML files into validated models.

Errors name the file, the line, the object by its id and what to do:
`frameworks/edi.yaml:48: domain 'workforce' > criterion 'representation' > weight: ...`.
Only safe YAML; duplicate keys, anchors and aliases, and oversized files are refused.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from maturity.core import limits
from maturity.core.errors import (
    InvalidFileError,
    Loc,
    MaturityError,
    Problem,
    ProblemsError,
    shown,
)

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader  # type: ignore[assignment]

MAX_BYTES = limits.MAX_YAML_BYTES
MAX_DEPTH = limits.MAX_YAML_DEPTH
YAML11_BOOLS = {"yes", "no", "on", "off", "true", "false", "y", "n"}
M = TypeVar("M", bound=BaseModel)


class Source:
    """A parsed YAML document, with the line of every key path for error messages."""

    def __init__(
        self, name: str, data: Any, lines: dict[Loc, int], plain: dict[Loc, str] | None = None
    ) -> None:
        self.name = name
        self.data = data
        self.lines = lines
        # The original text of unquoted scalars YAML read as true/false, for a hint.
        self.plain = plain or {}

    def line(self, loc: Loc) -> int:
        """The line of the longest known prefix of `loc` (1-based)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(loc[:end])
            if line is not None:
                return line
        return 1

    def where(self, loc: Loc) -> str:
        """`domain 'workforce' > criterion 'representation' > weight`: the path, named by ids."""
        parts: list[str] = []
        value: Any = self.data
        i = 0
        while i < len(loc):
            key = loc[i]
            child = _get(value, key)
            if (
                isinstance(key, int)
                and isinstance(child, dict)
                and isinstance(child.get("id"), str)
            ):
                noun = parts.pop() if parts else "item"
                parts.append(f"{_singular(noun)} '{shown(child['id'])}'")
            elif isinstance(key, int):
                parts.append(f"{parts.pop() if parts else 'item'} {key + 1}")
            elif isinstance(value, dict) and loc[:i] == ("responses",):
                parts[-1:] = [f"response '{shown(key)}'"]
            else:
                parts.append(shown(key))
            value = child
            i += 1
        return " > ".join(parts) if parts else "file"

    def message(self, problem: Problem) -> str:
        return f"{self.name}:{self.line(problem.loc)}: {self.where(problem.loc)}: {problem.message}"


def _get(value: Any, key: str | int) -> Any:
    if isinstance(value, dict):
        return value.get(key)
    if isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
        return value[key]
    return None


def _singular(noun: str) -> str:
    return {"criteria": "criterion", "domains": "domain", "levels": "level", "bands": "band"}.get(
        noun, noun.rstrip("s")
    )


def parse(text: str, name: str) -> Source:
    """Parse YAML text safely in one pass over its events, noting the line of every key path.

    Refuses duplicate keys, anchors and aliases (an alias bomb expands to billions of
    nodes), merge keys, unknown tags, several documents and deep nesting, each with its line.
    """
    builder = _Builder(name)
    try:
        for event in yaml.parse(text, Loader=SafeLoader):
            builder.feed(event)
    except yaml.YAMLError as exc:
        raise _not_yaml(name, exc) from None
    if builder.errors:
        raise InvalidFileError(list(dict.fromkeys(builder.errors)))
    if builder.root is _EMPTY:
        raise InvalidFileError([f"{name}:1: the file is empty"])
    return Source(name, builder.root, builder.lines, builder.plain)


_EMPTY = object()
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_BOOL = "tag:yaml.org,2002:bool"
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


class _Frame:
    """An open mapping or sequence while the events are read."""

    __slots__ = ("container", "key", "loc")

    def __init__(self, container: dict[Any, Any] | list[Any], loc: Loc) -> None:
        self.container = container
        self.loc = loc
        self.key: Any = _EMPTY  # in a mapping: the key read, waiting for its value


class _Builder:
    """Builds Python data from YAML events, checking what `parse` refuses as it goes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.root: Any = _EMPTY
        self.stack: list[_Frame] = []
        self.lines: dict[Loc, int] = {}
        self.plain: dict[Loc, str] = {}
        self.errors: list[str] = []
        self.documents = 0
        self.nodes = 0

    @staticmethod
    def _line(event: yaml.Event) -> int:
        return event.start_mark.line + 1 if event.start_mark is not None else 1

    def _error(self, event: yaml.Event, what: str) -> None:
        self.errors.append(f"{self.name}:{self._line(event)}: {what}")

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.CollectionEndEvent):
            self.stack.pop()
        elif isinstance(event, yaml.NodeEvent):
            self._node(event)
        elif isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self._error(event, "a file holds one YAML document; remove the extra '---'")

    def _scalar(self, event: yaml.ScalarEvent) -> tuple[Any, str]:
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:  # quoted: always text
                return event.value, _STR
            tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
        if tag == _STR:
            return event.value, tag
        construct = _CONSTRUCTOR.yaml_constructors.get(tag)
        if construct is None or tag == _MERGE:
            return event.value, tag
        node = yaml.ScalarNode(tag, event.value, style=event.style)
        return construct(_CONSTRUCTOR, node), tag

    def _node(self, event: yaml.NodeEvent) -> None:
        self.nodes += 1
        if self.nodes > limits.MAX_YAML_NODES:
            # Checked while reading: a file of 300,000 stray keys is refused in a moment,
            # not validated (and each key offered a "did you mean") for minutes.
            raise InvalidFileError(
                [
                    f"{self.name}:{self._line(event)}: more than {limits.MAX_YAML_NODES:,} keys "
                    "and list items; no framework or assessment needs that many"
                ]
            )
        frame = self.stack[-1] if self.stack else None
        container = None if frame is None else frame.container
        if frame is not None and type(container) is dict and frame.key is _EMPTY:
            self._key(frame, event)
            return
        if frame is None:
            loc: Loc = ()
        elif type(container) is dict:
            loc = (*frame.loc, frame.key)
        else:
            loc = (*frame.loc, len(frame.container))
        self.lines[loc] = self._line(event)
        value: Any = None
        if isinstance(event, yaml.AliasEvent):
            self._error(
                event,
                "anchors and aliases (& and *) are not supported; write the value out in full",
            )
        elif isinstance(event, yaml.ScalarEvent):
            value, tag = self._scalar(event)
            if tag not in _CONSTRUCTOR.yaml_constructors:
                self._error(event, f"the tag {tag} is not supported; remove it")
            elif tag == _BOOL and not event.style:
                self.plain[loc] = event.value
        elif isinstance(event, yaml.CollectionStartEvent):
            if len(self.stack) >= MAX_DEPTH:
                raise InvalidFileError(
                    [
                        f"{self.name}:{self.lines[loc]}: nested more than {MAX_DEPTH} levels "
                        "deep; no framework or assessment needs that many"
                    ]
                )
            value = {} if isinstance(event, yaml.MappingStartEvent) else []
        if frame is None:
            self.root = value
        elif isinstance(container, dict):
            container[frame.key] = value
            frame.key = _EMPTY
        elif isinstance(container, list):
            container.append(value)
        if isinstance(event, yaml.CollectionStartEvent):
            self.stack.append(_Frame(value, loc))

    def _key(self, frame: _Frame, event: yaml.NodeEvent) -> None:
        if not isinstance(event, yaml.ScalarEvent):
            self._error(event, "a key must be plain text, not a list, mapping or alias")
            # Read the odd key as a placeholder so the rest of the file is still checked.
            frame.key = f"<key on line {self._line(event)}>"
            if isinstance(event, yaml.CollectionStartEvent):
                self.stack.append(
                    _Frame({} if isinstance(event, yaml.MappingStartEvent) else [], ())
                )
            return
        key, tag = self._scalar(event)
        if tag == _MERGE:
            self._error(event, "merge keys (<<) are not supported")
        if key in frame.container:
            self._error(
                event,
                f"duplicate key '{shown(key)}'; each key may appear once, remove or rename one",
            )
        frame.key = key


def _not_yaml(name: str, exc: yaml.YAMLError) -> InvalidFileError:
    """One line for a YAML error, at the line where YAML noticed it."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return InvalidFileError([f"{name}:1: not valid YAML: {first}"])
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    what = exc.problem or exc.context
    # YAML notices an unclosed bracket or quote lines later; name where it opened too.
    opened = exc.context_mark
    if exc.problem and exc.context and opened is not None and opened.line + 1 != line:
        what = f"{what} ({exc.context} on line {opened.line + 1})"
    return InvalidFileError([f"{name}:{line}: not valid YAML: {what}{_hint(str(what))}"])


# What YAML's messages usually mean, for people who do not write YAML every day.
HINTS = {
    "'\\t'": "indent with spaces, not tabs",
    "tab character": "indent with spaces, not tabs",
    "mapping values are not allowed": (
        "check this line is indented like the lines around it, and put text containing "
        "': ' in quotes"
    ),
    "did not find expected key": "check this line is indented like the lines around it",
    "did not find expected '-' indicator": "check the list items line up under each other",
    "found unexpected end of stream": "a quote or bracket is not closed",
    "found unknown escape character": "use single quotes around text containing a backslash",
}


def _hint(what: str) -> str:
    for clue, hint in HINTS.items():
        if clue in what:
            return f"; {hint}"
    return ""


def read(path: Path) -> Source:
    """Read and parse a YAML file, refusing special, oversized or undecodable ones."""
    return parse(decode(read_bytes(path, MAX_BYTES), str(path)), str(path))


def read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; anything else is one line.

    FIFOs, devices and sockets (or a symlink to one, such as /dev/zero) are refused
    before they are opened: reading them would hang or never end. The read stops one
    byte past the limit, whatever the file's size claimed a moment before.
    """
    name = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise MaturityError(f"{name}: is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise InvalidFileError(
                [f"{name}:1: not a regular file (a device, pipe or socket); give a file"]
            )
        if info.st_size > limit:
            raise InvalidFileError([_too_big(name, info.st_size, limit)])
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise MaturityError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise MaturityError(f"{name}: is a folder, not a file") from None
    except PermissionError:
        raise MaturityError(f"{name}: permission denied") from None
    except OSError as exc:
        raise MaturityError(f"{name}: cannot read the file ({exc.strerror or exc})") from None
    if len(data) > limit:  # it grew since `stat`
        raise InvalidFileError([f"{name}:1: the file is over the limit of {limit // 2**20} MB"])
    return data


def _too_big(name: str, size: int, limit: int) -> str:
    return f"{name}:1: the file is {size / 2**20:.1f} MB, over the limit of {limit // 2**20} MB"


def decode(data: bytes, name: str) -> str:
    """UTF-8 text from `data`, or one line saying what the file is instead."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise InvalidFileError(
            [f"{name}:1: not UTF-8 text (it looks like UTF-16); save it as UTF-8"]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidFileError(
            [f"{name}:1: not UTF-8 text ({exc.reason} at byte {exc.start})"]
        ) from None


def validate(source: Source, model: type[M]) -> M:
    """Validate parsed data into `model`, turning every error into a located line."""
    check_kind(source, model)
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        raise InvalidFileError(explain(source, exc)) from None


KINDS = {
    "Framework": "framework",
    "Assessment": "assessment",
    "Targets": "targets",
    "ActionPlan": "plan",
}


def check_kind(source: Source, model: type[BaseModel]) -> None:
    """Refuse, in one line quoting nothing of it, a file that is not of this kind at all.

    A file given by mistake (or on purpose: `--targets /etc/shadow`) would otherwise
    have each of its lines quoted back as an unknown key.
    """
    kind = KINDS.get(model.__name__, model.__name__.lower())
    keys = ", ".join(list(model.model_fields)[:4])
    data = source.data
    if not isinstance(data, dict) or (data and not set(data) & set(model.model_fields)):
        raise InvalidFileError(
            [f"{source.name}:1: not a {kind} file (one has keys such as {keys})"]
        )


def explain(source: Source, exc: ValidationError) -> list[str]:
    """Every pydantic error as `file:line: where: what; how to fix`."""
    lines: list[str] = []
    for error in exc.errors():
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, ProblemsError):
            lines += [
                source.message(Problem((*error["loc"], *p.loc), p.message)) for p in cause.problems
            ]
            continue
        loc: Loc = tuple(error["loc"])
        lines.append(source.message(Problem(loc, _describe(source, loc, error))))
    return lines


def _describe(source: Source, loc: Loc, error: Any) -> str:
    kind = error["type"]
    raw = source.plain.get(loc)
    value = error.get("input")
    if kind == "extra_forbidden":
        return f"unknown key '{shown(loc[-1])}'; check the spelling against the format reference"
    if kind == "missing":
        return f"'{loc[-1]}' is required"
    if kind == "string_type" and raw is not None:
        return f"YAML reads an unquoted {shown(raw)} as true/false; write '{shown(raw)}' in quotes"
    if kind == "string_type" and isinstance(value, int | float):
        return f"expected text, found the number {value}; put it in quotes"
    ctx = error.get("ctx") or {}
    if kind == "string_too_short" or (
        kind == "string_pattern_mismatch" and ctx.get("pattern") == r"\S"
    ):
        return "is empty (or only spaces); write something, or leave the key out"
    if kind == "string_too_long":
        return f"too long: at most {ctx['max_length']:,} characters"
    if kind == "too_long":
        return f"too many items: at most {ctx['max_length']:,}"
    if kind == "less_than_equal":
        return f"{shown(value)} is too large: at most {ctx['le']:,}"
    if kind == "greater_than_equal":
        return f"{shown(value)} is too small: at least {ctx['ge']:,}"
    if kind == "string_pattern_mismatch" and isinstance(value, str):
        if str(ctx.get("pattern", "")).startswith("^[a-z0-9]"):
            return f"'{shown(value)}' is not a valid id: use lowercase letters, digits and hyphens"
        return "must be one line of text, without line breaks or control characters"
    if kind == "finite_number":
        return f"expected a number, found {shown(repr(value))}"
    if kind == "enum":
        expected = (error.get("ctx") or {}).get("expected", "")
        return f"'{shown(value)}' is not one of {expected}"
    if kind in {"float_type", "int_type", "float_parsing", "int_parsing"}:
        return f"expected a number, found {shown(repr(value))}"
    if kind in {"dict_type", "model_type"}:
        return "expected a mapping of keys to values"
    if kind == "list_type":
        return "expected a list (items starting with '- ')"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])[:1].lower() + str(error["msg"])[1:]


def load(path: Path, model: type[M]) -> tuple[M, Source]:
    """Read a YAML file and validate it into `model`."""
    source = read(path)
    return validate(source, model), source
