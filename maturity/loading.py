"""Reading framework and assessment YAML files into validated models.

Errors name the file, the line, the object by its id and what to do:
`frameworks/edi.yaml:48: domain 'workforce' > criterion 'representation' > weight: ...`.
Only safe YAML; duplicate keys, anchors and aliases, and oversized files are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from maturity.errors import InvalidFileError, Loc, MaturityError, Problem, ProblemsError

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader  # type: ignore[assignment]

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 50
YAML11_BOOLS = {"yes", "no", "on", "off", "true", "false", "y", "n"}
M = TypeVar("M", bound=BaseModel)


class Source:
    """A parsed YAML document with the node behind every key path, for line numbers."""

    def __init__(self, name: str, data: Any, nodes: dict[Loc, yaml.Node]) -> None:
        self.name = name
        self.data = data
        self.nodes = nodes

    def line(self, loc: Loc) -> int:
        """The line of the longest known prefix of `loc` (1-based)."""
        for end in range(len(loc), -1, -1):
            node = self.nodes.get(loc[:end])
            if node is not None:
                return int(node.start_mark.line) + 1
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
                parts.append(f"{_singular(noun)} '{child['id']}'")
            elif isinstance(key, int):
                parts.append(f"{parts.pop() if parts else 'item'} {key + 1}")
            elif isinstance(value, dict) and loc[:i] == ("responses",):
                parts[-1:] = [f"response '{key}'"]
            else:
                parts.append(str(key))
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
    """Parse YAML text safely, mapping every key path to its node.

    Refuses duplicate keys and aliases (an alias bomb expands to billions of nodes),
    reporting each with its line.
    """
    try:
        _check_events(text, name)
        loader = SafeLoader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _not_yaml(name, exc) from None
    if root is None:
        raise InvalidFileError([f"{name}:1: the file is empty"])
    nodes: dict[Loc, yaml.Node] = {}
    errors: list[str] = []
    _walk(root, (), nodes, errors, name, set())
    if errors:
        raise InvalidFileError(errors)
    try:
        # Construct from the already-composed tree: no second parse.
        constructor = yaml.constructor.SafeConstructor()
        data = constructor.construct_document(root)
    except yaml.YAMLError as exc:
        raise _not_yaml(name, exc) from None
    return Source(name, data, nodes)


def _not_yaml(name: str, exc: yaml.YAMLError) -> InvalidFileError:
    """One line for a YAML error, at the line where YAML noticed it."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        return InvalidFileError([f"{name}:1: not valid YAML: {exc}"])
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    what = exc.problem or exc.context
    # YAML notices an unclosed bracket or quote lines later; name where it opened too.
    opened = exc.context_mark
    if exc.problem and exc.context and opened is not None and opened.line + 1 != line:
        what = f"{what} ({exc.context} on line {opened.line + 1})"
    return InvalidFileError([f"{name}:{line}: not valid YAML: {what}"])


def _check_events(text: str, name: str) -> None:
    """Refuse, before composing, deep nesting (libyaml's composer recurses and can crash)
    and aliases (at the lines that use them, once per line)."""
    depth = 0
    aliases: dict[str, None] = {}
    for event in yaml.parse(text, Loader=SafeLoader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            aliases[
                f"{name}:{event.start_mark.line + 1}: anchors and aliases (& and *) are not "
                "supported; write the value out in full"
            ] = None
        elif isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                line = mark.line + 1 if mark is not None else 1
                raise InvalidFileError(
                    [
                        f"{name}:{line}: nested more than {MAX_DEPTH} levels "
                        "deep; no framework or assessment needs that many"
                    ]
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    if aliases:
        raise InvalidFileError(list(aliases))


def _walk(
    node: yaml.Node,
    loc: Loc,
    nodes: dict[Loc, yaml.Node],
    errors: list[str],
    name: str,
    seen: set[int],
) -> None:
    if id(node) in seen:
        errors.append(
            f"{name}:{node.start_mark.line + 1}: anchors and aliases (& and *) are not supported; "
            "write the value out in full"
        )
        return
    seen.add(id(node))
    nodes[loc] = node
    if isinstance(node, yaml.MappingNode):
        keys: set[Any] = set()
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                errors.append(
                    f"{name}:{key_node.start_mark.line + 1}: merge keys (<<) are not supported"
                )
                continue
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node.value)
            if key in keys:
                errors.append(
                    f"{name}:{key_node.start_mark.line + 1}: duplicate key '{key}'; "
                    "each key may appear once, remove or rename one"
                )
            keys.add(key)
            _walk(value_node, (*loc, key), nodes, errors, name, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), nodes, errors, name, seen)


def read(path: Path) -> Source:
    """Read and parse a YAML file, refusing oversized or undecodable ones."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InvalidFileError(
                [f"{name}:1: the file is {size / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MB"]
            )
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise MaturityError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise MaturityError(f"{name}: is a folder, not a file") from None
    except UnicodeDecodeError as exc:
        raise InvalidFileError(
            [f"{name}:1: not UTF-8 text ({exc.reason} at byte {exc.start})"]
        ) from None
    except PermissionError:
        raise MaturityError(f"{name}: permission denied") from None
    return parse(text, name)


def validate(source: Source, model: type[M]) -> M:
    """Validate parsed data into `model`, turning every error into a located line."""
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        raise InvalidFileError(explain(source, exc)) from None


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
    node = source.nodes.get(loc)
    value = error.get("input")
    if kind == "extra_forbidden":
        return f"unknown key '{loc[-1]}'; check the spelling against the format reference"
    if kind == "missing":
        return f"'{loc[-1]}' is required"
    if (
        kind == "string_type"
        and isinstance(node, yaml.ScalarNode)
        and not node.style  # plain: None from SafeLoader, '' from CSafeLoader
        and node.value.lower() in YAML11_BOOLS
    ):
        return f"YAML reads an unquoted {node.value} as true/false; write '{node.value}' in quotes"
    if kind == "string_type" and isinstance(value, int | float):
        return f"expected text, found the number {value}; put it in quotes"
    if kind == "string_pattern_mismatch" and isinstance(value, str):
        return f"'{value}' is not a valid id: use lowercase letters, digits and hyphens"
    if kind == "enum":
        expected = (error.get("ctx") or {}).get("expected", "")
        return f"'{value}' is not one of {expected}"
    if kind in {"float_type", "int_type", "float_parsing", "int_parsing"}:
        return f"expected a number, found {value!r}"
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
