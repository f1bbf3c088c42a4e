"""The scoring engine: criterion, then domain, then overall, as the framework declares.

Pure functions from the framework and assessment models to plain, immutable results;
no I/O. The same inputs always give the same result. A claim without evidence does not
count as proof (the evidence rule caps it), and leaving a criterion out never raises a
score: an unanswered criterion counts at the lowest level and shows as incompleteness.
"""

# Unlike most modules, no `from __future__ import annotations`: NamedTuple would make a
# ForwardRef of, and compile, each annotation string on every command's start
# (bench/bench_score.py measures the start-up).

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

from maturity.core.assessment import Assessment, Moderation, Response
from maturity.core.errors import MaturityError
from maturity.core.framework import (
    NOT_APPLICABLE,
    Framework,
    LensRule,
    MergeRule,
    Rule,
)

# The results are NamedTuples: immutable, typed records that cost next to nothing to
# define. A pydantic model or a dataclass per result costs more at every command's start
# (a dataclass compiles its methods when defined), and results need no validation: the
# engine builds them from checked inputs. `Score.as_dict` and `Score.from_dict` carry them
# to and from JSON.


class CriterionScore(NamedTuple):
    """One criterion's outcome: the claim, what counted, and why."""

    id: str
    """`domain.criterion`."""
    answered: bool
    """Whether the team gave a level or a value."""
    claimed: str | None
    """The level the team claimed (merged across respondents)."""
    # The fields keep the order of the JSON that stores and outputs already hold; so
    # `level` and `score`, always given, take a default as the fields before them do.
    moderated: str | None = None
    """The moderator's level, if any."""
    metric_level: str | None = None
    """The level the measured value reaches."""
    level: str | None = None
    """The effective level after evidence, moderation and metric; `not_applicable` when
    excluded; the lowest level when unanswered."""
    score: float | None = None
    """Points of the effective level; None when not applicable."""
    capped: bool = False
    """Whether the claim was capped for want of evidence."""
    has_evidence: bool = False
    """Whether any evidence was recorded."""
    value: float | None = None
    """The measured value, for metric criteria."""
    target_met: bool | None = None
    """Whether the value meets the metric target."""
    spread: int = 0
    """How many levels apart the respondents' claims are."""
    carried_over: bool = False
    """Whether the answer was carried over and not yet reviewed."""
    out_of_scope: str | None = None
    """Why the criterion is out of scope for the unit; it then counts as `not_applicable`."""


class DomainScore(NamedTuple):
    """One domain's outcome."""

    id: str
    score: float | None
    """The domain score; None when every criterion is not applicable."""
    level: str | None
    """The domain's level; None when not applicable."""
    completeness: float
    """Share of applicable criteria answered, 0 to 1."""
    answered: int
    """Applicable criteria answered."""
    applicable: int
    """Criteria not marked not applicable."""
    target: str | None = None
    """The domain's target level, if any."""
    target_met: bool | None = None
    """Whether the domain's level reaches its target; None without one."""


class GroupScore(NamedTuple):
    """One group's outcome, for frameworks with groups of domains."""

    id: str
    score: float | None
    """The group score; None when nothing in it applies."""
    level: str | None
    """The group's level; None when nothing in it applies."""
    completeness: float
    """Share of applicable criteria answered, 0 to 1."""


class OverallScore(NamedTuple):
    score: float | None
    level: str | None
    rating: str | None
    """The rating band's name, if the framework has bands."""
    completeness: float


class FrameworkRef(NamedTuple):
    id: str
    version: str


class Score(NamedTuple):
    """The scored result of one assessment (or several respondents merged)."""

    framework: FrameworkRef
    unit: str
    period: str
    respondents: int
    overall: OverallScore
    domains: list[DomainScore]
    criteria: list[CriterionScore]
    groups: list[GroupScore]
    """Groups of domains, when the framework has them (else empty)."""

    def domain(self, domain_id: str) -> DomainScore:
        return next(d for d in self.domains if d.id == domain_id)

    def criterion(self, ref: str) -> CriterionScore:
        return next(c for c in self.criteria if c.id == ref)

    @property
    def carried_over(self) -> int:
        """Answers carried over from the last period and not yet reviewed."""
        return sum(c.carried_over for c in self.criteria)

    def as_dict(self) -> dict[str, Any]:
        """The result as plain data (dicts and lists), for JSON; `from_dict` reads it back."""
        data = self._asdict()
        data["framework"] = self.framework._asdict()
        data["overall"] = self.overall._asdict()
        data["domains"] = [d._asdict() for d in self.domains]
        data["criteria"] = [c._asdict() for c in self.criteria]
        data["groups"] = [g._asdict() for g in self.groups]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Score":
        """A result from `as_dict`'s data, such as the store keeps.

        Data written by an earlier version reads too: a key it lacks takes its default,
        and a key since dropped is ignored.
        """
        return cls(
            framework=_record(FrameworkRef, data["framework"]),
            unit=data["unit"],
            period=data["period"],
            respondents=data["respondents"],
            overall=_record(OverallScore, data["overall"]),
            domains=[_record(DomainScore, d) for d in data["domains"]],
            criteria=[_record(CriterionScore, c) for c in data["criteria"]],
            groups=[_record(GroupScore, g) for g in data.get("groups", ())],
        )


