"""`maturity import`, `history` and `export`: the assessment store from the command line.

`store_option` and `open_store` are shared: any command that reads the store takes
`--store` (or `MATURITY_STORE`) the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from maturity.cli.common import OutputPath
from maturity.core.errors import MaturityError, printable

if TYPE_CHECKING:
    from maturity.core.framework import Framework
    from maturity.store import Store, StoredAssessment, StoredSubmission
    from maturity.store.importing import FileReport

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_STORE = "maturity.db"


def store_option(command: F) -> F:
    """The `--store` option, defaulting to `MATURITY_STORE`, then `maturity.db`."""
    return click.option(
        "--store",
        "store_url",
        envvar="MATURITY_STORE",
        default=DEFAULT_STORE,
        show_default=True,
        metavar="FILE|URL",
        help="The store: a SQLite file, or a SQLAlchemy URL such as "
        "postgresql+psycopg://user@host/db. Also read from MATURITY_STORE.",
    )(command)


def open_store(url: str, create: bool = False, upgrade: bool = False) -> Store:
    """Open the store (importing SQLAlchemy only now); see `maturity.store.open_store`.

    A SQLite store in a folder we cannot write to (a read-only disk, an immutable folder)
    is opened read-only: WAL mode would otherwise need to create its `-shm` and `-wal`
    files beside it, and fail. Without a `-wal` file the store is complete and is read as
    immutable; with one, SQLite reads both read-only.
    """
    import os

    from maturity.store import open_store as _open
    from maturity.store.connection import sqlite_uri

    path = Path(url)
    if create or "://" in url or not path.is_file() or os.access(path.parent or ".", os.W_OK):
        return _open(url, create=create, upgrade=upgrade)
    wal = path.with_name(path.name + "-wal")
    shm = path.with_name(path.name + "-shm")
    if wal.exists() and shm.exists():
        store = _open(sqlite_uri(path.resolve(), mode="ro"))
    else:
        store = _open(sqlite_uri(path.resolve(), immutable="1"))
    store.name = url
    return store


def registered_finder(url: str) -> Callable[[], list[Framework]]:
    """Asks the store for its registered frameworks once, when first needed; none without one.

    For commands that read files (score, assess check): they open the store only when a
    file names a framework that is not built in.
    """
    found: list[list[Framework]] = []

    def find() -> list[Framework]:
        if not found:
            try:
                with open_store(url) as store:
                    found.append(store.registered_frameworks())
            except MaturityError:
                found.append([])  # no store (or not a usable one): only built-ins
        return found[0]

    return find


def check_unit(unit: str) -> str:
    """A unit path as the store keeps it, or one clear error."""
    from maturity.core.assessment import parse_unit

    try:
        return "/".join(parse_unit(unit))
    except ValueError as exc:
        raise MaturityError(str(exc)) from None


@click.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--by", help="Who is importing (kept in the history); default: the file's submitted_by."
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    help="Processes that check files in a large import (default: one per core).",
)
@click.option(
    "--strict-units",
    is_flag=True,
    help="Reject a file for a unit the store has never seen (add it with `maturity unit add`).",
)
@store_option
def import_command(
    paths: tuple[Path, ...], by: str | None, jobs: int | None, strict_units: bool, store_url: str
) -> None:
    """Import assessment files (YAML or workbooks) or folders of them into the store.

    Every file is checked first. Each valid file is one respondent's submission (its
    `respondent:`, or else the file's name), stored whole or not at all: `imported`
    (a new respondent), `revised` (a new version of that respondent's submission; the
    old one stays), or `unchanged` (the same content is already current). The unit
    and period's result is the merge of its current submissions, by the framework's
    respondents rule, as `maturity score` merges files; a changed result is a new
    version. A unit the store has never seen is marked `new unit`. Files with
    problems are `rejected` with the reason, and the command exits 1. Folders are
    searched for *.yaml, *.yml and *.xlsx files, in sorted order. Frameworks added
    with `maturity framework add` are found before the built-in ones.

    \b
    Example:
        maturity import assessments/2025-26/
        maturity import housing.yaml --by "Kal Sandhu" --store shared.db
    """
    import os
    import sys

    from maturity.store.importing import ImportInterrupted, find_files, import_files

    files = find_files(list(paths))  # a missing path stops the run before the store is touched
    workers = jobs or os.cpu_count() or 1
    try:
        with open_store(store_url, create=True) as store:
            if sys.stderr.isatty() and len(files) > 20:
                with click.progressbar(length=len(files), label="Checking", file=sys.stderr) as bar:
                    reports = import_files(
                        store,
                        list(paths),
                        by=by,
                        jobs=workers,
                        on_checked=lambda: bar.update(1),
                        strict_units=strict_units,
                    )
            else:
                reports = import_files(
                    store, list(paths), by=by, jobs=workers, strict_units=strict_units
                )
    except ImportInterrupted as stopped:
        _echo_reports(stopped.reports)
        click.echo(str(stopped), err=True)
        raise SystemExit(130) from None
    counts = _echo_reports(reports)
    new_units = sum(r.new_unit for r in reports)
    click.echo(
        ", ".join(f"{n} {status}" for status, n in counts.items())
        + (f"; {new_units} new unit{'s' if new_units > 1 else ''}" if new_units else "")
    )
    crashed = [report for report in reports if report.crashed]
    if crashed:
        click.echo(
            f"Error: {len(crashed)} files met a bug in maturity; the others were imported "
            "as listed",
            err=True,
        )
        raise SystemExit(70)
    if counts["rejected"]:
        raise MaturityError(
            f"{counts['rejected']} of {len(reports)} files rejected; nothing from them was stored"
        )


def _echo_reports(reports: list[FileReport]) -> dict[str, int]:
    """One line per file (one per problem for a rejected file); the count of each status."""
    counts = dict.fromkeys(("imported", "revised", "unchanged", "rejected"), 0)
    for report in reports:
        counts[report.status] += 1
        if report.status == "rejected":
            for line in report.problems:
                click.echo(f"rejected   {printable(line)}")
        else:
            click.echo(f"{report.status:<10} {report.path}: {report.detail}")
    return counts


@click.command()
@click.argument("unit")
@click.option("--framework", "framework_id", help="Only this framework's assessments.")
@store_option
def history(unit: str, framework_id: str | None, store_url: str) -> None:
    """List every stored version of a unit's results, with their review and moderation.

    The current version of each period is marked `*`. Versions are never deleted.
    Below each period: its respondents (when several, or withdrawn), its review steps
    and its moderation records.

    \b
    Example:
        maturity history "City Council/Housing/Housing Services"
    """
    unit = check_unit(unit)
    with open_store(store_url) as store:
        versions = store.history(unit, framework_id)
        if not versions:
            similar = store.units_like(unit)[:5]
            hint = f"; did you mean {', '.join(repr(u) for u in similar)}?" if similar else ""
            raise MaturityError(f"no assessments of '{unit}' in {store.name}{hint}")
        keys = sorted({(v.framework_id, v.period) for v in versions})
        review = {key: _review_lines(store, unit, *key) for key in keys}
        changes = store.unit_changes(unit)
    click.echo(unit)
    for change in changes:
        click.echo(
            f"  renamed from {change.old} to {change.new}, {change.at[:10]} by {change.by or '-'}"
        )
    click.echo(
        f"  {'PERIOD':<8}{'VER':>4}  {'IMPORTED (UTC)':<16}  {'FRAMEWORK':<24} {'SCORE':>5}  HASH"
    )
    for i, v in enumerate(versions):
        mark = "*" if v.current else " "
        score = "-" if v.overall_score is None else f"{v.overall_score:.2f}"
        fw = f"{v.framework_id}@{v.framework_version}"
        when = v.imported_at[:16].replace("T", " ")
        click.echo(
            f"{mark} {v.period:<8}{v.version:>4}  {when:<16}  {fw[:24]:<24} {score:>5}  "
            f"{v.content_hash[:8]}"
        )
        click.echo(f"{'':>16}by {v.imported_by or '-'}, from {v.source}")
        last = i + 1 == len(versions) or (versions[i + 1].framework_id, versions[i + 1].period) != (
            v.framework_id,
            v.period,
        )
        if last:
            for line in review[(v.framework_id, v.period)]:
                click.echo(f"{'':>4}{line}")
    click.echo("* current version")


def _review_lines(store: Store, unit: str, framework_id: str, period: str) -> list[str]:
    """A unit-period's respondents, review steps and moderation, for `history`."""
    from maturity.cli.review import review_line

    lines: list[str] = []
    submissions = store.submissions(framework_id, unit, period)
    live = [s.respondent for s in submissions if not s.withdrawn]
    gone = [s.respondent for s in submissions if s.withdrawn]
    if len(submissions) > 1 or gone:
        lines.append(f"respondents ({len(live)}): {', '.join(live) or 'none'}")
        if gone:
            lines.append(f"withdrawn: {', '.join(gone)}")
    lines += [
        "review: " + review_line(s.step, s.result_version)
        for s in store.review_steps(framework_id, unit, period)
    ]
    lines += [
        f"moderated {m.criterion} to {m.level} by {m.moderator} on {m.on}: "
        + " ".join(m.reason.split())
        for m in store.moderations(framework_id, unit, period)
    ]
    return lines


