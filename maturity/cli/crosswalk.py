"""`maturity crosswalk`: how a unit, or the council, stands against a reference set."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from maturity.cli.common import check_period, choose_framework, output_format
from maturity.cli.store import check_unit, open_store, store_option
from maturity.core.errors import MaturityError

if TYPE_CHECKING:
    from maturity.core.crosswalk import Crosswalk
    from maturity.core.framework import Framework
    from maturity.core.scoring import Score
    from maturity.store import Store


@click.command(name="crosswalk")
@click.option(
    "--framework", "framework_id", help="Framework id; needed when the store has several."
)
@click.option(
    "--reference",
    "reference",
    required=True,
    metavar="REF",
    help="A reference set's id (e.g. race-at-work-charter) or a reference set file.",
)
@click.option("--unit", help="One unit's path; default: the council (every unit).")
@click.option("--period", help="A period such as 2025/26; default: the latest in the store.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "pdf"]),
    default="table",
    show_default=True,
    help="table for people, json for tools, pdf for a one-page board paper. Without it, "
    "-o charter.pdf chooses pdf.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="The PDF file to write.")
@click.option("--force", is_flag=True, help="Replace the PDF if it exists.")
@store_option
def crosswalk_command(
    framework_id: str | None,
    reference: str,
    unit: str | None,
    period: str | None,
    fmt: str,
    output: Path | None,
    force: bool,
    store_url: str,
) -> None:
    """Show how a unit, or the council, stands against a reference set such as a charter.

    For each item of the reference set (e.g. each Race at Work Charter pledge): the
    criteria whose `maps_to` cite it, with their levels and targets, and its coverage:
    met (every mapped criterion at target), partly met, not met, or not covered (no
    criterion maps to it). For the council, a criterion's level is the median of the
    units' levels, with how many units are at target.

    \b
    Example:
        maturity crosswalk --framework edi-maturity --reference race-at-work-charter
        maturity crosswalk --reference race-at-work-charter --unit "City Council/Housing" \\
            --period 2025/26 --format json
        maturity crosswalk --reference race-at-work-charter --format pdf -o charter.pdf
    """
    from maturity.core.crosswalk import crosswalk
    from maturity.files.references import reference_set

    fmt = output_format(output, fmt)
    if fmt == "pdf" and output is None:
        raise click.UsageError("--format pdf needs -o/--output FILE")
    if period is not None:
        check_period(period)
    ref = reference_set(reference)
    with open_store(store_url) as store:
        framework_id = choose_framework(store, framework_id)
        fw, scores, period, warnings = _scores(store, framework_id, unit, period)
    for warning in warnings:
        click.echo(f"Warning: {warning}", err=True)
    result = crosswalk(fw, ref, scores, None if unit is None else check_unit(unit), period)
    if fmt == "json":
        click.echo(result.model_dump_json(indent=2))
    elif fmt == "pdf":
        from maturity.reports.crosswalk import write_pdf

        assert output is not None
        organisation = scores[0].unit.split("/", 1)[0]  # the units' top level
        pages = write_pdf(result, fw, organisation, output, force)
        click.echo(f"Wrote {output} ({pages} page{'s' if pages != 1 else ''})")
    else:
        click.echo(to_table(result, fw))


def _scores(
    store: Store, framework_id: str, unit: str | None, period: str | None
) -> tuple[Framework, list[Score], str, list[str]]:
    """The framework version in use and the current scores that count, with any warnings."""
    periods = store.periods(framework_id)
    if period is None:
        period = periods[-1]
    elif period not in periods:
        raise MaturityError(
            f"no {framework_id} assessments for {period} in {store.name} "
            f"(periods: {', '.join(periods)})"
        )
    scores = store.scores(framework_id, [period], with_criteria=True)
    if unit is not None:
        wanted = check_unit(unit)
        scores = [s for s in scores if s.unit == wanted]
        if not scores:
            like = store.units_like(wanted)
            hint = f"; did you mean {', '.join(repr(u) for u in like[:3])}?" if like else ""
            raise MaturityError(f"no assessment of '{wanted}' for {period} in {store.name}{hint}")
    versions = [s.framework.version for s in scores]
    # Levels and targets are read with one version's definition: the one most units use.
    version = max(sorted(set(versions)), key=versions.count)
    fw = next(f for f in store.frameworks(framework_id) if f.version == version)
    warnings = []
    others = [s for s in scores if s.framework.version != version]
    if others:
        warnings.append(
            f"{len(others)} assessment(s) use another version of {framework_id} than "
            f"{version} and are left out"
        )
    return fw, [s for s in scores if s.framework.version == version], period, warnings


def _level(fw: Framework, level: str | None) -> str:
    if level is None:
        return "not assessed"
    if level == "not_applicable":
        return "not applicable"
    return fw.level(level).name


def to_table(result: Crosswalk, fw: Framework) -> str:
    """The crosswalk as plain text: one block per reference item."""
    who = result.unit or f"the council ({result.units} units)"
    lines = [
        f"{result.reference_name}: {who}, {result.period} ({result.framework})",
        "",
    ]
    for item in result.items:
        mapped = len(item.criteria)
        status = item.coverage.upper()
        count = f" ({item.at_target} of {mapped} at target)" if mapped else ""
        lines.append(f"{item.label[:1].upper()}{item.label[1:]}: {item.title}")
        lines.append(f"  {status}{count}")
        for c in item.criteria:
            target = f", target {fw.level(c.target).name}" if c.target else ""
            if c.at_target is None:
                mark = "no target" if c.target is None else "not judged"
            else:
                mark = "at target" if c.at_target else "below target"
            units = ""
            if c.units is not None:
                at = "" if c.units_at_target is None else f"{c.units_at_target} of "
                units = f"; {at}{c.units} units at target" if at else f"; {c.units} units"
            lines.append(f"  - {c.title} ({c.ref}): {_level(fw, c.level)}{target}; {mark}{units}")
        lines.append("")
    if result.uncovered:
        lines.append(
            "Not covered by any criterion: "
            + ", ".join(i.label for i in result.items if i.id in result.uncovered)
        )
    else:
        lines.append(f"Every item of the {result.reference_name} is covered by some criterion.")
    return "\n".join(lines)
