"""The framework format: levels, domains, criteria, metrics and the scoring rule.

A framework is data. These models are the single description of its YAML format:
every field has a description (the generated reference in `frameworks/FORMAT.md`
and the JSON Schema come from here), unknown keys are refused, and the
cross-field rules below talk to the person editing the file.
"""

# Unlike the other modules, no `from __future__ import annotations`: the models here are
# built on every command's start, and pydantic would evaluate each annotation from a string
# (bench/bench_score.py measures the start-up).

import itertools
import re
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from maturity.core import limits
from maturity.core.errors import Loc, Problem, ProblemsError

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64),
    Field(description="A short id: lowercase letters, digits and hyphens, e.g. `workforce`."),
]
# Framework text is kept exactly as written (a stored framework is compared by content),
# but text of nothing but spaces is refused.
Text = Annotated[
    str, StringConstraints(min_length=1, max_length=limits.MAX_TEXT_CHARS, pattern=r"\S")
]
Number = Annotated[float, Field(ge=-limits.MAX_ABS_NUMBER, le=limits.MAX_ABS_NUMBER)]
"""A number in a file, bounded so that every sum and store column holds it."""
NOT_APPLICABLE = "not_applicable"


class Model(BaseModel):
    """Base for every file-backed model: strict about unknown keys and YAML's type coercions."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True
    )


# Default factories written in Python: pydantic inspects a factory's signature when it
# builds a model, and for the builtins `list` and `dict` that compiles the tokenizer's
# regular expressions (about 2% of `maturity score`'s start-up).
def new_list() -> list[Any]:
    """A new empty list, as a field's default."""
    return []


def new_dict() -> dict[Any, Any]:
    """A new empty dict, as a field's default."""
    return {}


def is_empty(value: object) -> bool:
    """Whether a value is empty (falsy): such optional fields are left out of dumps."""
    return not value


# Fields added after data was first stored are left out of dumps while empty
# (`exclude_if=is_empty`), so content stored before they existed dumps, and hashes, as it did.


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
    POINTS = "points"
    """Percentage points: a gap between two percentages (`5.5 points`, never `5.5%`)."""
    COUNT = "count"
    RATIO = "ratio"


class LensRule(StrEnum):
    """Whether ratings per lens (a protected characteristic, say) count in the score."""

    REPORT = "report"
    LOWEST = "lowest"


class LensKind(StrEnum):
    """A characteristic protected by the Equality Act 2010, or one the organisation adds."""

    PROTECTED = "protected"
    LOCAL = "local"


PROTECTED_CHARACTERISTICS: dict[str, str] = {
    "age": "Age",
    "disability": "Disability",
    "gender-reassignment": "Gender reassignment",
    "marriage-civil-partnership": "Marriage and civil partnership",
    "pregnancy-maternity": "Pregnancy and maternity",
    "race": "Race",
    "religion-belief": "Religion or belief",
    "sex": "Sex",
    "sexual-orientation": "Sexual orientation",
}
"""The nine characteristics protected by the Equality Act 2010 (section 4), by lens id."""


class Direction(StrEnum):
    """Which way a metric is better."""

    HIGHER = "higher"
    LOWER = "lower"


class Level(Model):
    """One step of the maturity scale."""

    id: Slug
    name: Text = Field(description="The level's name as users see it, e.g. `Established`.")
    description: Text = Field(description="What this level means across the whole framework.")
    points: Number = Field(
        description="What the level is worth in scoring. Must rise from each level to the next.",
    )


class Band(Model):
    """A named rating band over the overall score, e.g. 0 to 7 is `Bronze`."""

    name: Text = Field(description="The rating's name, e.g. `Strong`.")
    min: Number = Field(description="Lowest overall score in this band (inclusive).")
    max: Number | None = Field(
        default=None,
        description=(
            "Highest overall score in this band (inclusive). Leave out to let the band run up "
            "to the next band's `min` (not included), or to the top score for the last band, "
            "as published banding tables read (`Developing` from 8, `Achieving` from 22)."
        ),
    )


