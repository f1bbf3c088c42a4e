"""Importing assessment files into the store: check every file first, then store each.

A file is checked (read, validated against its framework, scored) before anything is
stored; each valid file is then stored in its own transaction, so a rejected file
stores nothing and does not stop the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from maturity.core.errors import InvalidFileError, MaturityError
from maturity.core.scoring import score
from maturity.files.intake import load_assessment
from maturity.store.store import Store
from maturity.store.writing import Checked, RejectedError

IMPORTABLE = (".yaml", ".yml", ".xlsx")
PARALLEL_FROM = 64
"""Below this many files, checking them in one process is quicker than starting workers."""


@dataclass(frozen=True)
class FileReport:
    """What happened to one file: `imported`, `unchanged`, `revised` or `rejected`."""

    path: Path
    status: Literal["imported", "unchanged", "revised", "rejected"]
    detail: str
    problems: tuple[str, ...] = ()


def find_files(paths: list[Path]) -> list[Path]:
    """Files as given, and every YAML or workbook file under each folder, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in IMPORTABLE and p.is_file() and not p.name.startswith(".")
            )
        elif not path.exists():
            raise MaturityError(f"{path}: no such file or folder")
        else:
            found.append(path)
    return found


def check_file(path: Path) -> Checked | FileReport:
    """Load, check and score one file; a problem becomes a `rejected` report."""
    try:
        assessment, fw = load_assessment(path)
    except InvalidFileError as exc:
        return FileReport(path, "rejected", exc.lines[0], tuple(exc.lines))
    except MaturityError as exc:
        return FileReport(path, "rejected", str(exc), (str(exc),))
    return Checked.of(path, assessment, fw, score(fw, assessment))


def check_files(
    files: list[Path], jobs: int = 1, on_checked: Callable[[], None] | None = None
) -> list[Checked | FileReport]:
    """Check every file, in `jobs` worker processes when there are many; order is kept."""
    results: Iterable[Checked | FileReport]
    if jobs > 1 and len(files) >= PARALLEL_FROM:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            chunk = max(1, min(64, len(files) // (jobs * 8)))
            results = list(_counted(pool.map(check_file, files, chunksize=chunk), on_checked))
    else:
        results = list(_counted((check_file(path) for path in files), on_checked))
    return list(results)


def _counted(
    items: Iterable[Checked | FileReport], on_checked: Callable[[], None] | None
) -> Iterable[Checked | FileReport]:
    for item in items:
        if on_checked is not None:
            on_checked()
        yield item


def import_files(
    store: Store,
    paths: list[Path],
    by: str | None = None,
    jobs: int = 1,
    on_checked: Callable[[], None] | None = None,
) -> list[FileReport]:
    """Import files: every file is checked first; each valid one is stored on its own.

    A rejected file stores nothing, and does not stop the others. With `jobs` > 1 a
    large import checks its files in that many processes; storing stays in this one.
    """
    checked = check_files(find_files(paths), jobs, on_checked)
    reports: list[FileReport] = []
    for item in checked:
        if isinstance(item, FileReport):
            reports.append(item)
            continue
        try:
            outcome = store.store(item, by=by)
        except RejectedError as exc:
            reports.append(FileReport(item.path, "rejected", str(exc), (str(exc),)))
            continue
        what = f"{item.unit} {item.period}, version {outcome.version}"
        if outcome.previous is not None:
            what += f" (was {outcome.previous})"
        reports.append(FileReport(item.path, outcome.status, what))
    return reports