_R = TypeVar("_R", FrameworkRef, OverallScore, DomainScore, CriterionScore, GroupScore)


def _record(kind: type[_R], data: Mapping[str, Any]) -> _R:
    if tuple(data) == kind._fields:  # as this version writes it: quick, by position
        return kind(*data.values())
    return kind(**{key: value for key, value in data.items() if key in kind._fields})


class _Part(NamedTuple):
    """One input to a roll-up: a criterion within a domain, or a domain within the whole."""

    score: float
    weight: float
    rank: int
    criteria: (
        float  # criteria summed into `score` (1 unless it is a `sum`), to read it per criterion
    )


def _combine(rule: Rule, values: Sequence[float], weights: Sequence[float]) -> float:
    if rule is Rule.MEAN:
        return sum(values) / len(values)
    if rule is Rule.WEIGHTED_MEAN:
        return sum(v * w for v, w in zip(values, weights, strict=True)) / sum(weights)
    if rule is Rule.SUM:
        return sum(values)
    return min(values)


def _roll_up(fw: Framework, rule: Rule, parts: Sequence[_Part]) -> tuple[float, int] | None:
    """Combine parts by `rule` into (score, level rank); None when there is nothing to combine.

    The score is the rule applied to the parts' scores. The level is read from the same
    rule applied per criterion, so a total of points is never compared with one level's
    points (a `sum` reads its total per criterion; a mean of sums reads each sum so).
    """
    if not parts:
        return None
    if rule is Rule.STAGED:
        rank = min(p.rank for p in parts)
        return fw.levels[rank].points, rank
    weights = [p.weight for p in parts]
    score = _combine(rule, [p.score for p in parts], weights)
    if rule is Rule.SUM:
        per_criterion = score / sum(p.criteria for p in parts)
    else:
        per_criterion = _combine(rule, [p.score / p.criteria for p in parts], weights)
    return score, fw.rank[fw.level_for_score(per_criterion).id]


def effective_level(fw: Framework, ref: str, response: Response | None) -> CriterionScore:
    """Score one criterion: moderation first, then the metric value, then the (capped) claim."""
    _, criterion = fw.criteria[ref]
    lowest = fw.level_ids[0]
    if response is None or (not response.answered and response.moderated is None):
        return CriterionScore(
            id=ref, answered=False, claimed=None, level=lowest, score=fw.levels[0].points
        )
    claimed = response.level
    has_evidence = bool(response.evidence)
    capped = False
    metric_level = None
    target_met = None
    if criterion.metric is not None and response.value is not None:
        metric_level = criterion.metric.level_for(response.value, fw.level_ids)
        target_met = criterion.metric.target_met(response.value)

    if response.moderated is not None:
        level = response.moderated.level
    elif metric_level is not None:
        level = metric_level
    elif claimed is None:
        level = lowest
    else:
        level = claimed
        threshold = fw.scoring.evidence_required_from
        if (
            threshold is not None
            and claimed != NOT_APPLICABLE
            and not has_evidence
            and fw.rank[claimed] >= fw.rank[threshold]
        ):
            level = fw.level_ids[max(fw.rank[threshold] - 1, 0)]
            capped = level != claimed  # an evidence rule from the lowest level caps nothing
    if fw.scoring.lens_rule is LensRule.LOWEST and level != NOT_APPLICABLE:
        # The framework says a criterion is only as mature as it is for its least-served group.
        rated = [fw.rank[v] for v in response.lenses.values() if v != NOT_APPLICABLE]
        if rated and min(rated) < fw.rank[level]:
            level = fw.level_ids[min(rated)]
    score = None if level == NOT_APPLICABLE else fw.level(level).points
    return CriterionScore(
        id=ref,
        answered=True,
        claimed=claimed,
        moderated=response.moderated.level if response.moderated else None,
        metric_level=metric_level,
        level=level,
        score=score,
        capped=capped,
        has_evidence=has_evidence,
        value=response.value,
        target_met=target_met,
        carried_over=response.carried_over,
    )


