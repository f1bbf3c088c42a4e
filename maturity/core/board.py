"""The board pack: every unit on one page, who moved, and where the council is against its targets.

Pure functions over scored results; no I/O. Comparison, roll-up of departments
from their services, change, trend and the target profile come from
`maturity.core.benchmark`; this module arranges them as a board reads them:

- a heatmap of units by domains (a department without its own assessment is
  combined from the units below it, as the benchmark rolls up);
- each unit's overall score across periods (trend);
- movement since the unit's previous assessed period: `improved`, `steady` or
  `declined` (steady: less than a tenth of the smallest step between levels);
- the council-wide distribution of assessed units over levels, per domain;
- who meets the target profile (every domain at its target level or above);
- metric criteria against their targets, with small counts of people suppressed
  (`maturity.core.suppression`), each with a RAG status: green when the target is
  met, amber when missed by no more than a tenth of the target (`CLOSE_SHARE`), red
  otherwise;
- "furthest from target": the domain whose assessed units are on average the most
  levels below its target (ties are all named).
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from maturity.core import suppression
from maturity.core.assessment import Assessment
from maturity.core.benchmark import Row, Weighting, align, benchmark
from maturity.core.errors import MaturityError
from maturity.core.framework import NOT_APPLICABLE, Direction, Framework, Metric, Unit
from maturity.core.insight import UnitInsight, insights
from maturity.core.plan import format_number
from maturity.core.review import ModerationRecord, ReviewStep, UnitReview, unit_review
from maturity.core.scoring import Score
from maturity.core.suppression import Shown

STEADY_SHARE = 0.1
"""A change smaller than this share of the smallest step between levels is `steady`."""
CLOSE_SHARE = 0.1
"""A metric that misses its target by at most this share of the target is amber, not red."""


class Rag(StrEnum):
    """A measure's status against its target, in the words boards use."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


def rag(metric: Metric, value: float) -> Rag:
    """Green when `value` meets the target; amber when it misses by at most a tenth of it."""
    if metric.target_met(value):
        return Rag.GREEN
    allowance = CLOSE_SHARE * abs(metric.target)
    # The tolerance keeps a value exactly at the allowance (2.2 against 2) amber, float or not.
    return Rag.AMBER if abs(value - metric.target) <= allowance + 1e-9 else Rag.RED


class Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Movement(StrEnum):
    """How a unit's overall score moved since its previous assessed period."""

    IMPROVED = "improved"
    STEADY = "steady"
    DECLINED = "declined"
    NEW = "new"


class LevelInfo(Model):
    id: str
    name: str
    rank: int = Field(description="0 for the lowest level.")
    points: float = Field(description="What the level is worth in scoring.")


class DomainInfo(Model):
    id: str
    name: str
    target: str | None = Field(description="The domain's target level id, if any.")


class GroupInfo(Model):
    """A group of domains, for frameworks with three tiers."""

    id: str
    name: str
    domains: list[str] = Field(description="The domain ids in the group.")


class GroupCell(Model):
    """One unit's level in one group of domains."""

    group: str
    level: str | None = Field(description="Level id; None when nothing in it applies.")
    score: float | None


class HeatCell(Model):
    """One unit's level in one domain."""

    domain: str
    level: str | None = Field(description="Level id; None when not applicable.")
    score: float | None
    target_met: bool | None = Field(description="None without a target or a level.")


class UnitRow(Model):
    """One unit in the chosen period: its heatmap row, movement and target profile."""

    unit: str = Field(description="The full unit path.")
    name: str = Field(description="The unit path's last part.")
    label: str = Field(description="The path below the organisation, e.g. `Housing / Repairs`.")
    depth: int = Field(description="0 for the top of the organisation.")
    combined: bool = Field(description="Whether made from the units below it.")
    heading_only: bool = Field(
        description="A combined row made from one unit: it repeats that unit, so it only heads it."
    )
    units: int = Field(description="Assessed units behind the row.")
    respondents: int
    overall_level: str | None
    overall_score: float | None
    cells: list[HeatCell]
    groups: list[GroupCell] = Field(
        default_factory=list, description="Levels per group, for frameworks with groups."
    )
    since: str | None = Field(description="The previous period compared with, if any.")
    change: float | None = Field(description="Change in the overall score since then.")
    levels_moved: int | None = Field(description="Change in the overall level, in levels.")
    movement: Movement
    target_met: bool | None = Field(description="Every domain at its target; None without any.")
    below_target: list[str] = Field(description="Domain ids below their target.")
    status: str | None = Field(
        default=None,
        description="The review status of an assessed unit's result; None when not known "
        "(combined rows, or a pack made without the store's review).",
    )
    validated: bool | None = Field(
        default=None, description="Whether the result is validated or approved; None if unknown."
    )


