"""The errors `maturity` raises on purpose.

The core raises these and knows nothing of the command line; the CLI's one error
boundary prints them as `Error: ...` lines and exits 1. A bug's details go to a crash log
(`maturity.files.crash_log`), which is I/O and so lives outside the core.
"""

from __future__ import annotations

from dataclasses import dataclass

Loc = tuple[str | int, ...]


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