class Lens(Model):
    """A characteristic through which criteria may be rated separately, e.g. `race`."""

    id: Slug
    name: Text = Field(description="The lens's name as users see it, e.g. `Race`.")
    kind: LensKind = Field(
        default=LensKind.PROTECTED,
        strict=False,
        description=(
            "`protected` for a characteristic protected by the Equality Act 2010 (the id is then "
            "one of age, disability, gender-reassignment, marriage-civil-partnership, "
            "pregnancy-maternity, race, religion-belief, sex, sexual-orientation); `local` for one "
            "the organisation adds, such as care experience or socio-economic status."
        ),
    )
    description: Text | None = Field(default=None, description="What the lens asks a unit to show.")


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
        default_factory=new_list,
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
    lens_rule: LensRule = Field(
        default=LensRule.REPORT,
        strict=False,
        exclude_if=lambda rule: rule is LensRule.REPORT,
        description=(
            "Whether ratings per lens count: `report` (the default: they are reported, never "
            "scored) or `lowest` (a criterion counts at no more than its lowest lens rating)."
        ),
    )
    group_rule: Rule = Field(
        default=Rule.WEIGHTED_MEAN,
        description=(
            "With `groups`: how domains roll up into a group (the choices of `domain_rule`); "
            "the groups then roll up into the overall result by `overall_rule`."
        ),
        strict=False,
        # Keys added after frameworks were first stored are left out of a dump at their
        # default, so the stored definitions (and content hashes) of existing ones stay.
        exclude_if=lambda rule: rule is Rule.WEIGHTED_MEAN,
    )


