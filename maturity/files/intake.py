"""Reading assessment files into checked assessments, and scoring them.

The thin layer between files and the core: load, check against the framework,
merge respondents of the same unit and period, score.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from maturity.core.assessment import Assessment, check_against, normalise_levels
from maturity.core.errors import InvalidFileError, MaturityError, Problem
from maturity.core.framework import Framework
from maturity.core.scoring import Score, merge, score
from maturity.files.catalog import by_reference, framework_for
from maturity.files.loading import Source, check_kind, explain, read

if TYPE_CHECKING:
    from maturity.files.workbook import CellMap


def read_assessment(path: Path) -> tuple[Assessment, Source | CellMap | None]:
    """Read one assessment file (YAML, or a filled-in workbook) without checking it.

    Also returns where each part came from (line, or sheet and cell) for error messages.
    """
    if path.suffix.lower() == ".xlsx":
        from maturity.files.workbook import read_workbook_cells  # heavy: openpyxl

        return read_workbook_cells(path)
    return _read_yaml(path)


def _read_yaml(path: Path) -> tuple[Assessment, Source]:
    source = read(path)
    check_kind(source, Assessment)
    try:
        return Assessment.model_validate(source.data), source
    except ValidationError as exc:
        lines = explain(source, exc) + _problems_beyond(source, exc)
        raise InvalidFileError(sorted(lines, key=_line_number)) from None


# Stand-ins for required fields that failed, so the rest of the file can still be checked.
_STAND_INS = {"period": "2000/01", "unit": "unit"}


def _problems_beyond(source: Source, exc: ValidationError) -> list[str]:
    """The framework's problems with the parts of a file that did validate.

    Without this, a file with a mistyped value and an unknown criterion would need two
    runs to show both: the framework check needs a valid assessment to start from.
    """
    if not isinstance(source.data, dict):
        return []
    data = copy.deepcopy(source.data)
    failed = {tuple(error["loc"]) for error in exc.errors()}
    for loc in sorted(failed, key=len, reverse=True):
        _drop(data, loc)
    try:
        partial = Assessment.model_validate(data)
        fw = framework_for(partial, base=Path(source.name).parent)
    except (ValidationError, MaturityError):
        return []
    problems = check_against(fw, normalise_levels(fw, partial))
    return [source.message(p) for p in problems if p.loc not in failed]


def _drop(data: dict[str, Any], loc: tuple[str | int, ...]) -> None:
    if not loc:  # a problem with the whole file: nothing to leave out
        return
    if len(loc) == 1 and loc[0] in _STAND_INS:
        data[str(loc[0])] = _STAND_INS[str(loc[0])]
        return
    parent: Any = data
    for key in loc[:-1]:
        try:
            parent = parent[key]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(parent, dict):
        parent.pop(loc[-1], None)
    elif isinstance(parent, list) and len(loc) > 1:
        _drop(data, loc[:-1])  # a bad list item: leave the whole list out


def _line_number(line: str) -> int:
    parts = line.split(":", 2)
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else 0


def load_assessment(
    path: Path,
    framework: str | None = None,
    registered: Sequence[Framework] = (),
    find_registered: Callable[[], Sequence[Framework]] | None = None,
) -> tuple[Assessment, Framework]:
    """Read an assessment and check it against its framework; every problem is one line.

    `registered` frameworks (a store's) are looked up before the built-in ones.
    `find_registered` is asked for them only when the framework is not otherwise found,
    so that commands that seldom need the store do not open it.
    """
    assessment, source = read_assessment(path)
    try:
        fw = _framework(assessment, framework, registered, find_registered, path.parent)
    except InvalidFileError:
        raise
    except MaturityError as exc:
        if framework is not None:
            raise
        # The file names a framework that cannot be found: say which file, and where.
        problem = Problem(("framework",), str(exc))
        raise InvalidFileError(
            [f"{path}: {exc}" if source is None else source.message(problem)]
        ) from None
    assessment = normalise_levels(fw, by_reference(assessment, fw))
    problems = check_against(fw, assessment)
    if problems:
        if source is None:
            raise InvalidFileError([f"{path}: {p.message}" for p in problems])
        raise InvalidFileError([source.message(p) for p in problems])
    return assessment, fw


def _framework(
    assessment: Assessment,
    framework: str | None,
    registered: Sequence[Framework],
    find_registered: Callable[[], Sequence[Framework]] | None,
    base: Path,
) -> Framework:
    try:
        return framework_for(assessment, framework, registered, base)
    except InvalidFileError:
        raise
    except MaturityError:
        if framework is not None or find_registered is None:
            raise
        found = find_registered()
        if not found:
            raise
        return framework_for(assessment, None, found, base)


def load_merged(
    paths: Sequence[Path],
    framework: str | None = None,
    find_registered: Callable[[], Sequence[Framework]] | None = None,
) -> list[tuple[Assessment, Framework, dict[str, int]]]:
    """Load assessment files, merging files for the same unit and period as respondents.

    Every file is checked before anything is merged; all problems are reported together.
    Returns each merged assessment with its framework and the spread per criterion.
    """
    loaded: list[tuple[Assessment, Framework]] = []
    errors: list[str] = []
    for path in paths:
        try:
            loaded.append(load_assessment(path, framework, find_registered=find_registered))
        except InvalidFileError as exc:
            errors += exc.lines
        except MaturityError as exc:  # e.g. no such file: still check the others
            if str(exc) not in errors:
                errors.append(str(exc))
    if errors:
        raise InvalidFileError(errors)
    groups: dict[tuple[str, str, str], list[tuple[Assessment, Framework]]] = {}
    for assessment, fw in loaded:
        groups.setdefault((fw.ref, assessment.unit, assessment.period), []).append((assessment, fw))
    merged = []
    for group in groups.values():
        fw = group[0][1]
        assessment, spreads = merge(fw, [a for a, _ in group])
        merged.append((assessment, fw, spreads))
    return merged


def score_files(
    paths: Sequence[Path],
    framework: str | None = None,
    find_registered: Callable[[], Sequence[Framework]] | None = None,
) -> list[Score]:
    """Score assessment files; files for the same unit and period merge as respondents."""
    merged = load_merged(paths, framework, find_registered)
    return [score(fw, a, spreads) for a, fw, spreads in merged]
