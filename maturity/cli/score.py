"""`maturity score`: score assessment files as a table, JSON or CSV."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

from maturity.cli.store import registered_finder, store_option

if TYPE_CHECKING:
    from maturity.core.scoring import CriterionScore, Score


@click.command(name="score")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table for people; json (an object for one result, a list for several) or csv for tools.",
)
@click.option(
    "--framework", help="Score against this framework (id or file) instead of the one named."
)
@store_option
def score_command(paths: tuple[Path, ...], fmt: str, framework: str | None, store_url: str) -> None:
    """Score self-assessments: criterion, domain and overall maturity.

    Files for the same unit and period are merged as several respondents, by the
    framework's respondents rule (median by default); the table then shows where
    they disagree. Every file is checked first; any problem stops the run. With
    --format json, a framework with lenses adds each unit's level per lens and
    domain (`lenses`), lenses about fewer than 5 people suppressed. A
    framework that is not built in is looked up among those added to the store with
    `maturity framework add`.

    \b
    Example:
        maturity score assessments/2025-26/adult-social-care.yaml
        maturity score assessments/2025-26/*.yaml --format csv > scores.csv
    """
    from maturity.core.scoring import score
    from maturity.files.intake import load_merged

    merged = load_merged(paths, framework, registered_finder(store_url))
    results = [score(fw, a, spreads) for a, fw, spreads in merged]
    if fmt == "json":
        import json

        from maturity.core.lens import lens_results

        dumped = []
        for result, (assessment, fw, _) in zip(results, merged, strict=True):
            entry = result.as_dict()
            if fw.lenses:
                # Suppressed as in the board pack: the JSON is as publishable as the PDF.
                entry["lenses"] = lens_results(fw, assessment).as_dict()
            dumped.append(entry)
        click.echo(json.dumps(dumped[0] if len(dumped) == 1 else dumped, indent=2))
    elif fmt == "csv":
        click.echo(to_csv(results), nl=False)
    else:
        click.echo("\n\n".join(to_table(r) for r in results))


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1) :]


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def to_table(result: Score) -> str:
    """One result as text that reads at 80 columns."""
    o = result.overall
    lines = [
        _fit(result.unit, 78),
        f"{result.period}  {_fit(f'{result.framework.id} {result.framework.version}', 36)}  "
        f"respondents: {result.respondents}  complete: {o.completeness:.0%}",
        f"Overall: {_num(o.score)} {_fit(o.level or 'not applicable', 20)}"
        + (f"  rating: {_fit(o.rating, 30)}" if o.rating else ""),
        "",
        f"{'DOMAIN':<24} {'SCORE':>6}  {'LEVEL':<12} {'TARGET':<12} {'DONE':>5}  MET",
    ]
    if result.groups:
        lines[-1:-1] = [f"{'GROUP':<24} {'SCORE':>6}  {'LEVEL':<12} {'':<12} {'DONE':>5}"]
        lines[-1:-1] = [
            f"{_fit(g.id, 24):<24} {_num(g.score):>6}  {_fit(g.level or 'n/a', 12):<12} "
            f"{'':<12} {g.completeness:>5.0%}".rstrip()
            for g in result.groups
        ] + [""]
    for d in result.domains:
        met = "-" if d.target_met is None else ("yes" if d.target_met else "no")
        lines.append(
            f"{_fit(d.id, 24):<24} {_num(d.score):>6}  {_fit(d.level or 'n/a', 12):<12} "
            f"{_fit(d.target or '-', 12):<12} {d.completeness:>5.0%}  {met}"
        )
    changed = [c for c in result.criteria if c.claimed and c.level != c.claimed]
    if changed:
        lines += ["", f"{'COUNTED DIFFERENTLY':<34} {'CLAIMED':<12} {'COUNTED':<12} WHY"]
        lines += [
            f"{_fit(c.id, 34):<34} {_fit(c.claimed or '', 12):<12} {_fit(c.level or '', 12):<12} "
            f"{_why(c)}"
            for c in changed
        ]
    split = [c for c in result.criteria if c.spread >= 2]
    if split:
        lines += ["", "Respondents disagree (2 or more levels apart):"]
        lines += [f"  {_fit(c.id, 40)}: {c.spread} levels apart" for c in split]
    if result.carried_over:
        lines += ["", f"{result.carried_over} answers carried over, not yet reviewed:"]
        lines += [f"  {_fit(c.id, 76)}" for c in result.criteria if c.carried_over]
    scoped = [c for c in result.criteria if c.out_of_scope is not None]
    if scoped:
        lines += ["", f"Out of scope ({len(scoped)}), left out of the scores:"]
        lines += ["  " + textwrap.shorten(f"{c.id}: {c.out_of_scope}", 76) for c in scoped]
    missing = [c.id for c in result.criteria if not c.answered and c.out_of_scope is None]
    if missing:
        lines += ["", f"Not answered ({len(missing)}), counted at the lowest level:"]
        lines += [f"  {_fit(ref, 76)}" for ref in missing]
    return "\n".join(lines)


def _round(value: float | None) -> float | str:
    return "" if value is None else round(value, 4)


def _why(c: CriterionScore) -> str:
    if c.moderated is not None:
        return "moderated"
    if c.capped:
        return "no evidence"
    return "measured value"


def to_csv(results: list[Score]) -> str:
    """Long-format CSV: one row per result and scope (overall, each group, domain and criterion)."""
    from maturity.files.output import csv_text

    header = ["unit", "period", "framework", "version", "scope", "id", "score", "level",
              "claimed", "capped", "completeness", "rating"]  # fmt: skip
    rows: list[list[object]] = []
    for r in results:
        head = [r.unit, r.period, r.framework.id, r.framework.version]
        o = r.overall
        rows.append(
            [
                *head,
                "overall",
                "",
                _round(o.score),
                o.level,
                "",
                "",
                _round(o.completeness),
                o.rating,
            ]
        )
        rows += [
            [*head, "group", g.id, _round(g.score), g.level, "", "", _round(g.completeness), ""]
            for g in r.groups
        ]
        rows += [
            [*head, "domain", d.id, _round(d.score), d.level, "", "", _round(d.completeness), ""]
            for d in r.domains
        ]
        rows += [
            [*head, "criterion", c.id, c.score, c.level, c.claimed, c.capped, "", ""]
            for c in r.criteria
        ]
    return csv_text(header, rows)
