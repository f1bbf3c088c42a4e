"""`maturity plan update`: record a dated progress update on one item of a saved plan.

A standalone click command; `maturity plan` adds it as its `update` subcommand.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from maturity.core.errors import MaturityError


@click.command(name="update")
@click.argument("plan_path", metavar="PLAN", type=click.Path(path_type=Path))
@click.option("--ref", required=True, help="The item's Ref, e.g. workforce.representation.")
@click.option(
    "--status",
    required=True,
    help="Not yet commenced, On track, In place, Complete, At risk or Delayed.",
)
@click.option("--note", help="What has happened since the last update.")
@click.option(
    "--date",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The update's date, YYYY-MM-DD (default: today).",
)
@click.option("--by", help="Who is making the update.")
def update_command(
    plan_path: Path,
    ref: str,
    status: str,
    note: str | None,
    on: dt.datetime | None,
    by: str | None,
) -> None:
    """Add a dated progress update to one action of a plan saved as YAML.

    The update is appended to the action's history: earlier updates are never
    changed, and the action's status becomes the latest one. The plan file is
    replaced in one step, so it is never left half-written. The file is written
    afresh from the plan's data: comments and hand formatting in it are not kept
    (a note says so when there were comments). Plans saved as CSV cannot carry
    updates; save the plan as YAML (maturity plan --format yaml).

    \b
    Example:
        maturity plan update housing-2025-26-plan.yaml --ref workforce.representation \\
            --status "On track" --note "Panel guidance agreed with HR" --date 2026-10-14
    """
    from maturity.core.progress import add_update, parse_status
    from maturity.files.plan_file import load_plan, save_plan

    chosen = parse_status(status)  # refuse a bad status before reading anything
    if plan_path.suffix.lower() not in {".yaml", ".yml"}:
        raise MaturityError(
            f"{plan_path}: progress updates are kept only in YAML plans; save the plan with "
            "--format yaml"
        )
    if not plan_path.is_file():
        raise MaturityError(f"{plan_path}: no such file")
    plan = load_plan(plan_path)
    commented = _has_comments(plan_path.read_text(encoding="utf-8-sig"))
    day = on.date() if on else dt.date.today()
    updated = add_update(plan, ref, chosen, note, day, by)
    save_plan(updated, plan_path, "yaml", force=True)
    if commented:
        click.echo(f"Note: comments in {plan_path} were not kept", err=True)
    item = next(i for i in updated.items if i.ref == ref)
    count = len(item.updates)
    latest = item.updates[-1].on
    click.echo(
        f"{plan_path}: '{ref}' is {item.status} as of {latest.isoformat()} "
        f"({count} update{'s' if count != 1 else ''})"
    )
    if day < plan.drafted_on:
        click.echo(
            f"Note: this update is dated {day.isoformat()}, before the plan was drafted "
            f"({plan.drafted_on.isoformat()}); check the date",
            err=True,
        )
    elif latest > day:
        click.echo(
            f"Note: this update is dated {day.isoformat()}, before the latest one "
            f"({latest.isoformat()}); the status is still the latest one's",
            err=True,
        )


def _has_comments(text: str) -> bool:
    """Whether YAML `text` has a `#` comment (a `#` inside a quoted or block value is not one)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    values = [
        (token.start_mark.index, token.end_mark.index)
        for token in yaml.scan(text, Loader=loader)
        if isinstance(token, yaml.ScalarToken)
    ]
    for found in re.finditer(r"(?:^|(?<=[ \t]))#", text, re.MULTILINE):
        if not any(start <= found.start() < end for start, end in values):
            return True
    return False
