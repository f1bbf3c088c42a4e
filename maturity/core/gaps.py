"""Gap analysis: where a unit is, where it should be, and what to close first.

Pure functions over pydantic models; no I/O. A target comes from, in order: the
criterion's own target, its domain's, one level for everything, and finally the
framework's default (`fw.target_for(domain_id)`).

Priority, highest first, is `steps x share x evidence`:
- `steps`: the levels to climb from the effective level to the target (a metric
  that misses its target while the level is reached counts as half a step);
- `share`: the criterion's share of the overall score, its weight within its
  domain times its domain's weight among domains;
- `evidence`: 1.5 when the claim lacked evidence (no evidence given, or the claim
  was capped for want of it), 1 otherwise.
Ties keep the framework's order.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from maturity.core.errors import Problem
from maturity.core.framework import NOT_APPLICABLE, Framework, Model, Unit
from maturity.core.scoring import Score

LevelId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
UNEVIDENCED_FACTOR = 1.5
METRIC_ONLY_STEPS = 0.5


class Targets(Model):
    """Target levels for a plan: one for everything, per domain, or per criterion."""

    level: LevelId | None = Field(
        default=None, description="One target level id for every domain, e.g. `established`."
    )
    domains: dict[str, LevelId] = Field(
        default_factory=dict,
        description="Target level id per domain id; overrides `level`.",
    )
    criteria: dict[str, LevelId] = Field(
        default_factory=dict,
        description="Target level id per criterion `domain.criterion`; overrides its domain's.",
    )

    def for_domain(self, fw: Framework, domain_id: str) -> str | None:
        """A domain's target: its own, else the one for all, else the framework's default."""
        return self.domains.get(domain_id) or self.level or fw.target_for(domain_id)

    def for_criterion(self, fw: Framework, ref: str) -> str | None:
        """A criterion's target: its own, else its domain's (see `for_domain`)."""
        return self.criteria.get(ref) or self.for_domain(fw, ref.split(".", 1)[0])


def check_targets(fw: Framework, targets: Targets) -> list[Problem]:
    """Targets that name no domain, criterion or level of the framework."""
    levels = ", ".join(fw.level_ids)
    problems: list[Problem] = []

    def level_problem(loc: tuple[str, ...], level: str) -> None:
        if level not in fw.rank:
            problems.append(
                Problem(loc, f"'{level}' is not a level of {fw.id}; use one of {levels}")
            )

    if targets.level is not None:
        level_problem(("level",), targets.level)
    domain_ids = [d.id for d in fw.domains]
    for domain_id, level in targets.domains.items():
        if domain_id not in domain_ids:
            problems.append(
                Problem(
                    ("domains", domain_id), f"no such domain; use one of {', '.join(domain_ids)}"
                )
            )
        level_problem(("domains", domain_id), level)
    for ref, level in targets.criteria.items():
        if ref not in fw.criteria:
            problems.append(
                Problem(("criteria", ref), "no such criterion; write it as domain.criterion")
            )
        level_problem(("criteria", ref), level)
    return problems


class MetricGap(BaseModel):
    """A measured value against the metric's target."""

    model_config = ConfigDict(frozen=True)

    name: str
    unit: Unit
    value: float | None = Field(description="The measured value; None when none was recorded.")
    target: float
    target_met: bool


class Gap(BaseModel):
    """One criterion below its target level, or missing its metric target."""

    model_config = ConfigDict(frozen=True)

    ref: str = Field(description="The criterion id, `domain.criterion`.")
    domain: str = Field(description="The domain id.")
    current: str = Field(description="The effective level id.")
    target: str = Field(description="The target level id.")
    steps: list[str] = Field(
        description="The level ids to move up from, lowest first: current up to below target."
    )
    weight: float = Field(description="The criterion's share of the overall score, 0 to 1.")
    lacks_evidence: bool = Field(description="Whether the claim had no evidence or was capped.")
    capped: bool = Field(description="Whether the claim was capped for want of evidence.")
    metric: MetricGap | None = Field(default=None, description="The metric against its target.")
    priority: float = Field(description="Higher closes first; see the module docstring.")
    position: int = Field(description="The criterion's place in the framework, from 0.")

    @property
    def size(self) -> int:
        """How many levels to climb."""
        return len(self.steps)


class DomainGap(BaseModel):
    """A domain's level against its target (for the summary and its chart)."""

    model_config = ConfigDict(frozen=True)

    domain: str
    level: str | None = Field(description="The domain's level; None when not applicable.")
    target: str | None
    size: int = Field(description="Levels below target; 0 when met or without a target.")

    @property
    def target_met(self) -> bool:
        return self.size == 0


def _shares(fw: Framework) -> dict[str, float]:
    total = sum(d.weight for d in fw.domains)
    shares: dict[str, float] = {}
    for domain in fw.domains:
        within = sum(c.weight for c in domain.criteria)
        for criterion in domain.criteria:
            ref = f"{domain.id}.{criterion.id}"
            shares[ref] = (domain.weight / total) * (criterion.weight / within)
    return shares


def find_gaps(fw: Framework, score: Score, targets: Targets | None = None) -> list[Gap]:
    """Every criterion below its target (or missing its metric target), highest priority first."""
    targets = targets or Targets()
    shares = _shares(fw)
    gaps: list[Gap] = []
    for position, result in enumerate(score.criteria):
        domain, criterion = fw.criteria[result.id]
        target = targets.for_criterion(fw, result.id)
        if target is None or result.level is None or result.level == NOT_APPLICABLE:
            continue
        here, there = fw.rank[result.level], fw.rank[target]
        steps = fw.level_ids[here:there] if there > here else []
        metric = None
        if criterion.metric is not None:
            m = criterion.metric
            met = result.value is not None and m.target_met(result.value)
            metric = MetricGap(
                name=m.name, unit=m.unit, value=result.value, target=m.target, target_met=met
            )
        metric_missed = metric is not None and metric.value is not None and not metric.target_met
        if not steps and not metric_missed:
            continue
        lacks_evidence = not result.has_evidence or result.capped
        climb = len(steps) if steps else METRIC_ONLY_STEPS
        factor = UNEVIDENCED_FACTOR if lacks_evidence else 1.0
        gaps.append(
            Gap(
                ref=result.id,
                domain=domain.id,
                current=result.level,
                target=target,
                steps=steps,
                weight=shares[result.id],
                lacks_evidence=lacks_evidence,
                capped=result.capped,
                metric=metric,
                # Rounded so that float noise never reorders equal priorities.
                priority=round(climb * shares[result.id] * factor, 9),
                position=position,
            )
        )
    return sorted(gaps, key=lambda g: (-g.priority, g.position))


def domain_gaps(fw: Framework, score: Score, targets: Targets | None = None) -> list[DomainGap]:
    """Every domain's level against its target, in framework order."""
    targets = targets or Targets()
    found: list[DomainGap] = []
    for result in score.domains:
        target = targets.for_domain(fw, result.id)
        size = 0
        if target is not None and result.level is not None:
            size = max(fw.rank[target] - fw.rank[result.level], 0)
        found.append(DomainGap(domain=result.id, level=result.level, target=target, size=size))
    return found
