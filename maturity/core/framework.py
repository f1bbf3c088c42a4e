"""The framework format: levels, domains, criteria, metrics and the scoring rule.

A framework is data. These models are the single description of its YAML format:
every field has a description (the generated reference in `frameworks/FORMAT.md`
and the JSON Schema come from here), unknown keys are refused, and the
cross-field rules below talk to the person editing the file.
"""

from __future__ import annotations

import itertools
from enum import StrEnum
from functools import cached_property
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from maturity.core.errors import Loc, Problem, ProblemsError

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64),
    Field(description="A short id: lowercase letters, digits and hyphens, e.g. `workforce`."),
]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
NOT_APPLICABLE = "not_applicable"


class Model(BaseModel):
    """Base for every file-backed model: strict about unknown keys and YAML's type coercions."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Rule(StrEnum):
    """How scores roll up: criteria into a domain, or domains into the overall result."""

    MEAN = "mean"
    WEIGHTED_MEAN = "weighted_mean"
    SUM = "sum"
    MINIMUM = "minimum"
    STAGED = "staged"


class MergeRule(StrEnum):
    """How several respondents' answers for one unit and period merge into one."""

    MEDIAN = "median"
    MEAN = "mean"
    MINIMUM = "minimum"
    MAXIMUM = "maximum"


class Unit(StrEnum):
    """What a metric counts."""

    PERCENT = "percent"
    COUNT = "count"
    RATIO = "ratio"


class Direction(StrEnum):
    """Which way a metric is better."""

    HIGHER = "higher"
    LOWER = "lower"


class Level(Model):
    """One step of the maturity scale."""

    id: Slug
    name: Text = Field(description="The level's name as users see it, e.g. `Established`.")
    description: Text = Field(description="What this level means across the whole framework.")
    points: float = Field(
        description="What the level is worth in scoring. Must rise from each level to the next.",
    )


class Band(Model):
    """A named rating band over the overall score, e.g. 0 to 7 is `Bronze`."""

    name: Text = Field(description="The rating's name, e.g. `Strong`.")
    min: float = Field(description="Lowest overall score in this band (inclusive).")
    max: float = Field(description="Highest overall score in this band (inclusive).")


class Scoring(Model):
    """The scoring rule, chosen from a closed set of named rules."""

    domain_rule: Rule = Field(
        default=Rule.WEIGHTED_MEAN,
        description=(
            "How criteria roll up into a domain: `mean`, `weighted_mean`, `sum`, `minimum`, or "
            "`staged` (a domain is at level N only when every criterion in it is at N or above)."
        ),
        strict=False,
    )
    overall_rule: Rule = Field(
        default=Rule.WEIGHTED_MEAN,
        description="How domains roll up into the overall result: the choices of `domain_rule`.",
        strict=False,
    )
    respondents_rule: MergeRule = Field(
        default=MergeRule.MEDIAN,
        description=(
            "How several respondents' answers for one unit and period merge into one: "
            "`median` (the lower middle answer), `mean` (rounded down), `minimum` or `maximum`."
        ),
        strict=False,
    )
    bands: list[Band] = Field(
        default_factory=list,
        description=(
            "Optional named rating bands over the overall score, lowest first. They must not "
            "overlap and must cover every overall score the framework can produce; a score that "
            "falls between two bands takes the lower one."
        ),
    )
    evidence_required_from: Slug | None = Field(
        default=None,
        description=(
            "Optional level id. A claimed level at or above it counts only when evidence is "
            "recorded; otherwise the claim is capped at the level just below."
        ),
    )
    default_target: Slug | None = Field(
        default=None,
        description="Optional level id: the target for plans and benchmarks when none is given.",
    )


