"""Reading assessment files into checked assessments, and scoring them.

The thin layer between files and the core: load, check against the framework,
merge respondents of the same unit and period, score.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from maturity.assessment import Assessment, check_against, normalise_levels
from maturity.catalog import framework_for
from maturity.errors import InvalidFileError, MaturityError, Problem
from maturity.framework import Framework
from maturity.loading import Source, load
from maturity.scoring import Score, merge, score

if TYPE_CHECKING:
    from maturity.workbook import CellMap


def read_assessment(path: Path) -> tuple[Assessment, Source | CellMap | None]:
    """Read one assessment file (YAML, or a filled-in workbook) without checking it.

    Also returns where each part came from (line, or sheet and cell) for error messages.
    """
    if path.suffix.lower() == ".xlsx":
        from maturity.workbook import read_workbook_cells  # heavy: openpyxl

        return read_workbook_cells(path)
    return load(path, Assessment)


def load_assessment(path: Path, framework: str | None = None) -> tuple[Assessment, Framework]:
    """Read an assessment and check it against its framework; every problem is one line."""
    assessment, source = read_assessment(path)
    try:
        fw = framework_for(assessment, framework)
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
    assessment = normalise_levels(fw, assessment)
    problems = check_against(fw, assessment)
    if problems:
        if source is None:
            raise InvalidFileError([f"{path}: {p.message}" for p in problems])
        raise InvalidFileError([source.message(p) for p in problems])
    return assessment, fw


def load_merged(
    paths: Sequence[Path], framework: str | None = None
) -> list[tuple[Assessment, Framework, dict[str, int]]]:
    """Load assessment files, merging files for the same unit and period as respondents.

    Every file is checked before anything is merged; all problems are reported together.
    Returns each merged assessment with its framework and the spread per criterion.
    """
    loaded: list[tuple[Assessment, Framework]] = []
    errors: list[str] = []
    for path in paths:
        try:
            loaded.append(load_assessment(path, framework))
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


def score_files(paths: Sequence[Path], framework: str | None = None) -> list[Score]:
    """Score assessment files; files for the same unit and period merge as respondents."""
    return [score(fw, a, spreads) for a, fw, spreads in load_merged(paths, framework)]
