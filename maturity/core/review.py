"""Review and sign-off of a unit-period, and moderation records.

A unit-period moves draft -> submitted -> returned (with comments) -> validated ->
approved. Each step records who, when and a comment; no status is reached without
the steps before it. A moderator's level is its own record, kept beside the team's
answers: it changes the level that counts, never what the team said.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from enum import StrEnum

from pydantic import Field

from maturity.core.assessment import Assessment, Moderation, Name, Response
from maturity.core.errors import MaturityError
from maturity.core.framework import Model, Text


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    VALIDATED = "validated"
    APPROVED = "approved"


# status -> the statuses one step can lead to. Returned goes back to the team, who submit
# again; a validated or approved result can be returned when it has to be looked at again.
NEXT: dict[Status, tuple[Status, ...]] = {
    Status.DRAFT: (Status.SUBMITTED,),
    Status.SUBMITTED: (Status.RETURNED, Status.VALIDATED),
    Status.RETURNED: (Status.SUBMITTED,),
    Status.VALIDATED: (Status.APPROVED, Status.RETURNED),
    Status.APPROVED: (Status.RETURNED,),
}
# How far along a status is, for "at least validated": returned is back with the team.
PROGRESS = {
    Status.DRAFT: 0,
    Status.RETURNED: 0,
    Status.SUBMITTED: 1,
    Status.VALIDATED: 2,
    Status.APPROVED: 3,
}


class ReviewError(MaturityError):
    """A review step that the state machine does not allow."""


class ReviewStep(Model):
    """One step in a unit-period's review: the status it reached, who, when and why."""

    status: Status
    by: Name = Field(description="Who took the step.")
    at: dt.datetime = Field(description="When (UTC).")
    comment: Text | None = Field(default=None, description="What the reviewer said.")


class ModerationRecord(Model):
    """A moderator's level for one criterion; the team's answer stays as it was."""

    criterion: str = Field(description="`domain.criterion`.")
    level: str = Field(description="The moderated level id, or `not_applicable`.")
    reason: Text = Field(description="Why the moderator chose this level.")
    moderator: Name
    on: dt.date = Field(description="When the moderation was recorded.")


def status_of(steps: Sequence[ReviewStep]) -> Status:
    """Where a unit-period stands: its last step's status, draft before any step."""
    return steps[-1].status if steps else Status.DRAFT


def check_step(current: Status, wanted: Status, comment: str | None) -> None:
    """Raise `ReviewError` unless one step can go from `current` to `wanted`."""
    if wanted not in NEXT[current]:
        allowed = " or ".join(NEXT[current])
        path = _path(current, wanted)
        how = f"; record {' then '.join(path[:-1])} first" if len(path) > 1 else ""
        raise ReviewError(
            f"cannot go from {current} to {wanted}: from {current} the next step is {allowed}{how}"
        )
    if wanted is Status.RETURNED and not comment:
        raise ReviewError("returning an assessment needs a comment saying what to change")


def _path(start: Status, goal: Status) -> list[Status]:
    """The shortest run of steps from `start` to `goal` (breadth first; the graph is tiny)."""
    paths = [[start]]
    seen = {start}
    while paths:
        path = paths.pop(0)
        for nxt in NEXT[path[-1]]:
            if nxt == goal:
                return [*path[1:], nxt]
            if nxt not in seen:
                seen.add(nxt)
                paths.append([*path, nxt])
    return [goal]


def advance(
    steps: Sequence[ReviewStep],
    wanted: Status,
    by: str,
    comment: str | None = None,
    at: dt.datetime | None = None,
) -> ReviewStep:
    """The step that moves a review from where `steps` left it to `wanted`, or `ReviewError`."""
    check_step(status_of(steps), wanted, comment)
    return ReviewStep(
        status=wanted, by=by, at=at or dt.datetime.now(dt.UTC), comment=comment or None
    )


def reached(status: Status, wanted: Status) -> bool:
    """Whether `status` is at least as far along as `wanted` (returned counts as draft)."""
    return PROGRESS[status] >= PROGRESS[wanted]


def latest_moderation(records: Iterable[ModerationRecord]) -> dict[str, ModerationRecord]:
    """The moderation that counts for each criterion: the last one recorded."""
    found: dict[str, ModerationRecord] = {}
    for record in records:
        found[record.criterion] = record
    return found


def apply_moderation(assessment: Assessment, records: Iterable[ModerationRecord]) -> Assessment:
    """The assessment with each criterion's latest moderation as its moderated level.

    Levels, values and evidence are untouched: the record sits beside the answer.
    """
    latest = latest_moderation(records)
    if not latest:
        return assessment
    responses = dict(assessment.responses)
    for ref, record in latest.items():
        moderated = Moderation(level=record.level, by=record.moderator, rationale=record.reason)
        response = responses.get(ref, Response())
        responses[ref] = response.model_copy(update={"moderated": moderated})
    return assessment.model_copy(update={"responses": responses})


class UnitReview(Model):
    """Where one unit's result for a period stands, for the board pack."""

    unit: str
    label: str = Field(description="The path below the organisation, as the board shows it.")
    status: Status
    validated: bool = Field(description="Whether the result is validated or approved.")
    steps: list[ReviewStep]
    moderations: list[ModerationRecord]
    carried_over: int = Field(description="Answers carried over and not yet reviewed.")


def unit_review(
    unit: str,
    label: str,
    steps: Sequence[ReviewStep],
    moderations: Sequence[ModerationRecord],
    carried_over: int,
) -> UnitReview:
    """One unit's review summary from its steps, moderation and carried-over count."""
    status = status_of(steps)
    return UnitReview(
        unit=unit,
        label=label,
        status=status,
        validated=reached(status, Status.VALIDATED),
        steps=list(steps),
        moderations=list(moderations),
        carried_over=carried_over,
    )
