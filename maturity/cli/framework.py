"""`maturity framework ...`: validate, list, show and describe frameworks."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import click

from maturity.core.errors import InvalidFileError, MaturityError


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
    from maturity.core.framework import Framework, guidance_warnings
    from maturity.files.loading import load
    from maturity.files.references import load_references

    references = load_references()
    failed: list[str] = []
    for path in paths:
        try:
            fw, source = load(path, Framework)
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


@framework.command(name="list")
def list_frameworks() -> None:
    """List the built-in frameworks.

    \b
    Example:
        maturity framework list
    """
    from maturity.files.catalog import builtin_paths, load_framework

    click.echo(f"{'ID':<22} {'VERSION':<8} {'LEVELS':>6} {'DOMAINS':>7} {'CRITERIA':>8}  NAME")
    for path in builtin_paths():
        fw = load_framework(str(path))
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
        click.echo("Ratings: " + ", ".join(f"{b.name} {fw.band_text(b)}" for b in s.bands))
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