class TrendPoint(Model):
    period: str
    score: float | None
    level: str | None


class TrendLine(Model):
    """A unit's overall score in each period up to the chosen one."""

    unit: str
    name: str
    combined: bool
    points: list[TrendPoint]
    direction: str = Field(description="`up`, `down`, `flat` or `new`.")


class Distribution(Model):
    """How many assessed units are at each level in one domain."""

    domain: str
    counts: dict[str, int] = Field(description="Units per level id, every level listed.")
    not_applicable: int
    at_target: int | None = Field(description="Units at or above the target; None without one.")
    assessed: int
    shortfall: float | None = Field(
        default=None,
        description="Levels below the target, averaged over the assessed units (0 for those at "
        "or above it); None without a target or units.",
    )


class MetricColumn(Model):
    """A metric criterion and how the units do against its target, council-wide."""

    ref: str
    name: str
    unit: Unit
    direction: Direction
    target: str = Field(description="The target as text, e.g. `16%` or `at least 5`.")
    reported: int = Field(description="Units that recorded a value.")
    met: int = Field(description="Units whose recorded value meets the target.")
    summary_label: str = Field(description="`Total` for counts, `Median` otherwise.")
    summary: Shown


class MetricCell(Model):
    shown: Shown
    target_met: bool | None = Field(description="None when no value, or when it is suppressed.")
    rag: Rag | None = Field(
        default=None, description="None when no value, or when suppression hides how close it is."
    )


class MetricRow(Model):
    unit: str
    name: str
    label: str
    cells: list[MetricCell]


class BoardPack(Model):
    """Everything the board pack shows, ready to render."""

    title: str
    organisation: str
    framework: str = Field(description="`id@version`.")
    framework_name: str
    period: str
    periods: list[str] = Field(description="The periods the trend covers, oldest first.")
    levels: list[LevelInfo]
    domains: list[DomainInfo]
    groups: list[GroupInfo] = Field(
        default_factory=list, description="Groups of domains, for frameworks with three tiers."
    )
    units: list[UnitRow] = Field(description="In organisation order: departments before services.")
    trends: list[TrendLine]
    distribution: list[Distribution]
    metrics: list[MetricColumn]
    metric_rows: list[MetricRow]
    threshold: int = Field(description="Counts of people under this are suppressed.")
    suppressed: bool = Field(description="Whether any value was suppressed.")
    headlines: list[str] = Field(description="The key messages, as sentences.")
    warnings: list[str]
    reviews: list[UnitReview] = Field(
        default_factory=list,
        description="Each assessed unit's review, moderation and carried-over answers.",
    )
    insight: list[UnitInsight] = Field(
        default_factory=list,
        description="Each assessed unit's confidence indicator and lens x domain levels.",
    )
    lens_names: dict[str, str] = Field(
        default_factory=dict, description="The framework's lenses, by id; empty without."
    )
    lens_rule: str = Field(default="report", description="The framework's `lens_rule`.")


def _movement(fw: Framework, change: float | None, had_before: bool) -> Movement:
    if not had_before or change is None:
        return Movement.NEW
    steps = [b.points - a.points for a, b in itertools.pairwise(fw.levels)]
    if abs(change) < STEADY_SHARE * min(steps):
        return Movement.STEADY
    return Movement.IMPROVED if change > 0 else Movement.DECLINED


def _label(unit: str) -> str:
    parts = unit.split("/")
    return " / ".join(parts[1:] or parts)