def score(fw: Framework, assessment: Assessment, spreads: dict[str, int] | None = None) -> Score:
    """Score an assessment exactly as the framework's `scoring` declares.

    The assessment must already be checked against the framework
    (`assessment.check_against`); unknown criteria here are a programming error.
    """
    spreads = spreads or {}
    criteria: list[CriterionScore] = []
    for ref in fw.criteria:
        reason = assessment.scope_reason(ref)
        if reason is not None:
            result = CriterionScore(
                id=ref,
                answered=False,
                claimed=None,
                level=NOT_APPLICABLE,
                score=None,
                out_of_scope=reason,
            )
        else:
            result = effective_level(fw, ref, assessment.responses.get(ref))
        if ref in spreads:
            result = result._replace(spread=spreads[ref])
        criteria.append(result)
    return roll_up(fw, assessment.unit, assessment.period, assessment.respondents, criteria)


def roll_up(
    fw: Framework, unit: str, period: str, respondents: int, criteria: list[CriterionScore]
) -> Score:
    """Roll criterion results (every criterion, in framework order) up into domains,
    groups and the whole, by the framework's rules."""
    domains: list[DomainScore] = []
    domain_parts: dict[str, _Part] = {}
    tallies: dict[str, tuple[int, int]] = {}
    total_answered = total_applicable = 0
    start = 0
    for domain in fw.domains:
        parts: list[_Part] = []
        answered = applicable = 0
        inside = criteria[start : start + len(domain.criteria)]
        start += len(domain.criteria)
        for criterion, result in zip(domain.criteria, inside, strict=True):
            if result.score is None or result.level is None:
                continue
            applicable += 1
            answered += result.answered
            parts.append(_Part(result.score, criterion.weight, fw.rank[result.level], 1))
        rolled = _roll_up(fw, fw.scoring.domain_rule, parts)
        target = fw.target_for(domain.id)
        total_answered += answered
        total_applicable += applicable
        domains.append(
            DomainScore(
                id=domain.id,
                score=None if rolled is None else rolled[0],
                level=None if rolled is None else fw.level_ids[rolled[1]],
                completeness=answered / applicable if applicable else 1.0,
                answered=answered,
                applicable=applicable,
                target=target,
                target_met=None
                if rolled is None or target is None
                else rolled[1] >= fw.rank[target],
            )
        )
        tallies[domain.id] = (answered, applicable)
        if rolled is not None:
            summed = len(parts) if fw.scoring.domain_rule is Rule.SUM else 1
            domain_parts[domain.id] = _Part(rolled[0], domain.weight, rolled[1], summed)
    groups, top_parts = _groups(fw, domain_parts, tallies)
    overall = _roll_up(fw, fw.scoring.overall_rule, top_parts)
    return Score(
        framework=FrameworkRef(id=fw.id, version=fw.version),
        unit=unit,
        period=period,
        respondents=respondents,
        overall=OverallScore(
            score=None if overall is None else overall[0],
            level=None if overall is None else fw.level_ids[overall[1]],
            rating=None if overall is None else fw.band_for(overall[0]),
            completeness=total_answered / total_applicable if total_applicable else 1.0,
        ),
        domains=domains,
        criteria=criteria,
        groups=groups,
    )


def _groups(
    fw: Framework, domain_parts: dict[str, _Part], tallies: dict[str, tuple[int, int]]
) -> tuple[list[GroupScore], list[_Part]]:
    """Group scores, and the parts the overall result rolls up: groups, or else domains."""
    if not fw.groups:
        return [], list(domain_parts.values())
    rule = fw.scoring.group_rule
    scores: list[GroupScore] = []
    parts: list[_Part] = []
    for group in fw.groups:
        inner = [domain_parts[d] for d in group.domains if d in domain_parts]
        rolled = _roll_up(fw, rule, inner)
        answered = sum(tallies[d][0] for d in group.domains)
        applicable = sum(tallies[d][1] for d in group.domains)
        scores.append(
            GroupScore(
                id=group.id,
                score=None if rolled is None else rolled[0],
                level=None if rolled is None else fw.level_ids[rolled[1]],
                completeness=answered / applicable if applicable else 1.0,
            )
        )
        if rolled is not None:
            counts = [p.criteria for p in inner]
            # A group's score read per criterion: a sum of the domains' criteria, or the
            # domains' average size for the averaging rules.
            count = sum(counts) if rule is Rule.SUM else sum(counts) / len(counts)
            parts.append(_Part(rolled[0], group.weight, rolled[1], count))
    return scores, parts


