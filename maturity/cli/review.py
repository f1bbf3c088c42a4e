"""`maturity review`, `moderate`, `withdraw` and `respondents`: sign-off of a unit-period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from maturity.cli.common import check_period, framework_of
from maturity.cli.store import check_unit, open_store, store_option
from maturity.core.errors import MaturityError

if TYPE_CHECKING:
    from maturity.core.review import ReviewStep

F = TypeVar("F", bound=Callable[..., Any])
STATUSES = ["submitted", "returned", "validated", "approved"]


def _framework_option(command: F) -> F:
    return click.option(
        "--framework",
        "framework_id",
        help="The framework id, when the unit has results for several in that period.",
    )(command)


@click.command()
@click.argument("unit")
@click.option("--period", required=True, help="The period, e.g. 2025/26.")
@click.option(
    "--status",
    type=click.Choice(STATUSES),
    help="The step to record: draft -> submitted -> returned (with a comment) -> validated "
    "-> approved. Without it, show the review so far.",
)
@click.option("--comment", help="What the reviewer says (needed to return an assessment).")
@click.option("--by", help="Who takes the step (default: the USER environment variable).")
@_framework_option
@store_option
def review(
    unit: str,
    period: str,
    status: str | None,
    comment: str | None,
    by: str | None,
    framework_id: str | None,
    store_url: str,
) -> None:
    """Record a review step for a unit's result, or show its review so far.

    A unit-period moves draft -> submitted -> returned -> validated -> approved; no
    status is skipped (a returned result is submitted again), and each step keeps
    who, when and the comment. A new submission that changes a validated or approved
    result returns it automatically, as a recorded step.

    \b
    Example:
        maturity review "City Council/Social Care and Education/Adult Social Care" \\
            --period 2025/26 --status submitted --by "Ruth Abernethy"
        maturity review "City Council/Housing/Housing Services" --period 2025/26 \\
            --status returned --comment "Evidence for workforce.panels is missing"
    """
    import os

    from maturity.core.review import Status, status_of

    unit = check_unit(unit)
    check_period(period)
    with open_store(store_url) as store:
        fid = framework_of(store, unit, period, framework_id)
        if status is not None:
            who = by or os.environ.get("USER") or "unknown"
            taken = store.review(fid, unit, period, Status(status), who, comment)
            click.echo(
                f"{unit} {period}: {taken.step.status} by {taken.step.by} "
                f"(result version {taken.result_version})"
            )
            return
        steps = store.review_steps(fid, unit, period)
    click.echo(f"{unit} {period} ({fid}): {status_of([s.step for s in steps])}")
    for s in steps:
        click.echo("  " + review_line(s.step, s.result_version))


def review_line(step: ReviewStep, version: int | None) -> str:
    """One review step as one line: when, status, who, on which version, and the comment."""
    when = step.at.strftime("%Y-%m-%d %H:%M")
    on = f" (v{version})" if version is not None else ""
    said = f": {' '.join(step.comment.split())}" if step.comment else ""
    return f"{when}  {step.status:<9} by {step.by}{on}{said}"


@click.command()
@click.argument("unit")
@click.option("--period", required=True, help="The period, e.g. 2025/26.")
@click.option("--criterion", required=True, help="The criterion id, domain.criterion.")
@click.option("--level", required=True, help="The moderated level id, or not_applicable.")
@click.option("--reason", required=True, help="Why the moderator chose this level.")
@click.option("--by", "moderator", required=True, help="The moderator's name.")
@click.option("--on", "day", type=click.DateTime(["%Y-%m-%d"]), help="The date (default: today).")
@_framework_option
@store_option
def moderate(
    unit: str,
    period: str,
    criterion: str,
    level: str,
    reason: str,
    moderator: str,
    day: dt.datetime | None,
    framework_id: str | None,
    store_url: str,
) -> None:
    """Record a moderator's level for one criterion, beside the team's answers.

    The team's answers are never changed: the moderation is its own record, and the
    result counts the latest moderated level of each criterion (a new result version).

    \b
    Example:
        maturity moderate "City Council/Social Care and Education/Adult Social Care" \\
            --period 2025/26 --criterion environment.zero-tolerance --level developing \\
            --reason "The staff survey does not bear it out" --by "Kal Sandhu"
    """
    from pydantic import ValidationError

    from maturity.core.review import ModerationRecord

    unit = check_unit(unit)
    check_period(period)
    try:
        record = ModerationRecord(
            criterion=criterion,
            level=level,
            reason=reason,
            moderator=moderator,
            on=(day.date() if day else dt.datetime.now(dt.UTC).date()),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        option = {"moderator": "by"}.get(str(first["loc"][0]), str(first["loc"][0]))
        why = {
            "string_too_short": "is empty",
            "string_too_long": "is too long",
            "string_pattern_mismatch": "must be one line of text",
        }.get(first["type"], "is not valid")
        raise MaturityError(f"--{option} {why}") from None
    with open_store(store_url) as store:
        fid = framework_of(store, unit, period, framework_id)
        outcome = store.moderate(fid, unit, period, record)
    now = "unchanged" if outcome.previous == outcome.version else f"now version {outcome.version}"
    click.echo(f"{unit} {period}: {criterion} moderated to {level} by {moderator}; result {now}")


@click.command()
@click.argument("unit")
@click.option("--period", required=True, help="The period, e.g. 2025/26.")
@click.option("--respondent", required=True, help="Whose submission to withdraw.")
@click.option("--by", required=True, help="Who withdraws it (kept in the history).")
@_framework_option
@store_option
def withdraw(
    unit: str, period: str, respondent: str, by: str, framework_id: str | None, store_url: str
) -> None:
    """Withdraw a respondent's submission: it no longer counts, and nothing is deleted.

    The withdrawal is a new version of the submission; the result is merged again
    from the others. Importing the respondent's file again brings it back.

    \b
    Example:
        maturity withdraw "City Council/Social Care and Education/Adult Social Care" \\
            --period 2025/26 --respondent adult-social-care-mistry --by "Kal Sandhu"
    """
    unit = check_unit(unit)
    check_period(period)
    with open_store(store_url) as store:
        fid = framework_of(store, unit, period, framework_id)
        outcome = store.withdraw(fid, unit, period, respondent, by)
    if outcome.version is None:
        click.echo(f"{unit} {period}: {respondent} withdrawn; no submission counts now")
    else:
        click.echo(
            f"{unit} {period}: {respondent} withdrawn; result version {outcome.version} from "
            f"{outcome.respondents} respondents"
        )


@click.command()
@click.argument("unit")
@click.option("--period", required=True, help="The period, e.g. 2025/26.")
@click.option(
    "--all", "show_all", is_flag=True, help="Every criterion, not only where they differ."
)
@_framework_option
@store_option
def respondents(
    unit: str, period: str, show_all: bool, framework_id: str | None, store_url: str
) -> None:
    """Show a unit's respondents and where they differ: per criterion and per group.

    \b
    Example:
        maturity respondents "City Council/Social Care and Education/Adult Social Care" \\
            --period 2025/26
    """
    unit = check_unit(unit)
    check_period(period)
    with open_store(store_url) as store:
        fid = framework_of(store, unit, period, framework_id)
        current = store.submissions(fid, unit, period)
        merged = store.spread(fid, unit, period)
    click.echo(f"{unit} {period} ({fid})")
    for s in current:
        state = "withdrawn" if s.withdrawn else f"v{s.version}"
        group = f" [{s.group}]" if s.group else ""
        click.echo(f"  {s.respondent}{group}: {state}, {s.imported_at[:10]} from {s.source}")
    if merged is None:
        return
    rows = [c for c in merged.criteria if show_all or c.spread > 0]
    if rows:
        click.echo("")
        click.echo("Where they differ (levels apart; each group's merged level):")
    for c in rows:
        groups = "; ".join(f"{g.group}: {g.level} ({g.respondents})" for g in c.groups)
        click.echo(f"  {c.id}: {c.spread} apart — {groups}")