class Metric(Model):
    """A quantitative measure whose value sets the criterion's level."""

    name: Text = Field(description="What is measured, e.g. `Multi-ethnic staff at grade 13+`.")
    unit: Unit = Field(description="`percent`, `count` or `ratio`.", strict=False)
    direction: Direction = Field(
        description="`higher` if a higher value is better, `lower` if lower is better.",
        strict=False,
    )
    target: float = Field(description="The value the organisation aims for.")
    counts_people: bool = Field(
        default=True,
        description=(
            "For a `count` metric: whether it counts people. Published outputs hide counts of "
            "people under the suppression threshold; set `false` for counts of other things."
        ),
    )
    thresholds: dict[Slug, float] = Field(
        description=(
            "The value at which each level is reached, keyed by level id, for every level except "
            "the lowest. With `direction: higher` they rise level by level; with `lower` they fall."
        ),
    )

    def level_for(self, value: float, level_ids: list[str]) -> str:
        """The highest level whose threshold `value` reaches (the lowest level otherwise)."""
        reached = level_ids[0]
        for level_id in level_ids[1:]:
            threshold = self.thresholds[level_id]
            ok = value >= threshold if self.direction is Direction.HIGHER else value <= threshold
            if not ok:
                break
            reached = level_id
        return reached

    def target_met(self, value: float) -> bool:
        """Whether a measured value meets the target."""
        if self.direction is Direction.HIGHER:
            return value >= self.target
        return value <= self.target


class Criterion(Model):
    """One thing a unit is assessed on, with a descriptor for every level."""

    id: Slug
    title: Text = Field(description="A short title, e.g. `Representative interview panels`.")
    description: Text = Field(description="What the criterion is about and why it matters.")
    weight: float = Field(default=1.0, description="Weight within its domain (> 0).")
    descriptors: dict[Slug, Text] = Field(
        description="For every level id, what a unit at that level can show.",
    )
    evidence: dict[Slug, Text] = Field(
        default_factory=dict,
        description=(
            "Evidence guidance per level id: what evidence shows the level. Every level except "
            "the lowest."
        ),
    )
    actions: dict[Slug, list[Text]] = Field(
        default_factory=dict,
        description=(
            "Suggested actions for moving up from each level, keyed by the level moved from. "
            "Every level except the highest."
        ),
    )
    maps_to: list[Text] = Field(
        default_factory=list,
        description="Optional references to other frameworks' items, e.g. a Race at Work pledge.",
    )
    keywords: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list,
        description=(
            "Optional words and phrases staff might use for this criterion, e.g. `promotion`. "
            "`maturity consult map` matches consultation responses on them as well as on the "
            "criterion's text."
        ),
        # Left out of dumps when empty, so frameworks without keywords keep the canonical
        # JSON (and the hash) the store recorded before this field existed.
        exclude_if=lambda keywords: not keywords,
    )
    metric: Metric | None = Field(
        default=None,
        description="Optional quantitative metric; when a value is recorded it sets the level.",
    )


class Domain(Model):
    """A group of criteria scored together, e.g. `workforce`."""

    id: Slug
    name: Text = Field(description="The domain's name as users see it.")
    description: Text = Field(description="What the domain covers.")
    weight: float = Field(default=1.0, description="Weight in the overall result (> 0).")
    target: Slug | None = Field(
        default=None,
        description="Optional target level id for this domain; overrides `scoring.default_target`.",
    )
    criteria: list[Criterion] = Field(min_length=1, description="The domain's criteria, in order.")


