"""The action plan: one item per gap, in the columns councils publish.

Pure functions over pydantic models; no I/O. The columns follow published council
equality action plans: Ref, Desired outcome, Action, Lead service area, Lead
officer, Timeframe, How will we measure success, Status.

Timeframe rule: a gap of one level is due by the end of the first quarter of the
plan horizon, two levels by the end of its first half, three or more by its end,
each dated from the plan's date as councils stage their plans. A plan drafted in
March 2026 with the default 24-month horizon: 1 step "by September 2026", 2 steps
"by March 2027", 3 or more "by March 2028". A metric that misses its target at the
target level counts as one step.

Refs: councils number their aims and letter the actions under them (1a, 1b, 2a).
A plan's aims are the framework's domains, numbered in its order, and each
criterion is lettered in its domain's order, so a ref stays the same from one
plan to the next (`aim_refs`).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from maturity.core.assessment import Assessment
from maturity.core.framework import Framework, Model, Text, Unit
from maturity.core.gaps import Gap
from maturity.core.scoring import Score

TO_BE_ASSIGNED = "To be assigned"


class Status(StrEnum):
    """Where an action plan item stands, in the words councils use."""

    NOT_YET_COMMENCED = "Not yet commenced"
    ON_TRACK = "On track"
    IN_PLACE = "In place"
    COMPLETE = "Complete"
    AT_RISK = "At risk"
    DELAYED = "Delayed"


class Update(Model):
    """A progress update on a plan item (recorded by progress tracking)."""

    on: date = Field(description="When the update was made (YYYY-MM-DD).", strict=False)
    status: Status = Field(description="The item's status after the update.", strict=False)
    note: Text | None = Field(default=None, description="What happened.")
    by: Text | None = Field(default=None, description="Who made the update.")


class PlanItem(Model):
    """One row of the action plan. The first eight fields are the published columns, in order."""

    ref: Text = Field(description="Ref: the criterion id, `domain.criterion`.")
    desired_outcome: Text = Field(description="Desired outcome: the target level's descriptor.")
    actions: list[Text] = Field(min_length=1, description="Action: what will be done, in order.")
    lead_service_area: Text = Field(description="Lead service area.")
    lead_officer: Text = Field(description="Lead officer.")
    timeframe: Text = Field(description="Timeframe, e.g. `by September 2026`.")
    measures: list[Text] = Field(
        min_length=1, description="How will we measure success: evidence and metric targets."
    )
    status: Status = Field(
        default=Status.NOT_YET_COMMENCED,
        description="Status: Not yet commenced, On track, In place, Complete, At risk, Delayed.",
        strict=False,
    )
    domain: Text = Field(description="The domain id the item belongs to.")
    title: Text = Field(description="The criterion's title.")
    priority: int = Field(ge=1, description="1 is the first to close.")
    current: Text = Field(description="The level id the unit is at.")
    target: Text = Field(description="The target level id.")
    lacks_evidence: bool = Field(default=False, description="Whether the claim lacked evidence.")
    staff_responses: int | None = Field(
        default=None,
        ge=0,
        description="How many staff consultation responses raised the criterion, if one was used.",
        exclude_if=lambda n: n is None,  # plans drafted without a consultation stay as they were
    )
    updates: list[Update] = Field(
        default_factory=list, description="Progress updates, oldest first."
    )


COLUMNS: list[tuple[str, str]] = [
    ("ref", "Ref"),
    ("desired_outcome", "Desired outcome"),
    ("actions", "Action"),
    ("lead_service_area", "Lead service area"),
    ("lead_officer", "Lead officer"),
    ("timeframe", "Timeframe"),
    ("measures", "How will we measure success?"),
    ("status", "Status"),
]
"""The published columns in order: (field name, heading)."""


class PlanConfig(Model):
    """Choices for drafting a plan that do not come from the assessment."""

    drafted_on: date = Field(description="The plan's date.", strict=False)
    organisation: Text = Field(description="The organisation named on the plan.")
    horizon_months: int = Field(default=24, ge=4, le=120, description="The plan's horizon.")
    staff_responses: dict[str, int] | None = Field(
        default=None,
        description=(
            "Staff consultation responses raising each criterion, by `domain.criterion`; "
            "None when the plan uses no consultation."
        ),
    )


class ActionPlan(Model):
    """An action plan for one unit and period, ready to render or track."""

    organisation: Text
    unit: Text
    period: Text
    framework: Text = Field(description="`id@version` of the framework.")
    framework_name: Text
    drafted_on: date = Field(strict=False)
    horizon_months: int = Field(default=24, ge=4, le=120)
    overall_level: str | None = Field(default=None, description="The overall level's name.")
    rating: str | None = Field(default=None, description="The rating band, if any.")
    items: list[PlanItem] = Field(default_factory=list)


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def due_months(steps: int, horizon_months: int = 24) -> int:
    """Months from the plan's date to a gap's due date (see the module docstring)."""
    if steps <= 1:
        return horizon_months // 4
    if steps == 2:
        return horizon_months // 2
    return horizon_months


def timeframe(steps: int, start: date, horizon_months: int = 24) -> str:
    """The timeframe for a gap of `steps` levels in a plan dated `start`: `by September 2026`."""
    due = add_months(start, due_months(steps, horizon_months))
    return f"by {due:%B %Y}"


def letters(n: int) -> str:
    """The `n`th letter ref from 0: a, b, ... z, aa, ab, ..."""
    text = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


def aim_refs(fw: Framework) -> dict[str, str]:
    """Every criterion's council-style ref, `domain.criterion` -> `1a` (see the module doc)."""
    return {
        f"{domain.id}.{criterion.id}": f"{aim}{letters(i)}"
        for aim, domain in enumerate(fw.domains, start=1)
        for i, criterion in enumerate(domain.criteria)
    }