def merge_ranks(rule: MergeRule, ranks: list[int]) -> int:
    """One rank from several respondents' ranks, by the framework's respondents rule."""
    ranks = sorted(ranks)
    if rule is MergeRule.MEDIAN:
        return ranks[(len(ranks) - 1) // 2]
    if rule is MergeRule.MEAN:
        return sum(ranks) // len(ranks)
    if rule is MergeRule.MINIMUM:
        return ranks[0]
    return ranks[-1]


def _merge_values(rule: MergeRule, values: list[float]) -> float:
    values = sorted(values)
    if rule is MergeRule.MEDIAN:
        mid = len(values) // 2
        return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    if rule is MergeRule.MEAN:
        return sum(values) / len(values)
    return values[0] if rule is MergeRule.MINIMUM else values[-1]


def _most_common(items: Iterable[str | None]) -> str | None:
    counts = Counter(i for i in items if i is not None)
    if not counts:
        return None
    return min(counts, key=lambda k: (-counts[k], k))


def _merge_lenses(fw: Framework, rule: MergeRule, given: list[Response]) -> dict[str, str]:
    """Lens ratings merged lens by lens, by the same rule as the claims."""
    merged: dict[str, str] = {}
    for lens_id in fw.lens_names:
        rated = [r.lenses[lens_id] for r in given if lens_id in r.lenses]
        on_scale = [fw.rank[v] for v in rated if v != NOT_APPLICABLE]
        if on_scale:
            merged[lens_id] = fw.level_ids[merge_ranks(rule, on_scale)]
        elif rated:
            merged[lens_id] = NOT_APPLICABLE
    return merged


def merge(fw: Framework, assessments: Sequence[Assessment]) -> tuple[Assessment, dict[str, int]]:
    """Merge several respondents' assessments of one unit and period into one.

    Levels merge by the framework's `respondents_rule` (median by default); the
    spread per criterion (in levels) shows where a team disagrees with itself.
    The result does not depend on the order of the respondents.
    """
    if not assessments:
        raise MaturityError("nothing to merge")
    first = assessments[0]
    for other in assessments[1:]:
        if (other.unit, other.period, other.framework_id) != (
            first.unit,
            first.period,
            first.framework_id,
        ):
            raise MaturityError(
                f"cannot merge '{other.unit}' {other.period} with '{first.unit}' {first.period}: "
                "respondents must share the unit, period and framework"
            )
    if len(assessments) == 1:
        return first, {}
    rule = fw.scoring.respondents_rule
    responses: dict[str, Response] = {}
    spreads: dict[str, int] = {}
    for ref in fw.criteria:
        given = [a.responses[ref] for a in assessments if ref in a.responses]
        if not given:
            continue
        claims = [r.level for r in given if r.level is not None]
        on_scale = [fw.rank[c] for c in claims if c != NOT_APPLICABLE]
        level: str | None
        if on_scale:
            level = fw.level_ids[merge_ranks(rule, on_scale)]
            spreads[ref] = max(on_scale) - min(on_scale)
        else:
            level = NOT_APPLICABLE if claims else None
        values = [r.value for r in given if r.value is not None]
        moderations = sorted(
            {m.model_dump_json(): m for r in given if (m := r.moderated) is not None}.items()
        )
        responses[ref] = Response(
            level=level,
            value=_merge_values(rule, values) if values else None,
            evidence=sorted({e for r in given for e in r.evidence}),
            notes="\n".join(sorted({r.notes for r in given if r.notes})) or None,
            owner=_most_common(r.owner for r in given),
            service_area=_most_common(r.service_area for r in given),
            actions=sorted({a for r in given for a in r.actions}),
            moderated=Moderation.model_validate(moderations[0][1]) if moderations else None,
            lenses=_merge_lenses(fw, rule, given),
            # Not yet reviewed by one respondent is not yet reviewed.
            carried_over=any(r.carried_over for r in given),
        )
    merged = first.model_copy(
        update={
            "responses": responses,
            "respondents": sum(a.respondents for a in assessments),
            "respondent": None,
            "group": None,
            # Out of scope for any respondent is out of scope for the unit; of differing
            # reasons the first in order is kept, whatever the respondents' order.
            "out_of_scope": {
                key: min(a.out_of_scope[key] for a in assessments if key in a.out_of_scope)
                for key in sorted({k for a in assessments for k in a.out_of_scope})
            },
            "completed_on": max(
                (a.completed_on for a in assessments if a.completed_on), default=None
            ),
        }
    )
    return merged, spreads
