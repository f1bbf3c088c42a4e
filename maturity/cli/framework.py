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
def validate(paths: tuple[Path, ...]) -> None:
    """Check framework files; print every problem with its line.

    Exits 0 when every file is valid, 1 otherwise.

    \b
    Example:
        maturity framework validate frameworks/edi-maturity.yaml
    """
    from maturity.core.framework import Framework
    from maturity.files.loading import load

    failed: list[str] = []
    for path in paths:
        try:
            fw, _ = load(path, Framework)
        except InvalidFileError as exc:
            failed += exc.lines
            continue
        except MaturityError as exc:  # e.g. no such file: still check the others
            failed.append(str(exc))
            continue
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
    click.echo(f"Scoring: {rules}; respondents: {s.respondents_rule.value}")
    if s.bands:
        click.echo("Ratings: " + ", ".join(f"{b.name} {b.min:g}-{b.max:g}" for b in s.bands))
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