class Framework(Model):
    """A maturity framework: the scale, the domains and criteria, and how they are scored."""

    id: Slug
    name: Text = Field(description="The framework's full name.")
    version: Annotated[str, StringConstraints(min_length=1, max_length=32)] = Field(
        description='The framework\'s version, quoted, e.g. `"1.0"`.'
    )
    description: Text = Field(description="What the framework is for and who uses it.")
    publisher: Text | None = Field(default=None, description="Who publishes and maintains it.")
    source: Text | None = Field(default=None, description="What it was built from.")
    levels: list[Level] = Field(
        min_length=2, max_length=7, description="The ordered scale, lowest first: 2 to 7 levels."
    )
    scoring: Scoring = Field(default_factory=Scoring, description="The scoring rule.")
    domains: list[Domain] = Field(min_length=1, description="The domains, in order.")

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        allow_inf_nan=False,
        ignored_types=(cached_property,),
    )

    @model_validator(mode="after")
    def _cross_check(self) -> Framework:
        problems = cross_check(self)
        if problems:
            raise ProblemsError(problems)
        return self

    # Lookups used by the core. Derived, so they never disagree with the data.

    @cached_property
    def level_ids(self) -> list[str]:
        """Level ids, lowest first."""
        return [level.id for level in self.levels]

    @cached_property
    def rank(self) -> dict[str, int]:
        """Each level id's position on the scale, 0 for the lowest."""
        return {level.id: i for i, level in enumerate(self.levels)}

    @cached_property
    def criteria(self) -> dict[str, tuple[Domain, Criterion]]:
        """Every criterion by its qualified id `domain.criterion`, in framework order."""
        return {f"{d.id}.{c.id}": (d, c) for d in self.domains for c in d.criteria}

    @property
    def ref(self) -> str:
        """`id@version`, as assessments name it."""
        return f"{self.id}@{self.version}"

    def level(self, level_id: str) -> Level:
        """The level with this id."""
        return self.levels[self.rank[level_id]]

    def level_for_score(self, score: float) -> Level:
        """The highest level whose points the score reaches (the lowest level otherwise)."""
        found = self.levels[0]
        for level in self.levels:
            if score + 1e-9 >= level.points:
                found = level
        return found

    def band_for(self, score: float) -> str | None:
        """The rating band's name for an overall score, or None when the framework has none."""
        found: str | None = None
        for band in sorted(self.scoring.bands, key=lambda b: b.min):
            if score + 1e-9 >= band.min:
                found = band.name
        return found

    def target_for(self, domain_id: str) -> str | None:
        """The target level id for a domain: its own, else the framework's default."""
        for domain in self.domains:
            if domain.id == domain_id:
                return domain.target or self.scoring.default_target
        return self.scoring.default_target

    def score_range(self) -> tuple[float, float]:
        """The lowest and highest overall score the framework can produce."""
        lo, hi = self.levels[0].points, self.levels[-1].points
        domain_ranges = []
        for domain in self.domains:
            if self.scoring.domain_rule is Rule.SUM:
                n = len(domain.criteria)
                domain_ranges.append((min(lo, lo * n), hi * n))
            else:
                domain_ranges.append((lo, hi))
        if self.scoring.overall_rule is Rule.SUM:
            return (
                min(min(r[0] for r in domain_ranges), sum(r[0] for r in domain_ranges)),
                sum(r[1] for r in domain_ranges),
            )
        return min(r[0] for r in domain_ranges), max(r[1] for r in domain_ranges)


def _level_ref(known: list[str], value: str | None, loc: Loc, what: str) -> list[Problem]:
    if value is None or value in known:
        return []
    return [Problem(loc, f"{what} '{value}' is not a level id; use one of {', '.join(known)}")]


def _keys_cover(
    keys: list[str], wanted: list[str], loc: Loc, what: str, hint: str
) -> list[Problem]:
    problems = []
    unknown = [k for k in keys if k not in wanted]
    missing = [w for w in wanted if w not in keys]
    if unknown:
        problems.append(
            Problem(
                loc,
                f"{', '.join(unknown)} not a level here; {what} are keyed by {', '.join(wanted)}",
            )
        )
    if missing:
        problems.append(Problem(loc, f"missing {what} for {', '.join(missing)}; {hint}"))
    return problems


