"""The path to a band: the least set of criterion moves that lifts a unit to a rating band or
to its target profile, under the framework's own scoring rule.

Pure functions; no I/O. A move lifts one criterion one level; it costs the criterion's
`effort` for the level moved from (1 when the framework gives none), so by default the
path is the fewest level steps. Criteria marked not applicable stay so.

The search is exact. Each domain's reachable results are a Pareto frontier of (least
effort, best domain score), built criterion by criterion (a knapsack for `mean`,
`weighted_mean` and `sum`; one point per level for `minimum` and `staged`, which need
every criterion raised together). The overall goal then combines the domains' frontiers
the same way. Frontiers hold only points no other beats on both effort and score, which
keeps them small: with unit efforts, no more points than level steps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from maturity.core.assessment import Assessment, Response
from maturity.core.errors import MaturityError
from maturity.core.framework import NOT_APPLICABLE, Domain, Framework, LensRule, Rule
from maturity.core.scoring import Score, score

EPS = 1e-9
MAX_POINTS = 100
"""A frontier longer than this is thinned to this many points, evenly spread: the path found
still reaches its goal, but may not be the cheapest (`BandPath.exact` says so). Frameworks of
the usual size never come near it (unit efforts: no more points than level steps)."""


class Move(BaseModel):
    """One criterion lifted from the level it is at to a higher one."""

    model_config = ConfigDict(frozen=True)

    ref: str = Field(description="`domain.criterion`.")
    title: str
    level: str = Field(description="The level id it is at.")
    to: str = Field(description="The level id it moves to.")
    steps: int = Field(description="Levels climbed.")
    effort: float = Field(description="The effort of the climb (1 per level unless estimated).")


class BandPath(BaseModel):
    """The moves that reach a goal, and the score they would give."""

    model_config = ConfigDict(frozen=True)

    goal: str = Field(description="What is reached, e.g. `the Strong band`.")
    moves: list[Move] = Field(description="In framework order; empty when already there.")
    steps: int = Field(description="Levels climbed in all.")
    effort: float = Field(description="Total effort of the moves.")
    score: float | None = Field(description="The overall score now.")
    rating: str | None = Field(description="The rating band now.")
    projected_score: float | None = Field(description="The overall score after the moves.")
    projected_rating: str | None = Field(description="The rating band after the moves.")
    projected_level: str | None = Field(description="The overall level id after the moves.")
    exact: bool = Field(
        description="Whether no cheaper set of moves exists (false only for very large searches)."
    )


@dataclass(frozen=True, slots=True)
class _Point:
    """One reachable result: least effort for a value, and how it was reached."""

    cost: float
    value: float
    choice: tuple[tuple[str, int], ...] = ()  # (criterion ref, rank) set at this stage
    back: tuple[_Point, ...] = ()  # the points it was built from

    def moves(self) -> dict[str, int]:
        found: dict[str, int] = {}
        stack: list[_Point] = [self]
        while stack:
            point = stack.pop()
            found.update(point.choice)
            stack.extend(point.back)
        return found


def _prune(points: Iterable[_Point]) -> list[_Point]:
    """Keep the points no other beats: cost rising, value strictly rising."""
    kept: list[_Point] = []
    for p in sorted(points, key=lambda p: (p.cost, -p.value)):
        if not kept or p.value > kept[-1].value + EPS:
            kept.append(p)
    return kept


def _effort(fw: Framework, ref: str, start: int, end: int) -> float:
    criterion = fw.criteria[ref][1]
    return sum(criterion.effort.get(fw.level_ids[k], 1.0) for k in range(start, end))


@dataclass(frozen=True)
class _Domain:
    domain: Domain
    frontier: list[_Point]  # value: the domain score
    count: int  # applicable criteria, to read a `sum` per criterion
    exact: bool = True

    def rank(self, fw: Framework, value: float) -> int:
        per = value / self.count if fw.scoring.domain_rule is Rule.SUM else value
        return fw.rank[fw.level_for_score(per).id]


def _combine_additive(
    parts: Sequence[tuple[float, list[_Point]]], scale: float
) -> tuple[list[_Point], bool]:
    """Frontier of `sum(weight * value) / scale` over one point from each part; and whether it is
    exact (not thinned)."""
    frontier = [_Point(0.0, 0.0)]
    exact = True
    for weight, options in parts:
        frontier = _prune(
            _Point(p.cost + o.cost, p.value + weight * o.value / scale, (), (p, o))
            for p in frontier
            for o in options
        )
        if len(frontier) > MAX_POINTS:
            last = len(frontier) - 1
            keep = sorted({round(i * last / (MAX_POINTS - 1)) for i in range(MAX_POINTS)})
            frontier = [frontier[i] for i in keep]
            exact = False
    return frontier, exact


def _domain_frontier(fw: Framework, domain: Domain, current: Mapping[str, int | None]) -> _Domain:
    rule = fw.scoring.domain_rule
    points = [lv.points for lv in fw.levels]
    top = len(points) - 1
    refs = [
        (f"{domain.id}.{c.id}", c.weight)
        for c in domain.criteria
        if current[f"{domain.id}.{c.id}"] is not None
    ]
    if rule in (Rule.MINIMUM, Rule.STAGED):
        options = []
        for floor in range(top + 1):
            ranks = {ref: max(current[ref] or 0, floor) for ref, _ in refs}
            cost = sum(_effort(fw, ref, current[ref] or 0, ranks[ref]) for ref, _ in refs)
            lowest = min(ranks.values(), default=0)
            options.append(_Point(cost, points[lowest], tuple(ranks.items())))
        return _Domain(domain, _prune(options), len(refs))
    total = sum(w for _, w in refs) if rule is Rule.WEIGHTED_MEAN else float(len(refs))
    scale = 1.0 if rule is Rule.SUM else total
    parts = []
    for ref, weight in refs:
        start = current[ref] or 0
        parts.append(
            (
                weight if rule is Rule.WEIGHTED_MEAN else 1.0,
                [
                    _Point(_effort(fw, ref, start, r), points[r], ((ref, r),))
                    for r in range(start, top + 1)
                ],
            )
        )
    frontier, exact = _combine_additive(parts, scale)
    return _Domain(domain, frontier, len(refs), exact)


def _current(fw: Framework, result: Score) -> dict[str, int | None]:
    found: dict[str, int | None] = {}
    for c in result.criteria:
        found[c.id] = None if c.level in (None, NOT_APPLICABLE) else fw.rank[c.level or ""]
    for ref in fw.criteria:
        found.setdefault(ref, 0)  # not scored: unanswered, so at the lowest level
    return found


def _domains(fw: Framework, result: Score) -> list[_Domain]:
    if not result.criteria:
        raise MaturityError("the path to a band needs the score's criteria")
    current = _current(fw, result)
    made = [_domain_frontier(fw, d, current) for d in fw.domains]
    return [d for d in made if d.count]


def _per_domain(
    parts: list[_Domain], goal: Mapping[str, float], fw: Framework, by_rank: bool
) -> _Point | None:
    """The cheapest points that bring each domain with a goal to it (a score or a level rank)."""
    chosen = _Point(0.0, 0.0)
    for part in parts:
        wanted = goal.get(part.domain.id)
        point: _Point | None
        if wanted is None:
            point = part.frontier[0]
        elif by_rank:
            point = next((p for p in part.frontier if part.rank(fw, p.value) >= wanted), None)
        else:
            point = next((p for p in part.frontier if p.value + EPS >= wanted), None)
        if point is None:
            return None
        chosen = _Point(chosen.cost + point.cost, 0.0, (), (chosen, point))
    return chosen


def _to_score(fw: Framework, parts: list[_Domain], minimum: float) -> tuple[_Point | None, bool]:
    rule = fw.scoring.overall_rule
    exact = all(p.exact for p in parts)
    if not parts:
        return None, exact  # every criterion is not applicable: no overall score to raise
    if rule is Rule.MINIMUM:
        return _per_domain(parts, {p.domain.id: minimum for p in parts}, fw, False), exact
    if rule is Rule.STAGED:
        ranks = [i for i, lv in enumerate(fw.levels) if lv.points + EPS >= minimum]
        if not ranks:
            return None, exact
        return _per_domain(parts, {p.domain.id: float(ranks[0]) for p in parts}, fw, True), exact
    weights = [p.domain.weight if rule is Rule.WEIGHTED_MEAN else 1.0 for p in parts]
    scale = 1.0 if rule is Rule.SUM else sum(weights)
    frontier, combined = _combine_additive(
        [(w, p.frontier) for w, p in zip(weights, parts, strict=True)], scale
    )
    return next((p for p in frontier if p.value + EPS >= minimum), None), exact and combined


def taken_as_given(fw: Framework) -> Framework:
    """The framework with claims counted as given: no evidence rule, lens ratings not scored."""
    scoring = fw.scoring.model_copy(
        update={"evidence_required_from": None, "lens_rule": LensRule.REPORT}
    )
    return fw.model_copy(update={"scoring": scoring})


def project(fw: Framework, result: Score, ranks: Mapping[str, int]) -> Score:
    """The score with these criteria at these levels and every other where it counted."""
    levels = {c.id: c.level for c in result.criteria if c.level is not None}
    levels.update({ref: fw.level_ids[r] for ref, r in ranks.items()})
    assessment = Assessment.model_construct(
        framework=fw.id,
        unit=result.unit,
        period=result.period,
        respondents=result.respondents,
        responses={ref: Response(level=level) for ref, level in levels.items()},
    )
    return score(taken_as_given(fw), assessment)


def _path(fw: Framework, result: Score, goal: str, found: _Point | None, exact: bool) -> BandPath:
    if found is None:
        raise MaturityError(
            f"{result.unit} {result.period}: {goal} cannot be reached, even with every "
            "applicable criterion at the highest level"
        )
    current = _current(fw, result)
    ranks = {ref: r for ref, r in found.moves().items() if r != current[ref]}
    moves = []
    for ref in fw.criteria:
        if ref in ranks:
            start = current[ref] or 0
            moves.append(
                Move(
                    ref=ref,
                    title=fw.criteria[ref][1].title,
                    level=fw.level_ids[start],
                    to=fw.level_ids[ranks[ref]],
                    steps=ranks[ref] - start,
                    effort=_effort(fw, ref, start, ranks[ref]),
                )
            )
    projected = project(fw, result, ranks)
    return BandPath(
        goal=goal,
        moves=moves,
        steps=sum(m.steps for m in moves),
        effort=sum(m.effort for m in moves),
        score=result.overall.score,
        rating=result.overall.rating,
        projected_score=projected.overall.score,
        projected_rating=fw.band_for(projected.overall.score)
        if projected.overall.score is not None
        else None,
        projected_level=projected.overall.level,
        exact=exact,
    )


def path_to_score(fw: Framework, result: Score, minimum: float, goal: str = "") -> BandPath:
    """The least-effort moves that bring the overall score to `minimum` or above."""
    found, exact = _to_score(fw, _domains(fw, result), minimum)
    return _path(fw, result, goal or f"an overall score of {minimum:g}", found, exact)


def band_named(fw: Framework, name: str, result: Score | None = None) -> str:
    """The band's name as the framework spells it; `next` is the band above the current one."""
    bands = sorted(fw.scoring.bands, key=lambda b: b.min)
    if not bands:
        raise MaturityError(f"{fw.id} has no rating bands; use --to-target instead")
    for band in bands:
        if band.name.casefold() == name.strip().casefold():
            return band.name
    if name.strip().casefold() == "next" and result is not None:
        now = result.overall.rating
        names = [b.name for b in bands]
        if now in names and names.index(now) + 1 < len(names):
            return names[names.index(now) + 1]
        raise MaturityError(f"{result.unit} is already in the highest band, {names[-1]}")
    raise MaturityError(
        f"'{name}' is not a rating band of {fw.id}; use one of "
        + ", ".join(b.name for b in bands)
        + (" or next" if result is not None else "")
    )


def path_to_band(fw: Framework, result: Score, name: str) -> BandPath:
    """The least-effort moves that lift the overall score into the band named (or `next`)."""
    band = band_named(fw, name, result)
    minimum = next(b.min for b in fw.scoring.bands if b.name == band)
    return path_to_score(fw, result, minimum, f"the {band} band")


def path_to_targets(fw: Framework, result: Score, targets: Mapping[str, str]) -> BandPath:
    """The least-effort moves that bring every domain to its target level (domain id -> level)."""
    parts = _domains(fw, result)
    wanted = {d: float(fw.rank[level]) for d, level in targets.items()}
    found = _per_domain(parts, wanted, fw, by_rank=True)
    return _path(fw, result, "the target profile", found, all(p.exact for p in parts))