def _unit_row(fw: Framework, row: Row, previous: Row | None, goals: Mapping[str, str]) -> UnitRow:
    cells = []
    for domain in fw.domains:
        level = row.levels.get(domain.id)
        target = goals.get(domain.id)
        met = None
        if level is not None and level != NOT_APPLICABLE and target is not None:
            met = fw.rank[level] >= fw.rank[target]
        cells.append(
            HeatCell(
                domain=domain.id, level=level, score=row.domains.get(domain.id), target_met=met
            )
        )
    change = row.change.overall if row.change else None
    moved = None
    if previous is not None and previous.overall.level and row.overall.level:
        moved = fw.rank[row.overall.level] - fw.rank[previous.overall.level]
    return UnitRow(
        unit=row.unit,
        name=row.unit.rsplit("/", 1)[-1],
        label=_label(row.unit),
        depth=row.unit.count("/"),
        combined=row.rolled_up,
        heading_only=row.rolled_up and row.units == 1,
        units=row.units,
        respondents=row.respondents,
        overall_level=row.overall.level,
        overall_score=row.overall.score,
        cells=cells,
        groups=[
            GroupCell(group=g.id, level=row.group_levels.get(g.id), score=row.groups.get(g.id))
            for g in fw.groups
        ],
        since=row.change.since if row.change else None,
        change=change,
        levels_moved=moved,
        movement=_movement(fw, change, row.change is not None),
        target_met=row.target_met,
        below_target=row.below_target,
    )


def _hidden_met(metric: Metric, threshold: int) -> bool | None:
    """Whether a suppressed count meets its target, when `[c]` (under the threshold) says so."""
    largest = threshold - 1  # a suppressed count is a whole number under the threshold
    if metric.direction is Direction.HIGHER and metric.target > largest:
        return False
    if metric.direction is Direction.LOWER and metric.target >= largest:
        return True
    return None  # met or not would tell more than `[c]` does


def _metrics(
    fw: Framework, scores: Sequence[Score], threshold: int
) -> tuple[list[MetricColumn], list[MetricRow]]:
    metric_refs = [ref for ref, (_, c) in fw.criteria.items() if c.metric is not None]
    if not metric_refs:
        return [], []
    by_unit = {s.unit: {c.id: c for c in s.criteria} for s in sorted(scores, key=lambda s: s.unit)}
    rows = []
    columns_cells: dict[str, list[MetricCell]] = {ref: [] for ref in metric_refs}
    raw: dict[str, list[float | None]] = {ref: [] for ref in metric_refs}
    for unit, criteria in by_unit.items():
        cells = []
        for ref in metric_refs:
            metric = fw.criteria[ref][1].metric
            assert metric is not None
            result = criteria.get(ref)
            value = result.value if result is not None else None
            shown = suppression.metric(value, metric.unit, threshold, metric.counts_people)
            met = None if shown.value is None else metric.target_met(shown.value)
            status = None if shown.value is None else rag(metric, shown.value)
            if shown.suppressed:
                met = _hidden_met(metric, threshold)
                status = Rag.GREEN if met else None  # amber or red would tell more than `[c]`
            cell = MetricCell(shown=shown, target_met=met, rag=status)
            cells.append(cell)
            columns_cells[ref].append(cell)
            raw[ref].append(value)
        rows.append(
            MetricRow(unit=unit, name=unit.rsplit("/", 1)[-1], label=_label(unit), cells=cells)
        )
    columns = []
    for ref in metric_refs:
        metric = fw.criteria[ref][1].metric
        assert metric is not None
        cells = columns_cells[ref]
        values = [v for v in raw[ref] if v is not None]
        if metric.unit is Unit.COUNT:
            label = "Total"
            summary = suppression.total(
                [c.shown for c in cells], raw[ref], metric.unit, threshold, metric.counts_people
            )
        else:
            label = "Median"
            median = statistics.median(values) if values else None
            summary = suppression.metric(median, metric.unit, threshold, metric.counts_people)
        comparison = "at least" if metric.direction is Direction.HIGHER else "at most"
        columns.append(
            MetricColumn(
                ref=ref,
                name=metric.name,
                unit=metric.unit,
                direction=metric.direction,
                target=f"{comparison} {format_number(metric.target, metric.unit)}",
                reported=len(values),
                met=sum(1 for c in cells if c.target_met),
                summary_label=label,
                summary=summary,
            )
        )
    return columns, rows