def _export_paths(items: list[StoredSubmission], all_versions: bool) -> list[Path]:
    """Where each submission goes: FRAMEWORK/PERIOD/UNIT.yaml, or UNIT--RESPONDENT.yaml
    when a unit-period has several; with every version, UNIT/v0001.yaml, ... in the order
    they were stored, so that importing the folder replays them."""
    from collections import Counter

    from maturity.files.output import slug

    def key(item: StoredSubmission) -> tuple[str, str, str]:
        return (item.framework_id, item.period, item.unit)

    several = Counter(key(item) for item in items)
    seen: Counter[tuple[str, str, str]] = Counter()
    paths = []
    for item in items:
        base = Path(item.framework_id) / item.period.replace("/", "-")
        name = "--".join(slug(part) for part in item.unit.split("/"))
        seen[key(item)] += 1
        if all_versions:
            paths.append(base / name / f"v{seen[key(item)]:04d}.yaml")
        elif several[key(item)] > 1:
            paths.append(base / f"{name}--{slug(item.respondent)}.yaml")
        else:
            paths.append(base / f"{name}.yaml")
    return paths


def _assessment_yaml(item: StoredSubmission) -> str:
    from maturity.files.assessment_yaml import dump_assessment

    assert item.assessment is not None  # withdrawals are not exported

    def one_line(value: object) -> str:  # names and file names are user text: no line breaks
        return " ".join(str(value).split())

    head = (
        f"# Exported from the maturity store: version {item.version} of the submission by "
        f"{one_line(item.respondent)} for {one_line(item.unit)} {item.period}"
        f"{' (current)' if item.current else ''}\n"
        f"# imported {item.imported_at} by {one_line(item.imported_by or '-')} from "
        f"{one_line(item.source)}; content sha256 {item.content_hash}\n"
    )
    return head + dump_assessment(item.assessment)


