"""`maturity import`, `history` and `export`: the assessment store from the command line.

`store_option` and `open_store` are shared: any command that reads the store takes
`--store` (or `MATURITY_STORE`) the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from maturity.core.errors import MaturityError

if TYPE_CHECKING:
    from maturity.store import Store, StoredAssessment

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


def open_store(url: str, create: bool = False) -> Store:
    """Open the store (importing SQLAlchemy only now); see `maturity.store.open_store`."""
    from maturity.store import open_store as _open

    return _open(url, create=create)


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
@store_option
def import_command(
    paths: tuple[Path, ...], by: str | None, jobs: int | None, store_url: str
) -> None:
    """Import assessment files (YAML or workbooks) or folders of them into the store.

    Every file is checked first. Each valid file is stored whole or not at all, as a
    new version: `imported` (new unit and period), `revised` (it becomes the current
    version; the old one stays), or `unchanged` (the same content is already current).
    Files with problems are `rejected` with the reason, and the command exits 1.
    Folders are searched for *.yaml, *.yml and *.xlsx files, in sorted order.

    \b
    Example:
        maturity import assessments/2025-26/
        maturity import housing.yaml --by "Kal Sandhu" --store shared.db
    """
    import os
    import sys

    from maturity.store.importing import find_files, import_files

    files = find_files(list(paths))  # a missing path stops the run before the store is touched
    workers = jobs or os.cpu_count() or 1
    with open_store(store_url, create=True) as store:
        if sys.stderr.isatty() and len(files) > 20:
            with click.progressbar(length=len(files), label="Checking", file=sys.stderr) as bar:
                reports = import_files(
                    store, list(paths), by=by, jobs=workers, on_checked=lambda: bar.update(1)
                )
        else:
            reports = import_files(store, list(paths), by=by, jobs=workers)
    counts = dict.fromkeys(("imported", "revised", "unchanged", "rejected"), 0)
    for report in reports:
        counts[report.status] += 1
        if report.status == "rejected":
            for line in report.problems:
                click.echo(f"rejected   {line}")
        else:
            click.echo(f"{report.status:<10} {report.path}: {report.detail}")
    click.echo(", ".join(f"{n} {status}" for status, n in counts.items()))
    if counts["rejected"]:
        raise MaturityError(
            f"{counts['rejected']} of {len(reports)} files rejected; nothing from them was stored"
        )


@click.command()
@click.argument("unit")
@click.option("--framework", "framework_id", help="Only this framework's assessments.")
@store_option
def history(unit: str, framework_id: str | None, store_url: str) -> None:
    """List every stored version of a unit's assessments.

    The current version of each period is marked `*`. Versions are never deleted.

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
    click.echo(unit)
    click.echo(
        f"  {'PERIOD':<8}{'VER':>4}  {'IMPORTED (UTC)':<16}  {'FRAMEWORK':<24} {'SCORE':>5}  HASH"
    )
    for v in versions:
        mark = "*" if v.current else " "
        score = "-" if v.overall_score is None else f"{v.overall_score:.2f}"
        fw = f"{v.framework_id}@{v.framework_version}"
        when = v.imported_at[:16].replace("T", " ")
        click.echo(
            f"{mark} {v.period:<8}{v.version:>4}  {when:<16}  {fw[:24]:<24} {score:>5}  "
            f"{v.content_hash[:8]}"
        )
        click.echo(f"{'':>16}by {v.imported_by or '-'}, from {v.source}")
    click.echo("* current version")


def _export_path(item: StoredAssessment, all_versions: bool) -> Path:
    from maturity.files.output import slug

    info = item.info
    base = Path(info.framework_id) / info.period.replace("/", "-")
    name = "--".join(slug(part) for part in info.unit.split("/"))
    if all_versions:
        return base / name / f"v{info.version:04d}.yaml"
    return base / f"{name}.yaml"


def _assessment_yaml(item: StoredAssessment) -> str:
    from maturity.files.assessment_yaml import dump_assessment

    info = item.info

    def one_line(value: object) -> str:  # names and file names are user text: no line breaks
        return " ".join(str(value).split())

    head = (
        f"# Exported from the maturity store: version {info.version} of {one_line(info.unit)} "
        f"{info.period}{' (current)' if info.current else ''}\n"
        f"# imported {info.imported_at} by {one_line(info.imported_by or '-')} from "
        f"{one_line(info.source)}; content sha256 {info.content_hash}\n"
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
@click.option(
    "-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path), help="Folder."
)
@click.option(
    "--all-versions",
    is_flag=True,
    help="Every version, not only the current ones (YAML: UNIT/v0001.yaml, ... in order).",
)
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@store_option
def export(fmt: str, out_dir: Path, all_versions: bool, force: bool, store_url: str) -> None:
    """Write the store back out as files: no lock-in.

    YAML export writes FRAMEWORK/PERIOD/UNIT.yaml assessment files that
    `maturity import` reads back unchanged (the same content hashes). With
    --all-versions, importing the folder into a new store replays every version in
    order. CSV export writes versions.csv (every version, with who, when and
    source) and responses.csv (one row per criterion answered).

    \b
    Example:
        maturity export -o exported/
        maturity export --format csv -o tables/ --all-versions
    """
    from maturity.files.output import check_writable, make_folder, write_atomic

    if out_dir.exists() and not out_dir.is_dir():
        raise MaturityError(f"{out_dir} is a file; give a folder")
    with open_store(store_url) as store:
        items = store.assessments(all_versions=all_versions)
    files: dict[Path, str] = {}
    if fmt == "csv":
        files[out_dir / "versions.csv"] = _versions_csv(items)
        files[out_dir / "responses.csv"] = _responses_csv(items)
    else:
        import hashlib

        for item in items:
            path = out_dir / _export_path(item, all_versions)
            if path in files:  # two unit names with the same slug: keep both apart
                tag = hashlib.sha256(item.info.unit.encode()).hexdigest()[:8]
                path = path.with_name(f"{path.stem}-{tag}{path.suffix}")
            files[path] = _assessment_yaml(item)
    for path in files:  # refuse before writing anything
        if path.exists():
            check_writable(path, force)
    for path, text in files.items():
        make_folder(path.parent)
        write_atomic(path, text, force)
    click.echo(f"wrote {len(files)} files for {len(items)} assessment versions to {out_dir}")
