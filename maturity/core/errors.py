"""The errors `maturity` raises on purpose.

The core raises these and knows nothing of the command line; the CLI's one error
boundary prints them as `Error: ...` lines and exits 1. A bug's details go to a crash log
(`maturity.files.crash_log`), which is I/O and so lives outside the core.
"""

from __future__ import annotations

from typing import NamedTuple

Loc = tuple[str | int, ...]

SHOWN_CHARS = 80
"""How much of a quoted value an error line shows."""
MAX_LINE_CHARS = 1_000
"""The longest error line printed; anything longer is cut."""
# Control characters (ESC can clear a terminal or set its title), and the bidirectional
# overrides that make text display in another order than it is stored. A translation
# table rather than a regular expression: compiling one is a noticeable part of start-up.
_INVISIBLE = [
    *range(0x00, 0x20),
    *range(0x7F, 0xA0),
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
]
_WRITTEN_OUT = {code: chr(code).encode("unicode_escape").decode("ascii") for code in _INVISIBLE}
_INVISIBLE_CHARS = frozenset(map(chr, _INVISIBLE))


def visible(text: str) -> str:
    """`text` with every control character written out, e.g. ESC as `\\x1b`."""
    return text.translate(_WRITTEN_OUT)


def has_invisible(text: str) -> bool:
    """Whether `text` holds a control or text-direction character that `visible` writes out."""
    return not _INVISIBLE_CHARS.isdisjoint(text)


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A value from a file, fit to quote in an error line: visible, and cut when long."""
    text = str(value)
    if len(text) > limit:
        return visible(text[:limit]) + f"... ({len(text):,} characters)"
    return visible(text)


def printable(line: str) -> str:
    """An error line as it is printed: control characters visible, cut when enormous."""
    line = visible(line)
    return line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + "..."


class Problem(NamedTuple):
    """One thing wrong with a file, at a key path inside it."""

    loc: Loc
    message: str


class MaturityError(Exception):
    """An expected failure a user can act on: bad input, a missing file, a refused action."""


class InvalidFileError(MaturityError):
    """A framework, assessment or other data file failed validation.

    Carries every problem found, each already formatted as one line
    (`file:line: where (by id): what; how to fix`).
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


class ProblemsError(ValueError):
    """Raised inside pydantic validators to report several located problems at once.

    The loader unwraps it and maps each problem's key path to a line of the file.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))