def cross_check(fw: Framework) -> list[Problem]:
    """Every rule that spans fields: ids, level coverage, ordering, weights and bands."""
    problems: list[Problem] = []
    ids = [level.id for level in fw.levels]

    seen: set[str] = set()
    for i, level in enumerate(fw.levels):
        if level.id in seen:
            problems.append(Problem(("levels", i, "id"), f"level id '{level.id}' is used twice"))
        seen.add(level.id)
        if i and level.points <= fw.levels[i - 1].points:
            problems.append(
                Problem(
                    ("levels", i, "points"),
                    f"points must rise from level to level; '{level.id}' has {level.points:g}, "
                    f"not more than '{fw.levels[i - 1].id}' ({fw.levels[i - 1].points:g})",
                )
            )

    s = fw.scoring
    problems += _level_ref(
        ids,
        s.evidence_required_from,
        ("scoring", "evidence_required_from"),
        "evidence_required_from",
    )
    problems += _level_ref(ids, s.default_target, ("scoring", "default_target"), "default_target")

    domain_ids: set[str] = set()
    criterion_ids: dict[str, str] = {}
    for di, domain in enumerate(fw.domains):
        dloc: Loc = ("domains", di)
        if domain.id in domain_ids:
            problems.append(Problem((*dloc, "id"), f"domain id '{domain.id}' is used twice"))
        domain_ids.add(domain.id)
        if domain.weight <= 0:
            problems.append(
                Problem((*dloc, "weight"), f"weight must be more than 0, not {domain.weight:g}")
            )
        problems += _level_ref(ids, domain.target, (*dloc, "target"), "target")
        for ci, crit in enumerate(domain.criteria):
            cloc: Loc = (*dloc, "criteria", ci)
            if crit.id in criterion_ids:
                problems.append(
                    Problem(
                        (*cloc, "id"),
                        f"criterion id '{crit.id}' is already used in domain "
                        f"'{criterion_ids[crit.id]}'; "
                        "criterion ids must be unique across the framework",
                    )
                )
            criterion_ids.setdefault(crit.id, domain.id)
            if crit.weight <= 0:
                problems.append(
                    Problem((*cloc, "weight"), f"weight must be more than 0, not {crit.weight:g}")
                )
            problems += _keys_cover(
                list(crit.descriptors),
                ids,
                (*cloc, "descriptors"),
                "descriptors",
                "every criterion describes every level",
            )
            problems += _keys_cover(
                list(crit.evidence),
                ids[1:],
                (*cloc, "evidence"),
                "evidence guidance",
                "say what evidence shows each level above the lowest",
            )
            problems += _keys_cover(
                list(crit.actions),
                ids[:-1],
                (*cloc, "actions"),
                "actions",
                "suggest how to move up from each level below the highest",
            )
            for level_id, actions in crit.actions.items():
                if not actions:
                    problems.append(
                        Problem((*cloc, "actions", level_id), "give at least one action")
                    )
            if crit.metric is not None:
                problems += _check_metric(crit.metric, ids, (*cloc, "metric"))

    problems += _check_bands(fw)
    return problems


def _check_metric(metric: Metric, ids: list[str], loc: Loc) -> list[Problem]:
    problems = _keys_cover(
        list(metric.thresholds),
        ids[1:],
        (*loc, "thresholds"),
        "thresholds",
        "give the value at which each level above the lowest is reached",
    )
    if problems:
        return problems
    values = [metric.thresholds[i] for i in ids[1:]]
    rising = metric.direction is Direction.HIGHER
    for a, b, level_id in zip(values, values[1:], ids[2:], strict=False):
        if (b <= a) if rising else (b >= a):
            order = "rise" if rising else "fall"
            problems.append(
                Problem(
                    (*loc, "thresholds", level_id),
                    f"with direction '{metric.direction.value}' thresholds must {order} "
                    "level by level; "
                    f"'{level_id}' is {b:g} after {a:g}",
                )
            )
    if metric.unit is Unit.PERCENT and not all(0 <= v <= 100 for v in [*values, metric.target]):
        problems.append(
            Problem(loc, "a percent metric's thresholds and target must be between 0 and 100")
        )
    return problems


def _check_bands(fw: Framework) -> list[Problem]:
    bands = fw.scoring.bands
    if not bands:
        return []
    problems: list[Problem] = []
    loc: Loc = ("scoring", "bands")
    names = [b.name for b in bands]
    for i, band in enumerate(bands):
        if band.max < band.min:
            problems.append(
                Problem(
                    (*loc, i), f"band '{band.name}' has max {band.max:g} below min {band.min:g}"
                )
            )
        if names.count(band.name) > 1 and names.index(band.name) != i:
            problems.append(Problem((*loc, i, "name"), f"band name '{band.name}' is used twice"))
    ordered = sorted(enumerate(bands), key=lambda p: p[1].min)
    for (_, a), (j, b) in itertools.pairwise(ordered):
        if b.min <= a.max:
            problems.append(
                Problem(
                    (*loc, j),
                    f"bands '{a.name}' ({a.min:g} to {a.max:g}) and '{b.name}' "
                    f"({b.min:g} to {b.max:g}) overlap; each score must fall in one band",
                )
            )
    lo, hi = fw.score_range()
    first, last = ordered[0][1], ordered[-1][1]
    if first.min > lo + 1e-9:
        problems.append(
            Problem(
                loc, f"bands start at {first.min:g} but the overall score can be as low as {lo:g}"
            )
        )
    if last.max < hi - 1e-9:
        problems.append(
            Problem(loc, f"bands end at {last.max:g} but the overall score can reach {hi:g}")
        )
    return problems