def format_number(value: float, unit: Unit) -> str:
    """A metric's value or target as a report shows it: `12.5%`, `5.5 points`, `40`, `0.8`."""
    text = f"{value:g}"
    if unit is Unit.PERCENT:
        return text + "%"
    if unit is Unit.POINTS:
        return text + (" point" if abs(value) == 1 else " points")
    return text


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def no_suggested_action(level_name: str) -> str:
    """The plan's words where the framework suggests no action: it says so, inventing none."""
    return f"The framework suggests no action here; agree actions to reach {level_name}"


def draft_item(
    fw: Framework, assessment: Assessment, gap: Gap, priority: int, config: PlanConfig
) -> PlanItem:
    """The plan item for one gap."""
    _, criterion = fw.criteria[gap.ref]
    response = assessment.responses.get(gap.ref)
    outcome_level = gap.target if gap.steps else gap.current
    actions = [a for step in gap.steps for a in criterion.actions.get(step, [])]
    measures = []
    if outcome_level in criterion.evidence:
        measures.append(criterion.evidence[outcome_level])
    if gap.metric is not None:
        m = gap.metric
        now = "no value recorded" if m.value is None else f"now {format_number(m.value, m.unit)}"
        measures.append(f"{m.name}: target {format_number(m.target, m.unit)} ({now})")
        if not gap.steps:
            what = m.name[:1].lower() + m.name[1:]
            actions.append(f"Bring {what} to the target of {format_number(m.target, m.unit)}")
    if response is not None:
        actions += response.actions
    if not measures:
        measures.append(criterion.descriptors[outcome_level])
    raised = config.staff_responses
    return PlanItem(
        ref=gap.ref,
        desired_outcome=criterion.descriptors[outcome_level],
        actions=_unique(actions) or [no_suggested_action(fw.level(outcome_level).name)],
        lead_service_area=(response and response.service_area) or TO_BE_ASSIGNED,
        lead_officer=(response and response.owner) or TO_BE_ASSIGNED,
        timeframe=timeframe(max(gap.size, 1), config.drafted_on, config.horizon_months),
        measures=measures,
        domain=gap.domain,
        title=criterion.title,
        priority=priority,
        current=gap.current,
        target=gap.target,
        lacks_evidence=gap.lacks_evidence,
        staff_responses=None if raised is None else raised.get(gap.ref, 0),
    )


def draft_plan(
    fw: Framework, assessment: Assessment, score: Score, gaps: list[Gap], config: PlanConfig
) -> ActionPlan:
    """Draft the action plan: one item per gap, numbered in priority order."""
    overall = score.overall.level
    return ActionPlan(
        organisation=config.organisation,
        unit=assessment.unit,
        period=assessment.period,
        framework=fw.ref,
        framework_name=fw.name,
        drafted_on=config.drafted_on,
        horizon_months=config.horizon_months,
        overall_level=fw.level(overall).name if overall else None,
        rating=score.overall.rating,
        items=[draft_item(fw, assessment, gap, i, config) for i, gap in enumerate(gaps, start=1)],
    )
