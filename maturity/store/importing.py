"""Importing assessment files into the store: check every file first, then store each.

A file is checked (read, validated against its framework, scored) before anything is
stored; each valid file is then stored in its own transaction, so a rejected file
stores nothing and does not stop the others.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from maturity.core.errors import InvalidFileError, MaturityError
from maturity.core.framework import Framework
from maturity.core.scoring import score
from maturity.files.crash_log import write_crash_log
from maturity.files.intake import load_assessment
from maturity.store.store import Store
from maturity.store.writing import Checked, Outcome, RejectedError

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
    new_unit: bool = False
    crashed: bool = False
    """Rejected because of a bug in maturity (a crash log holds the details)."""


class ImportInterrupted(MaturityError):
    """Ctrl-C while storing: some files are stored, the rest are not; says which."""

    def __init__(self, reports: list[FileReport], total: int) -> None:
        self.reports = reports
        stored = sum(1 for r in reports if r.status in ("imported", "revised"))
        super().__init__(
            f"Interrupted after {len(reports)} of {total} files; new versions stored: {stored} "
            f"(listed above); the other {total - len(reports)} files were not stored"
        )


def _bug(path: Path, exc: BaseException) -> FileReport:
    """A bug met on one file: logged, reported on its line, and the others carry on."""
    log = write_crash_log(exc, context=f"while importing {path}")
    line = (
        f"{path}: unexpected failure ({type(exc).__name__}); this is a bug in maturity; "
        f"the details are in {log}"
    )
    return FileReport(path, "rejected", line, (line,), crashed=True)


def find_files(paths: list[Path]) -> list[Path]:
    """Files as given, and every YAML or workbook file under each folder, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in IMPORTABLE and p.is_file() and not p.name.startswith(".")
            )
            if not inside:
                raise MaturityError(
                    f"{path}: no assessment files in this folder (*.yaml, *.yml or *.xlsx)"
                )
            found += inside
        elif not path.exists():
            raise MaturityError(f"{path}: no such file or folder")
        else:
            found.append(path)
    return found


def check_file(path: Path, registered: Sequence[Framework] = ()) -> Checked | FileReport:
    """Load, check and score one file; a problem becomes a `rejected` report.

    `registered` frameworks (the store's) are looked up before the built-in ones.
    """
    try:
        assessment, fw = load_assessment(path, registered=registered)
    except InvalidFileError as exc:
        return FileReport(path, "rejected", exc.lines[0], tuple(exc.lines))
    except MaturityError as exc:
        return FileReport(path, "rejected", str(exc), (str(exc),))
    except Exception as exc:  # a bug on one file must not stop the others
        return _bug(path, exc)
    try:
        own = any(fw is known for known in registered)
        return Checked.of(path, assessment, fw, score(fw, assessment), registered=own)
    except Exception as exc:
        return _bug(path, exc)


def _watch_parent(parent: int) -> None:
    """In a worker: exit when the importing process (`parent`, its pid) is gone.

    A worker waits for work from its parent; if the parent is killed (SIGKILL, or a
    SIGTERM that gives it no chance to stop its workers) nobody sends any, and the
    worker would wait forever, re-parented to init. A daemon thread notices the change
    of parent and ends the worker. The pid comes from the parent: asked in the worker,
    a parent killed while the worker starts would already read as init.
    """
    import os
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def check_files(
    files: list[Path],
    jobs: int = 1,
    on_checked: Callable[[], None] | None = None,
    registered: Sequence[Framework] = (),
) -> list[Checked | FileReport]:
    """Check every file, in `jobs` worker processes when there are many; order is kept."""
    results: Iterable[Checked | FileReport]
    check = functools.partial(check_file, registered=tuple(registered))
    if jobs > 1 and len(files) >= PARALLEL_FROM:
        import os
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(
            max_workers=jobs, initializer=_watch_parent, initargs=(os.getpid(),)
        ) as pool:
            chunk = max(1, min(64, len(files) // (jobs * 8)))
            results = list(_counted(pool.map(check, files, chunksize=chunk), on_checked))
    else:
        results = list(_counted((check(path) for path in files), on_checked))
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
    strict_units: bool = False,
) -> list[FileReport]:
    """Import files: every file is checked first; each valid one is stored on its own.

    A rejected file stores nothing, and does not stop the others. With `jobs` > 1 a
    large import checks its files in that many processes; storing stays in this one.
    Frameworks registered in the store are found before the built-in ones. With
    `strict_units`, a file for a unit the store has never seen is rejected.
    """
    registered = store.registered_frameworks()
    checked = check_files(find_files(paths), jobs, on_checked, registered)
    reports: list[FileReport] = []
    try:
        for item in checked:
            if isinstance(item, FileReport):
                reports.append(item)
            else:
                reports.append(_store(store, item, by, strict_units))
    except KeyboardInterrupt:
        raise ImportInterrupted(reports, len(checked)) from None
    return reports


def _store(store: Store, item: Checked, by: str | None, strict_units: bool) -> FileReport:
    """Store one checked file; whatever goes wrong stays with this file."""
    try:
        outcome = store.store(item, by=by, strict_units=strict_units)
    except RejectedError as exc:
        line = f"{item.path}: {exc}"
        return FileReport(item.path, "rejected", line, (line,))
    except MaturityError:  # the store itself failed (read-only, busy): every file would
        raise
    except Exception as exc:
        return _bug(item.path, exc)
    return FileReport(item.path, outcome.status, describe(item, outcome), new_unit=outcome.new_unit)


def describe(item: Checked, outcome: Outcome) -> str:
    """What an import did to a unit-period's result, in a few words."""
    if outcome.version is None:
        what = f"{item.unit} {item.period}, no current result"
    else:
        what = f"{item.unit} {item.period}, version {outcome.version}"
    if outcome.previous is not None and outcome.previous != outcome.version:
        what += f" (was {outcome.previous})"
    if outcome.respondents > 1:
        what += f", {outcome.respondents} respondents merged"
    if outcome.new_unit:
        what += "; new unit"
    return what
