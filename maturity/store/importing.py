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

from maturity.core.errors import InvalidFileError, MaturityError, write_crash_log
from maturity.core.scoring import score
from maturity.files.intake import load_assessment
from maturity.store.store import Checked, RejectedError, Store

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


def check_file(path: Path) -> Checked | FileReport:
    """Load, check and score one file; a problem becomes a `rejected` report."""
    try:
        assessment, fw = load_assessment(path)
    except InvalidFileError as exc:
        return FileReport(path, "rejected", exc.lines[0], tuple(exc.lines))
    except MaturityError as exc:
        return FileReport(path, "rejected", str(exc), (str(exc),))
    except Exception as exc:  # a bug on one file must not stop the others
        return _bug(path, exc)
    try:
        return Checked.of(path, assessment, fw, score(fw, assessment))
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
    files: list[Path], jobs: int = 1, on_checked: Callable[[], None] | None = None
) -> list[Checked | FileReport]:
    """Check every file, in `jobs` worker processes when there are many; order is kept."""
    results: Iterable[Checked | FileReport]
    if jobs > 1 and len(files) >= PARALLEL_FROM:
        import os
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(
            max_workers=jobs, initializer=_watch_parent, initargs=(os.getpid(),)
        ) as pool:
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
    try:
        for item in checked:
            reports.append(item if isinstance(item, FileReport) else _store(store, item, by))
    except KeyboardInterrupt:
        raise ImportInterrupted(reports, len(checked)) from None
    return reports


def _store(store: Store, item: Checked, by: str | None) -> FileReport:
    """Store one checked file; whatever goes wrong stays with this file."""
    try:
        outcome = store.store(item, by=by)
    except RejectedError as exc:
        return FileReport(item.path, "rejected", str(exc), (str(exc),))
    except MaturityError:  # the store itself failed (read-only, busy): every file would
        raise
    except Exception as exc:
        return _bug(item.path, exc)
    what = f"{item.unit} {item.period}, version {outcome.version}"
    if outcome.previous is not None:
        what += f" (was {outcome.previous})"
    return FileReport(item.path, outcome.status, what)
