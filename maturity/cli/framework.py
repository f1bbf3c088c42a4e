"""`maturity framework ...`: validate, list, show and describe frameworks."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

from maturity.core.errors import InvalidFileError, MaturityError

if TYPE_CHECKING:
    from maturity.core.framework import Framework


@click.group()
def framework() -> None:
    """Check and explore maturity frameworks.

    \b
    Example:
        maturity framework validate frameworks/*.yaml
    """


@framework.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--strict", is_flag=True, help="Treat warnings (missing evidence or actions) as errors."
)
def validate(paths: tuple[Path, ...], strict: bool) -> None:
    """Check framework files; print every problem with its line.

    Missing evidence guidance or suggested actions are warnings: published schemes
    often give neither. References in `maps_to` to a known reference set (see
    `maturity crosswalk`) must name one of its items. Exits 0 when every file is
    valid, 1 otherwise; with --strict, warnings count as problems too.

    \b
    Example:
        maturity framework validate frameworks/edi-maturity.yaml
        maturity framework validate --strict my-framework.yaml
    """
    from maturity.core.crosswalk import check_maps_to
    from maturity.core.framework import guidance_warnings
    from maturity.files.framework_check import load_framework_file
    from maturity.files.references import load_references

    references = load_references()
    failed: list[str] = []
    for path in paths:
        try:
            fw, source = load_framework_file(path)
        except InvalidFileError as exc:
            failed += exc.lines
            continue
        except MaturityError as exc:  # e.g. no such file: still check the others
            failed.append(str(exc))
            continue
        dangling = [source.message(p) for p in check_maps_to(fw, references)]
        if dangling:
            failed += dangling
            continue
        warnings = [source.message(p) for p in guidance_warnings(fw)]
        if strict and warnings:
            failed += warnings
            continue
        for line in warnings:
            click.echo(f"Warning: {line}", err=True)
        click.echo(
            f"{path}: valid ({fw.id} {fw.version}: {len(fw.levels)} levels, "
            f"{len(fw.domains)} domains, {len(fw.criteria)} criteria)"
        )
    if failed:
        raise InvalidFileError(failed)


@framework.command(name="add")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--by", help="Who registers it (kept with the framework).")
@click.option(
    "--store",
    "store_url",
    envvar="MATURITY_STORE",
    default="maturity.db",
    show_default=True,
    metavar="FILE|URL",
    help="The store: a SQLite file, or a SQLAlchemy URL. Also read from MATURITY_STORE.",
)
def add(path: Path, by: str | None, store_url: str) -> None:
    """Register your own framework in the store, so assessments can name it.

    The file is validated first. Assessments naming `id@version` then find it
    (registered frameworks first, then built-in ones), and it gets history,
    benchmarks, plans and board packs like a built-in one. A registered version is
    kept as it is: a different file under the same id and version is refused; give
    the changed framework a new version.

    \b
    Example:
        maturity framework add frameworks/council-equality-3.yaml
    """
    from maturity.cli.store import open_store
    from maturity.core.framework import Framework
    from maturity.files.loading import load

    fw, _ = load(path, Framework)
    with open_store(store_url, create=True) as store:
        done = store.register_framework(fw, by=by)
    click.echo(f"{path}: {fw.ref} {done} in {store.name}")


@framework.command(name="list")
@click.option(
    "--store",
    "store_url",
    envvar="MATURITY_STORE",
    default="maturity.db",
    show_default=True,
    metavar="FILE|URL",
    help="Also list the frameworks registered in this store, if it exists.",
)
def list_frameworks(store_url: str) -> None:
    """List the built-in frameworks, then those added to the store with `framework add`.

    \b
    Example:
        maturity framework list
    """
    from maturity.files.catalog import builtin_paths, load_framework

    click.echo(f"{'ID':<22} {'VERSION':<8} {'LEVELS':>6} {'DOMAINS':>7} {'CRITERIA':>8}  NAME")
    for path in builtin_paths():
        _row(load_framework(str(path)))
    if "://" not in store_url and not Path(store_url).is_file():
        return
    from maturity.cli.store import open_store

    with open_store(store_url) as store:
        registered = store.registered_frameworks()
    if registered:
        click.echo(f"Registered in {store.name}:")
        for fw in registered:
            _row(fw)


def _row(fw: Framework) -> None:
    click.echo(
        f"{fw.id:<22} {fw.version:<8} {len(fw.levels):>6} {len(fw.domains):>7} "
        f"{len(fw.criteria):>8}  {fw.name}"
    )


@framework.command()
@click.argument("ref", metavar="ID|PATH")
@click.option(
    "--format", "fmt", type=click.Choice(["outline", "json"]), default="outline", show_default=True
)
def show(ref: str, fmt: str) -> None:
    """Show a framework as a readable outline, or as JSON.

    \b
    Example:
        maturity framework show edi-maturity
        maturity framework show frameworks/council-equality-3.yaml --format json
    """
    from maturity.files.catalog import load_framework

    fw = load_framework(ref)
    if fmt == "json":
        click.echo(json.dumps(fw.model_dump(mode="json", exclude_none=True), indent=2))
        return
    s = fw.scoring
    click.echo(f"{fw.name} ({fw.id} {fw.version})")
    if fw.publisher:
        click.echo(f"Published by {fw.publisher}")
    click.echo("")
    click.echo("Levels: " + ", ".join(f"{lv.name} ({lv.points:g})" for lv in fw.levels))
    rules = f"criteria -> domain: {s.domain_rule.value}; domains -> overall: {s.overall_rule.value}"
    if fw.groups:
        rules = (
            f"criteria -> domain: {s.domain_rule.value}; domains -> group: "
            f"{s.group_rule.value}; groups -> overall: {s.overall_rule.value}"
        )
    click.echo(f"Scoring: {rules}; respondents: {s.respondents_rule.value}")
    if s.bands:
        click.echo(
            "Ratings: "
            + ", ".join(
                f"{b.name} {b.min:g}-{b.max:g}"
                if b.max is not None
                else f"{b.name} {fw.band_text(b)}"
                for b in s.bands
            )
        )
    for group in fw.groups:
        line = f"Group {group.name} [{group.id}]: {', '.join(group.domains)}"
        click.echo(textwrap.shorten(line, 100))
    if s.evidence_required_from:
        level = fw.level(s.evidence_required_from).name
        click.echo(f"Evidence rule: claims of {level} or above need evidence")
    for domain in fw.domains:
        target = fw.target_for(domain.id)
        extra = f", target {fw.level(target).name}" if target else ""
        click.echo(f"\n{domain.name} [{domain.id}] (weight {domain.weight:g}{extra})")
        for criterion in domain.criteria:
            metric = ""
            if criterion.metric:
                m = criterion.metric
                metric = f"metric: {m.name}, target {m.target:g} ({m.direction.value} is better)"
            line = f"- {domain.id}.{criterion.id}: {criterion.title}"
            # shorten() collapses all whitespace, leading spaces too: indent afterwards.
            click.echo("  " + textwrap.shorten(line, 98))
            if metric:
                click.echo("    " + textwrap.shorten(metric, 96))


@framework.command()
def schema() -> None:
    """Print the JSON Schema of the framework format, for editors such as VS Code.

    \b
    Example:
        maturity framework schema > framework.schema.json
    """
    from maturity.files.docs import json_schema

    click.echo(json_schema(), nl=False)


@framework.command(name="import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="YAML to write."
)
@click.option("--id", "framework_id", help="The framework's id (default: from the file name).")
@click.option("--name", "title", help="The framework's name (default: from the file name).")
@click.option("--version", default="1.0", show_default=True, help="The framework's version.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def import_command(
    path: Path,
    output: Path,
    framework_id: str | None,
    title: str | None,
    version: str,
    force: bool,
) -> None:
    """Turn a framework kept in a spreadsheet (.xlsx or .csv) into a validated YAML framework.

    One row per criterion: a `Title` column, one column per level (lowest first, headed
    by the level's name), and optionally `Domain`, `Domain id`, `Id`, `Description`,
    `Weight`, `Maps to`, `Evidence: <level>` and `Action: <level>` columns. Every problem
    names the sheet and cell; nothing is written unless the whole framework is valid.

    \b
    Example:
        maturity framework import council-framework.xlsx -o frameworks/council.yaml
        maturity framework import criteria.csv --id inclusive-recruitment -o recruitment.yaml
    """
    import yaml

    from maturity.core.crosswalk import check_maps_to
    from maturity.core.framework import guidance_warnings
    from maturity.files.framework_sheet import SheetSource, import_framework
    from maturity.files.output import write_atomic
    from maturity.files.references import load_references

    fw = import_framework(path, framework_id, title, version)
    data = fw.model_dump(mode="json", exclude_defaults=True)
    source = SheetSource(str(path), None, data, {})
    dangling = [source.message(p) for p in check_maps_to(fw, load_references())]
    if dangling:
        raise InvalidFileError(dangling)
    # One comment line: a line break in a name must not start YAML of its own.
    named = " ".join(f"{fw.name}, imported from {path.name}".split())
    header = (
        f"# {named} by `maturity framework import`.\n"
        "# Every key is described in frameworks/FORMAT.md.\n"
    )
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    write_atomic(output, header + body, force)
    warnings = guidance_warnings(fw)
    if warnings:
        click.echo(
            f"Warning: {len(warnings)} parts of criteria left out (evidence guidance or "
            f"suggested actions); `maturity framework validate {output}` lists them",
            err=True,
        )
    click.echo(
        f"Wrote {output} ({fw.id} {fw.version}: {len(fw.levels)} levels, "
        f"{len(fw.domains)} domains, {len(fw.criteria)} criteria)"
    )


@framework.command(name="export")
@click.argument("ref", metavar="ID|PATH")
@click.option("--format", "fmt", type=click.Choice(["xlsx"]), default="xlsx", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Default: ID.xlsx.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def export_command(ref: str, fmt: str, output: Path | None, force: bool) -> None:
    """Write a framework as a spreadsheet that `maturity framework import` reads back.

    One row per criterion with its descriptors, evidence guidance, actions and
    references. Level points, metrics and the scoring rule stay in the YAML.

    \b
    Example:
        maturity framework export edi-maturity --format xlsx -o edi-maturity.xlsx
    """
    from maturity.files.catalog import load_framework
    from maturity.files.framework_sheet import write_xlsx

    fw = load_framework(ref)
    output = output or Path(f"{fw.id}.{fmt}")
    write_xlsx(fw, output, force)
    click.echo(f"Wrote {output} ({len(fw.criteria)} criteria)")


@framework.command(name="diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def diff_command(old: str, new: str, fmt: str) -> None:
    """Show what changed between two frameworks, and what benchmark comparability is lost.

    OLD and NEW are framework files or built-in ids. Lists levels and scoring changed,
    and criteria added, removed or changed (reworded, re-weighted, descriptors at which
    levels). The benchmark compares two versions only on criteria identical in both,
    and not at all when their levels differ; the last lines say which criteria that
    leaves out.

    \b
    Example:
        maturity framework diff edi-maturity frameworks/edi-maturity-1.1.yaml
    """
    from maturity.core.framework_diff import diff
    from maturity.files.catalog import load_framework

    result = diff(load_framework(old), load_framework(new))
    if fmt == "json":
        click.echo(result.model_dump_json(indent=2))
        return
    click.echo(f"{result.old} -> {result.new}")
    if result.unchanged:
        click.echo("No differences.")
        return
    for line in result.levels:
        click.echo(f"Levels: {line}")
    for line in result.scoring:
        click.echo(f"Scoring: {line}")
    counts = {
        k: sum(c.change == k for c in result.criteria) for k in ("added", "removed", "changed")
    }
    click.echo("Criteria: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    marks = {"added": "+", "removed": "-", "changed": "~"}
    for change in result.criteria:
        detail = f": {'; '.join(change.what)}" if change.what else ""
        click.echo(f"  {marks[change.change]} {change.ref}{detail}")
    new_total = len(load_framework(new).criteria)
    if not result.comparable:
        why = "their levels differ" if result.levels else "no criterion is the same in both"
        click.echo(f"Benchmark: the two cannot be compared: {why}")
    else:
        left_out = [c.ref for c in result.criteria]
        click.echo(
            f"Benchmark: compared on the {len(result.shared)} of {new_total} criteria identical "
            f"in both" + (f"; left out: {', '.join(left_out)}" if left_out else "")
        )