def _distribution(
    fw: Framework, rows: Sequence[UnitRow], goals: Mapping[str, str]
) -> list[Distribution]:
    assessed = [r for r in rows if not r.combined]
    found = []
    for i, domain in enumerate(fw.domains):
        levels = [r.cells[i].level for r in assessed]
        tally = Counter(levels)
        target = goals.get(domain.id)
        on_scale = [lv for lv in levels if lv is not None and lv != NOT_APPLICABLE]
        at_target = None
        shortfall = None
        if target is not None:
            at_target = sum(1 for lv in on_scale if fw.rank[lv] >= fw.rank[target])
            gaps = [max(fw.rank[target] - fw.rank[lv], 0) for lv in on_scale]
            shortfall = sum(gaps) / len(gaps) if gaps else None
        found.append(
            Distribution(
                domain=domain.id,
                counts={lv: tally.get(lv, 0) for lv in fw.level_ids},
                not_applicable=len(levels) - len(on_scale),
                at_target=at_target,
                assessed=len(on_scale),
                shortfall=shortfall,
            )
        )
    return found


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _headlines(
    fw: Framework, rows: Sequence[UnitRow], dist: Sequence[Distribution], period: str
) -> list[str]:
    name = {lv.id: lv.name for lv in fw.levels}
    assessed = [r for r in rows if not r.combined]
    lines = [f"{_plural(len(assessed), 'unit')} assessed for {period}."]
    top = [r for r in rows if r.depth == 0 and r.overall_level]
    if len(top) == 1:
        lines.append(
            f"{top[0].name} overall: {name[top[0].overall_level or '']}"
            + (f" ({top[0].overall_score:.2f})." if top[0].overall_score is not None else ".")
        )
    compared = [r for r in assessed if r.movement is not Movement.NEW]
    if compared:
        tally = Counter(r.movement for r in compared)
        lines.append(
            f"Since their previous assessment, {tally[Movement.IMPROVED]} improved, "
            f"{tally[Movement.STEADY]} held steady and {tally[Movement.DECLINED]} declined."
        )
    judged = [r for r in assessed if r.target_met is not None]
    if judged:
        met = sum(1 for r in judged if r.target_met)
        lines.append(f"{met} of {len(judged)} units meet the target profile in every domain.")
    furthest = _furthest(fw, dist)
    if furthest:
        lines.append(furthest)
    return lines


def _furthest(fw: Framework, dist: Sequence[Distribution]) -> str | None:
    """The domain(s) whose units are on average the most levels below target, as a sentence."""
    judged = [d for d in dist if d.shortfall is not None]
    if not judged:
        return None
    most = max(d.shortfall or 0.0 for d in judged)
    if most == 0:
        return "Every assessed unit is at its target level in every domain."
    # Rounded so that float noise never splits a tie.
    worst = [d for d in judged if round(d.shortfall or 0.0, 9) == round(most, 9)]
    names = {d.id: d.name for d in fw.domains}
    parts = [
        f"{names[d.domain]} ({d.at_target} of {_plural(d.assessed, 'unit')} at target)"
        for d in worst
    ]
    joined = parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + " and " + parts[-1]
    return (
        f"Furthest from target: {joined}, where units are on average {most:.1f} "
        f"level{'' if round(most, 1) == 1 else 's'} below it."
    )


