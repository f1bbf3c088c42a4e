"""The errors `maturity` raises on purpose.

The core raises these and knows nothing of the command line; the CLI's one error
boundary prints them as `Error: ...` lines and exits 1. A bug's details go to a crash log
(`maturity.files.crash_log`), which is I/O and so lives outside the core.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Loc = tuple[str | int, ...]

SHOWN_CHARS = 80
"""How much of a quoted value an error line shows."""
MAX_LINE_CHARS = 1_000
"""The longest error line printed; anything longer is cut."""
# Control characters (ESC can clear a terminal or set its title), and the bidirectional
# overrides that make text display in another order than it is stored.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """`text` with every control character written out, e.g. ESC as `\\x1b`."""
    return _INVISIBLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


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


@dataclass(frozen=True)
class Problem:
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