def _versions_csv(items: list[StoredAssessment]) -> str:
    from maturity.files.output import csv_text

    header = ["framework", "framework_version", "unit", "period", "version", "current",
              "imported_at", "imported_by", "source", "content_hash", "respondents",
              "overall_score", "overall_level"]  # fmt: skip
    rows = [
        [
            v.framework_id,
            v.framework_version,
            v.unit,
            v.period,
            v.version,
            "yes" if v.current else "no",
            v.imported_at,
            v.imported_by,
            v.source,
            v.content_hash,
            v.respondents,
            "" if v.overall_score is None else f"{v.overall_score:g}",
            v.overall_level,
        ]
        for v in (item.info for item in items)
    ]
    return csv_text(header, rows)


def _responses_csv(items: list[StoredAssessment]) -> str:
    from maturity.files.output import csv_text

    header = ["framework", "unit", "period", "version", "criterion", "level", "value",
              "moderated_level", "evidence", "owner", "notes"]  # fmt: skip
    rows = [
        [
            item.assessment.framework,
            item.assessment.unit,
            item.assessment.period,
            item.info.version,
            ref,
            r.level,
            "" if r.value is None else f"{r.value:g}",
            r.moderated.level if r.moderated else "",
            " | ".join(r.evidence),
            r.owner,
            r.notes,
        ]
        for item in items
        for ref, r in item.assessment.responses.items()
    ]
    return csv_text(header, rows)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "csv"]),
    default="yaml",
    show_default=True,
    help="yaml: one assessment file per unit and period, ready to import again; "
    "csv: versions.csv and responses.csv for spreadsheets.",
)
@click.option("-o", "--output", "out_dir", required=True, type=OutputPath(), help="Folder.")
@click.option(
    "--all-versions",
    is_flag=True,
    help="Every version, not only the current ones (YAML: UNIT/v0001.yaml, ... in order).",
)
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@store_option
def export(fmt: str, out_dir: Path, all_versions: bool, force: bool, store_url: str) -> None:
    """Write the store back out as files: no lock-in.

    YAML export writes each respondent's current submission as an assessment file,
    FRAMEWORK/PERIOD/UNIT.yaml (UNIT--RESPONDENT.yaml when a unit has several), that
    `maturity import` reads back unchanged (the same content hashes). With
    --all-versions, importing the folder into a new store replays every submission in
    order (withdrawals, review steps and moderation are not files: they stay in the
    store). CSV export writes versions.csv (every version, with who, when and
    source) and responses.csv (one row per criterion answered).

    \b
    Example:
        maturity export -o exported/
        maturity export --format csv -o tables/ --all-versions
    """
    from maturity.files.output import check_writable, make_folder, write_atomic

    if out_dir.exists() and not out_dir.is_dir():
        raise MaturityError(f"{out_dir} is a file; give a folder")
    files: dict[Path, str] = {}
    with open_store(store_url) as store:
        if fmt == "csv":
            items = store.assessments(all_versions=all_versions)
            files[out_dir / "versions.csv"] = _versions_csv(items)
            files[out_dir / "responses.csv"] = _responses_csv(items)
        else:
            submissions = store.all_submissions(all_versions=all_versions)
    if fmt != "csv":
        import hashlib

        for item, relative in zip(
            submissions, _export_paths(submissions, all_versions), strict=True
        ):
            path = out_dir / relative
            if path in files:  # two unit names with the same slug: keep both apart
                tag = hashlib.sha256(f"{item.unit}/{item.respondent}".encode()).hexdigest()[:8]
                if all_versions:
                    path = path.parent.with_name(f"{path.parent.name}-{tag}") / path.name
                else:
                    path = path.with_name(f"{path.stem}-{tag}{path.suffix}")
            files[path] = _assessment_yaml(item)
    for path in files:  # refuse before writing anything
        if path.exists():
            check_writable(path, force)
    for path, text in files.items():
        make_folder(path.parent)
        write_atomic(path, text, force)
    what = "assessment versions" if fmt == "csv" else "submissions"
    count = len(items) if fmt == "csv" else len(submissions)
    click.echo(f"wrote {len(files)} files for {count} {what} to {out_dir}")