def build_board(
    scores: Sequence[Score],
    frameworks: Sequence[Framework],
    period: str,
    targets: Mapping[str, str] | None = None,
    threshold: int = suppression.DEFAULT_THRESHOLD,
    organisation: str | None = None,
    reviews: Mapping[str, tuple[Sequence[ReviewStep], Sequence[ModerationRecord]]] | None = None,
    assessments: Sequence[Assessment] | None = None,
) -> BoardPack:
    """The board pack for `period` from one framework's current scores in every period.

    Scores for metric criteria must carry their criteria (`Store.scores(with_criteria=True)`).
    With `reviews` (unit -> its review steps and moderation records for `period`), each
    assessed unit shows its review status, and units not yet validated are marked.
    With `assessments` (the period's), units rated through the framework's lenses show
    their lens x domain levels.
    """
    if threshold < 1:
        raise MaturityError(f"the suppression threshold must be 1 or more, not {threshold}")
    if not any(s.period == period for s in scores):
        known = sorted({s.period for s in scores})
        raise MaturityError(
            f"no scores for {period}; periods with scores: {', '.join(known) or 'none'}"
        )
    wanted = [s for s in scores if s.period <= period]
    aligned, fw, warnings = align(wanted, frameworks)
    bench = benchmark(aligned, [fw], period=None, weighting=Weighting.RESPONDENTS, targets=targets)
    goals = bench.targets
    history: dict[str, list[Row]] = {}
    for row in sorted(bench.rows, key=lambda r: r.period):
        history.setdefault(row.unit, []).append(row)
    current = sorted(
        (r for r in bench.rows if r.period == period), key=lambda r: tuple(r.unit.split("/"))
    )
    rows = []
    for row in current:
        past = history[row.unit]
        i = past.index(row)
        rows.append(_unit_row(fw, row, past[i - 1] if i else None, goals))
    periods = sorted({r.period for r in bench.rows})
    trends = [
        TrendLine(
            unit=row.unit,
            name=row.name,
            combined=row.combined,
            points=[
                TrendPoint(period=h.period, score=h.overall.score, level=h.overall.level)
                for h in history[row.unit]
            ],
            direction=next(r.trend.direction for r in current if r.unit == row.unit),
        )
        for row in rows
        if not row.heading_only
    ]
    now = [s for s in wanted if s.period == period]
    notes, rows, review_warnings = _reviews(now, rows, reviews)
    dist = _distribution(fw, rows, goals)
    metrics, metric_rows = _metrics(fw, now, threshold)
    org = organisation or Counter(s.unit.split("/")[0] for s in now).most_common(1)[0][0]
    suppressed = any(c.shown.suppressed for r in metric_rows for c in r.cells) or any(
        m.summary.suppressed for m in metrics
    )
    return BoardPack(
        title=f"Equality maturity board pack {period}",
        organisation=org,
        framework=fw.ref,
        framework_name=fw.name,
        period=period,
        periods=periods,
        levels=[
            LevelInfo(id=lv.id, name=lv.name, rank=i, points=lv.points)
            for i, lv in enumerate(fw.levels)
        ],
        domains=[DomainInfo(id=d.id, name=d.name, target=goals.get(d.id)) for d in fw.domains],
        groups=[GroupInfo(id=g.id, name=g.name, domains=g.domains) for g in fw.groups],
        units=rows,
        trends=trends,
        distribution=dist,
        metrics=metrics,
        metric_rows=metric_rows,
        threshold=threshold,
        suppressed=suppressed,
        headlines=_headlines(fw, rows, dist, period),
        warnings=[*warnings, *bench.warnings, *review_warnings],
        reviews=notes,
        insight=insights(
            sorted(now, key=lambda s: tuple(s.unit.split("/"))),
            frameworks,
            {r.unit: r.label for r in rows},
            assessments,
            threshold,
        ),
        lens_names=fw.lens_names,
        lens_rule=fw.scoring.lens_rule.value,
    )


def _reviews(
    now: Sequence[Score],
    rows: list[UnitRow],
    reviews: Mapping[str, tuple[Sequence[ReviewStep], Sequence[ModerationRecord]]] | None,
) -> tuple[list[UnitReview], list[UnitRow], list[str]]:
    """Each assessed unit's review (when known), its rows marked, and what the board must know."""
    carried = {s.unit: s.carried_over for s in now}
    warnings: list[str] = []
    total = sum(carried.values())
    if total:
        warnings.append(
            f"{total} answer{'s' if total != 1 else ''} carried over, not yet reviewed "
            f"(in {sum(1 for n in carried.values() if n)} of {len(carried)} units)"
        )
    if reviews is None:
        return [], rows, warnings
    notes = {
        s.unit: unit_review(s.unit, _label(s.unit), *reviews.get(s.unit, ([], [])), carried[s.unit])
        for s in now
    }
    marked = [
        r.model_copy(
            update={"status": notes[r.unit].status.value, "validated": notes[r.unit].validated}
        )
        if r.unit in notes and not r.combined
        else r
        for r in rows
    ]
    waiting = [n for n in notes.values() if not n.validated]
    if waiting:
        warnings.append(
            f"{len(waiting)} of {len(notes)} units' scores are not yet validated (marked "
            "'not yet validated')"
        )
    return [notes[u] for u in sorted(notes, key=lambda u: tuple(u.split("/")))], marked, warnings
