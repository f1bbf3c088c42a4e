"""The action plan: one item per gap, in the columns councils publish.

Pure functions over pydantic models; no I/O. The columns follow published council
equality action plans: Ref, Desired outcome, Action, Lead service area, Lead
officer, Timeframe, How will we measure success, Status.

Timeframe rule: a gap of one level is planned for the first quarter of the plan
horizon, two levels for the second quarter, three or more for its second half. With
the default 24-month horizon: 1 step "0-6 months", 2 steps "6-12 months", 3 or
more "12-24 months". A metric that misses its target at the target level counts as
one step.
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
    timeframe: Text = Field(description="Timeframe, e.g. `0-6 months`.")
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


def timeframe(steps: int, horizon_months: int = 24) -> str:
    """The timeframe for a gap of `steps` levels (see the module docstring)."""
    quarter = horizon_months // 4
    if steps <= 1:
        return f"0-{quarter} months"
    if steps == 2:
        return f"{quarter}-{2 * quarter} months"
    return f"{2 * quarter}-{horizon_months} months"


def format_number(value: float, unit: Unit) -> str:
    """A metric's value or target as a report shows it: `12.5%`, `40`, `0.8`."""
    text = f"{value:g}"
    return text + "%" if unit is Unit.PERCENT else text


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def draft_item(
    fw: Framework,
    assessment: Assessment,
    gap: Gap,
    priority: int,
    horizon: int,
    staff_responses: dict[str, int] | None = None,
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
    return PlanItem(
        ref=gap.ref,
        desired_outcome=criterion.descriptors[outcome_level],
        actions=_unique(actions) or [f"Agree actions to reach {fw.level(outcome_level).name}"],
        lead_service_area=(response and response.service_area) or TO_BE_ASSIGNED,
        lead_officer=(response and response.owner) or TO_BE_ASSIGNED,
        timeframe=timeframe(max(gap.size, 1), horizon),
        measures=measures,
        domain=gap.domain,
        title=criterion.title,
        priority=priority,
        current=gap.current,
        target=gap.target,
        lacks_evidence=gap.lacks_evidence,
        staff_responses=None if staff_responses is None else staff_responses.get(gap.ref, 0),
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
        items=[
            draft_item(fw, assessment, gap, i, config.horizon_months, config.staff_responses)
            for i, gap in enumerate(gaps, start=1)
        ],
    )