class Metric(Model):
    """A quantitative measure whose value sets the criterion's level."""

    name: Text = Field(description="What is measured, e.g. `Multi-ethnic staff at grade 13+`.")
    unit: Unit = Field(
        description="`percent`, `points` (percentage points, for a gap), `count` or `ratio`.",
        strict=False,
    )
    direction: Direction = Field(
        description="`higher` if a higher value is better, `lower` if lower is better.",
        strict=False,
    )
    target: Number = Field(description="The value the organisation aims for.")
    counts_people: bool = Field(
        default=True,
        description=(
            "For a `count` metric: whether it counts people. Published outputs hide counts of "
            "people under the suppression threshold; set `false` for counts of other things."
        ),
    )
    thresholds: dict[Slug, Number] = Field(
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
    weight: Number = Field(default=1.0, description="Weight within its domain (> 0).")
    descriptors: dict[Slug, Text] = Field(
        description="For every level id, what a unit at that level can show.",
    )
    evidence: dict[Slug, Text] = Field(
        default_factory=new_dict,
        description=(
            "Optional evidence guidance per level id: what evidence shows the level, for levels "
            "above the lowest. `maturity framework validate` warns about levels left out."
        ),
    )
    actions: dict[Slug, list[Text]] = Field(
        default_factory=new_dict,
        description=(
            "Optional suggested actions for moving up from each level, keyed by the level moved "
            "from (any level but the highest). Where none is given a plan says the framework "
            "suggests none; `maturity framework validate` warns about levels left out."
        ),
    )
    maps_to: list[Text] = Field(
        default_factory=new_list,
        description=(
            "Optional references to other schemes' items. A reference set's item is cited as "
            "`race-at-work-charter/pledge-2` or in words as the set is cited (`Race at Work "
            "Charter pledge 2: ...`) and must exist; other text is kept as it is."
        ),
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
    effort: dict[Slug, float] = Field(
        default_factory=new_dict,
        exclude_if=is_empty,
        description=(
            "Optional estimated effort of moving up from each level, keyed by the level moved "
            "from (any unit, e.g. officer-days; more than 0). The path to a band "
            "(`maturity plan --to-band`) takes the least total effort; a level left out costs 1."
        ),
    )


class Domain(Model):
    """A group of criteria scored together, e.g. `workforce`."""

    id: Slug
    name: Text = Field(description="The domain's name as users see it.")
    description: Text = Field(description="What the domain covers.")
    weight: Number = Field(default=1.0, description="Weight in the overall result (> 0).")
    target: Slug | None = Field(
        default=None,
        description="Optional target level id for this domain; overrides `scoring.default_target`.",
    )
    criteria: list[Criterion] = Field(min_length=1, description="The domain's criteria, in order.")


class Group(Model):
    """A group of domains scored together: a third tier, such as OWASP SAMM's business functions."""

    id: Slug
    name: Text = Field(description="The group's name as users see it.")
    description: Text = Field(description="What the group covers.")
    weight: float = Field(default=1.0, description="Weight in the overall result (> 0).")
    domains: list[Slug] = Field(
        min_length=1, description="The ids of the domains in this group, in order."
    )


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
    lenses: list[Lens] = Field(
        default_factory=new_list,
        exclude_if=is_empty,
        description=(
            "Optional lenses: characteristics through which an assessment may rate criteria "
            "separately (`responses.<criterion>.lenses`), e.g. the Equality Act's protected "
            "characteristics or local ones such as care experience."
        ),
    )
    groups: list[Group] = Field(
        default_factory=new_list,
        description=(
            "Optional groups of domains, for schemes with three tiers (business function > "
            "practice > stream). Every domain is then in exactly one group; domains roll up "
            "into groups by `scoring.group_rule`, and groups into the overall result."
        ),
        exclude_if=is_empty,
    )

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        allow_inf_nan=False,
        ignored_types=(cached_property,),
    )

    @model_validator(mode="after")
    def _cross_check(self) -> "Framework":
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

    @cached_property
    def lens_names(self) -> dict[str, str]:
        """Each lens's name by its id, in framework order."""
        return {lens.id: lens.name for lens in self.lenses}

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

    def band_text(self, band: Band) -> str:
        """The scores a band covers, in words: `8 to 21`, `8 to under 22`, `33 upwards`."""
        if band.max is not None:
            return f"{band.min:g} to {band.max:g}"
        above = [b.min for b in self.scoring.bands if b.min > band.min]
        return f"{band.min:g} to under {min(above):g}" if above else f"{band.min:g} upwards"

    def target_for(self, domain_id: str) -> str | None:
        """The target level id for a domain: its own, else the framework's default."""
        for domain in self.domains:
            if domain.id == domain_id:
                return domain.target or self.scoring.default_target
        return self.scoring.default_target

    def group_of(self, domain_id: str) -> Group | None:
        """The group a domain belongs to, if the framework has groups."""
        return next((g for g in self.groups if domain_id in g.domains), None)

    def score_range(self) -> tuple[float, float]:
        """The lowest and highest overall score the framework can produce."""
        lo, hi = self.levels[0].points, self.levels[-1].points
        s = self.scoring
        domains = {d.id: _range(s.domain_rule, [(lo, hi)] * len(d.criteria)) for d in self.domains}
        if not self.groups:
            return _range(s.overall_rule, list(domains.values()))
        groups = [
            _range(s.group_rule, [domains[d] for d in g.domains if d in domains])
            for g in self.groups
        ]
        return _range(s.overall_rule, groups)


def _range(rule: Rule, parts: list[tuple[float, float]]) -> tuple[float, float]:
    """The lowest and highest score `rule` can make of parts with these ranges."""
    if not parts:
        return 0.0, 0.0
    if rule is Rule.SUM:
        return min(min(p[0] for p in parts), sum(p[0] for p in parts)), sum(p[1] for p in parts)
    return min(p[0] for p in parts), max(p[1] for p in parts)


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


def _unknown_keys(keys: list[str], wanted: list[str], loc: Loc, what: str) -> list[Problem]:
    unknown = [k for k in keys if k not in wanted]
    if not unknown:
        return []
    return [
        Problem(
            loc, f"{', '.join(unknown)} not a level here; {what} are keyed by {', '.join(wanted)}"
        )
    ]


def guidance_warnings(fw: Framework) -> list[Problem]:
    """What a framework leaves out of its optional guidance: evidence and suggested actions.

    Published schemes often give neither, so these are warnings, not errors: a plan says
    when the framework suggests no action rather than inventing one.
    """
    warnings: list[Problem] = []
    ids = fw.level_ids
    for di, domain in enumerate(fw.domains):
        for ci, crit in enumerate(domain.criteria):
            loc: Loc = ("domains", di, "criteria", ci)
            no_evidence = [i for i in ids[1:] if i not in crit.evidence]
            no_actions = [i for i in ids[:-1] if i not in crit.actions]
            if no_evidence:
                warnings.append(
                    Problem(
                        (*loc, "evidence"),
                        f"no evidence guidance for {', '.join(no_evidence)}; say what evidence "
                        "shows each level above the lowest",
                    )
                )
            if no_actions:
                warnings.append(
                    Problem(
                        (*loc, "actions"),
                        f"no suggested actions from {', '.join(no_actions)}; plans will say "
                        "the framework suggests none",
                    )
                )
    return warnings


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
            problems += _unknown_keys(list(crit.evidence), ids[1:], (*cloc, "evidence"), "evidence")
            problems += _unknown_keys(list(crit.actions), ids[:-1], (*cloc, "actions"), "actions")
            for level_id, actions in crit.actions.items():
                if not actions:
                    problems.append(
                        Problem((*cloc, "actions", level_id), "give at least one action")
                    )
            if crit.metric is not None:
                problems += _check_metric(crit.metric, ids, (*cloc, "metric"))
            for level_id, effort in crit.effort.items():
                if level_id not in ids[:-1]:
                    problems.append(
                        Problem(
                            (*cloc, "effort", level_id),
                            f"'{level_id}' is not a level to move up from; effort is keyed by "
                            f"{', '.join(ids[:-1])}",
                        )
                    )
                elif effort <= 0:
                    problems.append(
                        Problem(
                            (*cloc, "effort", level_id),
                            f"effort must be more than 0, not {effort:g}",
                        )
                    )

    problems += _check_groups(fw)
    problems += _check_bands(fw)
    problems += _check_lenses(fw)
    return problems


def _check_lenses(fw: Framework) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, lens in enumerate(fw.lenses):
        if lens.id in seen:
            problems.append(Problem(("lenses", i, "id"), f"lens id '{lens.id}' is used twice"))
        seen.add(lens.id)
        if lens.kind is LensKind.PROTECTED and lens.id not in PROTECTED_CHARACTERISTICS:
            problems.append(
                Problem(
                    ("lenses", i, "id"),
                    f"'{lens.id}' is not a characteristic protected by the Equality Act 2010 "
                    f"({', '.join(PROTECTED_CHARACTERISTICS)}); for a local one add `kind: local`",
                )
            )
    if fw.scoring.lens_rule is LensRule.LOWEST and not fw.lenses:
        problems.append(
            Problem(
                ("scoring", "lens_rule"),
                "lens_rule 'lowest' needs lenses to rate; declare them under `lenses`",
            )
        )
    return problems


def _check_groups(fw: Framework) -> list[Problem]:
    if not fw.groups:
        return []
    problems: list[Problem] = []
    known = [d.id for d in fw.domains]
    placed: dict[str, str] = {}
    seen: set[str] = set()
    for gi, group in enumerate(fw.groups):
        loc: Loc = ("groups", gi)
        if group.id in seen:
            problems.append(Problem((*loc, "id"), f"group id '{group.id}' is used twice"))
        seen.add(group.id)
        if group.weight <= 0:
            problems.append(
                Problem((*loc, "weight"), f"weight must be more than 0, not {group.weight:g}")
            )
        for k, domain_id in enumerate(group.domains):
            if domain_id not in known:
                problems.append(
                    Problem(
                        (*loc, "domains", k),
                        f"no domain '{domain_id}'; the domains are {', '.join(known)}",
                    )
                )
            elif domain_id in placed:
                problems.append(
                    Problem(
                        (*loc, "domains", k),
                        f"domain '{domain_id}' is already in group '{placed[domain_id]}'; "
                        "each domain is in one group",
                    )
                )
            else:
                placed[domain_id] = group.id
    left = [d for d in known if d not in placed]
    if left:
        problems.append(
            Problem(("groups",), f"domains in no group: {', '.join(left)}; put each in one group")
        )
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
    if metric.unit is Unit.POINTS and not all(-100 <= v <= 100 for v in [*values, metric.target]):
        problems.append(
            Problem(loc, "a points metric's thresholds and target must be between -100 and 100")
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
        if band.max is not None and band.max < band.min:
            problems.append(
                Problem(
                    (*loc, i), f"band '{band.name}' has max {band.max:g} below min {band.min:g}"
                )
            )
        if names.count(band.name) > 1 and names.index(band.name) != i:
            problems.append(Problem((*loc, i, "name"), f"band name '{band.name}' is used twice"))
    ordered = sorted(enumerate(bands), key=lambda p: p[1].min)
    for (_, a), (j, b) in itertools.pairwise(ordered):
        if b.min == a.min or (a.max is not None and b.min <= a.max):
            problems.append(
                Problem(
                    (*loc, j),
                    f"bands '{a.name}' ({fw.band_text(a)}) and '{b.name}' "
                    f"({fw.band_text(b)}) overlap; each score must fall in one band "
                    "(leave out `max` to run a band up to the next one's start)",
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
    if last.max is not None and last.max < hi - 1e-9:
        problems.append(
            Problem(loc, f"bands end at {last.max:g} but the overall score can reach {hi:g}")
        )
    return problems


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Order versions naturally: 1.9 before 1.10."""
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"[.\-]", version))
