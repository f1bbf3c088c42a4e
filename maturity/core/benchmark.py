"""Benchmarking: units compared with each other, with their own past and with targets.

Pure functions over scored results (`maturity.core.scoring.Score`); no I/O. The store
feeds them; the CLI renders them.

- A row is one unit in one period: its overall and domain scores.
- Roll-up: a unit with no assessment of its own but assessed units below it (a
  department and its services) gets a row made from its direct children, domain by
  domain and overall, weighted by their respondents or equally. A unit assessed
  itself keeps its own result.
- Change: against the unit's previous assessed period. Trend: the least-squares
  slope of the overall score per year, over every period up to the row's.
- Rank and quartile: among peers, the units at the same depth in the same period
  (services with services, departments with departments); ties share a rank;
  quartile 1 is the top quarter.
- Targets: a level per domain (from the framework, or given); a unit meets its
  targets when every domain with a target is at that level or above.
- Several framework versions: compared only on the criteria that are the same in
  every version, re-scored with the newest version's rules; a warning names what
  was left out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from maturity.core.assessment import Assessment, Response
from maturity.core.errors import MaturityError
from maturity.core.framework import Framework, Rule, version_key
from maturity.core.scoring import Score, score


class Weighting(StrEnum):
    """How a roll-up weighs the units below: by their number of respondents, or equally."""

    RESPONDENTS = "respondents"
    EQUAL = "equal"


class Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class Overall(Result):
    score: float | None = Field(description="The overall score.")
    level: str | None = Field(description="The overall level id.")


class Change(Result):
    """The difference from the unit's previous assessed period (positive is better)."""

    since: str = Field(description="The period compared with.")
    overall: float | None = Field(description="Change in the overall score.")
    domains: dict[str, float | None] = Field(description="Change per domain id.")


class Trend(Result):
    """The direction of the overall score across periods."""

    periods: int = Field(description="How many periods the trend covers.")
    since: str = Field(description="The first of them.")
    slope: float | None = Field(description="Change in the overall score per year.")
    direction: str = Field(description="`up`, `down`, `flat`, or `new` with one period.")


class Row(Result):
    """One unit in one period."""

    unit: str
    period: str
    framework: str = Field(description="`id@version` the scores are compared under.")
    respondents: int
    rolled_up: bool = Field(description="Whether made from the units below it.")
    units: int = Field(description="Assessed units behind this row (1 unless rolled up).")
    overall: Overall
    domains: dict[str, float | None] = Field(description="Score per domain id.")
    levels: dict[str, str | None] = Field(description="Level id per domain id.")
    groups: dict[str, float | None] = Field(
        default_factory=dict, description="Score per group id, for frameworks with groups."
    )
    group_levels: dict[str, str | None] = Field(
        default_factory=dict, description="Level id per group id, for frameworks with groups."
    )
    change: Change | None = Field(description="Since the previous period; None for the first.")
    trend: Trend
    rank: int | None = Field(description="1 for the highest overall score among peers.")
    peers: int = Field(description="Ranked units at this depth in this period.")
    quartile: int | None = Field(description="1 (top quarter) to 4.")
    target_met: bool | None = Field(description="Every domain at its target; None without targets.")
    below_target: list[str] = Field(description="Domain ids below their target.")


class Benchmark(Result):
    framework: str
    weighting: Weighting | None
    periods: list[str] = Field(description="Every period with scores, oldest first.")
    targets: dict[str, str] = Field(description="Target level id per domain id.")
    rows: list[Row]
    warnings: list[str]


@dataclass
class _Entry:
    unit: str
    period: str
    respondents: int
    overall: float | None
    domains: dict[str, float | None]
    levels: dict[str, str | None]
    overall_level: str | None
    groups: dict[str, float | None] = field(default_factory=dict)
    group_levels: dict[str, str | None] = field(default_factory=dict)
    rolled_up: bool = False
    units: int = 1
    extra: dict[str, object] = field(default_factory=dict)


def align(
    scores: Sequence[Score], frameworks: Sequence[Framework]
) -> tuple[list[Score], Framework, list[str]]:
    """Put scores of one framework on one basis; returns (scores, framework, warnings).

    With one version, nothing changes. With several, only criteria that are identical
    in every version used are kept, and every score is re-scored by the newest
    version's rules over them. Scores must then carry their criteria.
    """
    if not scores:
        if not frameworks:
            raise MaturityError("no scores to compare")
        return [], max(frameworks, key=lambda f: version_key(f.version)), []
    by_version = {fw.version: fw for fw in frameworks}
    used = sorted({s.framework.version for s in scores}, key=version_key)
    missing = [v for v in used if v not in by_version]
    if missing:
        raise MaturityError(f"framework version {', '.join(missing)} is not known")
    reference = by_version[used[-1]]
    if len(used) == 1:
        return list(scores), reference, []
    versions = [by_version[v] for v in used]
    for fw in versions[:-1]:
        if [(lv.id, lv.points) for lv in fw.levels] != [
            (lv.id, lv.points) for lv in reference.levels
        ]:
            raise MaturityError(
                f"cannot compare {fw.id} {fw.version} with {reference.version}: their levels differ"
            )
    common = [
        ref
        for ref, (_, criterion) in reference.criteria.items()
        if all(ref in fw.criteria and fw.criteria[ref][1] == criterion for fw in versions)
    ]
    if not common:
        raise MaturityError(
            f"cannot compare {reference.id} versions {', '.join(used)}: "
            "no criterion is the same in all"
        )
    left_out = sorted({ref for fw in versions for ref in fw.criteria} - set(common))
    basis = _restricted(reference, set(common))
    if any(not s.criteria for s in scores):
        raise MaturityError("scores of several framework versions must carry their criteria")
    rescored = [_rescore(basis, s) for s in scores]
    warnings = []
    if left_out:
        warnings.append(
            f"comparing {reference.id} versions {', '.join(used)} on the {len(common)} criteria "
            f"the same in all; left out: {', '.join(left_out)}"
        )
    return rescored, basis, warnings


def _restricted(fw: Framework, keep: set[str]) -> Framework:
    data = fw.model_dump(mode="json")
    domains = []
    for domain in data["domains"]:
        criteria = [c for c in domain["criteria"] if f"{domain['id']}.{c['id']}" in keep]
        if criteria:
            domains.append({**domain, "criteria": criteria})
    # Claims were already capped and moderated when first scored; bands may no longer fit.
    data["scoring"] = {**data["scoring"], "bands": [], "evidence_required_from": None}
    data["domains"] = domains
    kept = {d["id"] for d in domains}
    if fw.groups:  # groups keep only the domains left, and go when none is
        groups = [{**g, "domains": [d for d in g["domains"] if d in kept]} for g in data["groups"]]
        data["groups"] = [g for g in groups if g["domains"]]
    return Framework.model_validate(data)


def _rescore(fw: Framework, result: Score) -> Score:
    responses = {
        c.id: Response(level=c.level)
        for c in result.criteria
        if c.id in fw.criteria and c.answered and c.level is not None
    }
    assessment = Assessment(
        framework=fw.id,
        unit=result.unit,
        period=result.period,
        respondents=result.respondents,
        responses=responses,
    )
    return score(fw, assessment)


def _entry(result: Score) -> _Entry:
    return _Entry(
        unit=result.unit,
        period=result.period,
        respondents=result.respondents,
        overall=result.overall.score,
        overall_level=result.overall.level,
        domains={d.id: d.score for d in result.domains},
        levels={d.id: d.level for d in result.domains},
        groups={g.id: g.score for g in result.groups},
        group_levels={g.id: g.level for g in result.groups},
    )


def _mean(pairs: list[tuple[float | None, float]]) -> float | None:
    known = [(v, w) for v, w in pairs if v is not None]
    total = sum(w for _, w in known)
    if not known or total <= 0:
        return None
    # fsum: exact, so a department's score does not depend on the order of its units.
    return math.fsum(v * w for v, w in known) / total


def roll_up(fw: Framework, entries: list[_Entry], weighting: Weighting) -> list[_Entry]:
    """Rows for unassessed parent units from their direct children, deepest first."""
    by_period: dict[str, dict[str, _Entry]] = defaultdict(dict)
    for e in entries:
        by_period[e.period][e.unit] = e
    made: list[_Entry] = []
    # A `sum` is read per criterion, as scoring reads it (see scoring._roll_up).
    summed = fw.scoring.domain_rule is Rule.SUM
    counts = {d.id: len(d.criteria) if summed else 1 for d in fw.domains}
    overall_count: float = sum(counts.values())
    if fw.scoring.overall_rule is not Rule.SUM:
        overall_count /= len(fw.domains)  # exact when domains have as many criteria each
    group_counts = {
        g.id: sum(counts[d] for d in g.domains)
        / (1 if fw.scoring.group_rule is Rule.SUM else len(g.domains))
        for g in fw.groups
    }
    for period, units in by_period.items():
        parents = {u.rsplit("/", 1)[0] for u in units if "/" in u}
        ancestors = set()
        for parent in parents:
            parts = parent.split("/")
            ancestors |= {"/".join(parts[:i]) for i in range(1, len(parts) + 1)}
        children: dict[str, list[_Entry]] = defaultdict(list)
        for e in units.values():
            if "/" in e.unit:
                children[e.unit.rsplit("/", 1)[0]].append(e)
        for unit in sorted(ancestors - set(units), key=lambda u: (-u.count("/"), u)):
            kids = children[unit]
            weights = [
                float(k.respondents) if weighting is Weighting.RESPONDENTS else 1.0 for k in kids
            ]
            overall = _mean([(k.overall, w) for k, w in zip(kids, weights, strict=True)])
            domains = {
                d.id: _mean([(k.domains.get(d.id), w) for k, w in zip(kids, weights, strict=True)])
                for d in fw.domains
            }
            groups = {
                g.id: _mean([(k.groups.get(g.id), w) for k, w in zip(kids, weights, strict=True)])
                for g in fw.groups
            }
            entry = _Entry(
                unit=unit,
                period=period,
                groups=groups,
                group_levels={
                    g: None if s is None else _level(fw, s, group_counts[g])
                    for g, s in groups.items()
                },
                respondents=sum(k.respondents for k in kids),
                overall=overall,
                overall_level=None if overall is None else _level(fw, overall, overall_count),
                domains=domains,
                levels={
                    d: None if s is None else _level(fw, s, counts[d]) for d, s in domains.items()
                },
                rolled_up=True,
                units=sum(k.units for k in kids),
            )
            made.append(entry)
            units[unit] = entry
            if "/" in unit:
                children[unit.rsplit("/", 1)[0]].append(entry)
    return made


def _level(fw: Framework, score: float, count: float) -> str:
    return fw.level_for_score(score / count).id


def slope(points: list[tuple[int, float]]) -> float | None:
    """The least-squares change per year of (year, value) points; None below two years."""
    if len(points) < 2:
        return None
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in points) / sxx


def _trend(history: list[_Entry]) -> Trend:
    points = [(int(e.period[:4]), e.overall) for e in history if e.overall is not None]
    change = slope([(x, y) for x, y in points if y is not None])
    if change is None:
        direction = "new" if len(history) == 1 else "flat"
    else:
        direction = "up" if change > 1e-9 else "down" if change < -1e-9 else "flat"
    return Trend(periods=len(history), since=history[0].period, slope=change, direction=direction)


def _change(current: _Entry, previous: _Entry | None) -> Change | None:
    if previous is None:
        return None

    def diff(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a - b

    return Change(
        since=previous.period,
        overall=diff(current.overall, previous.overall),
        domains={d: diff(s, previous.domains.get(d)) for d, s in current.domains.items()},
    )


def _ranks(entries: list[_Entry]) -> dict[int, tuple[int | None, int, int | None]]:
    """id(entry) -> (rank, peers, quartile), among the same period and depth."""
    groups: dict[tuple[str, int], list[_Entry]] = defaultdict(list)
    for e in entries:
        groups[(e.period, e.unit.count("/"))].append(e)
    out: dict[int, tuple[int | None, int, int | None]] = {}
    for group in groups.values():
        ranked = sorted(
            (e for e in group if e.overall is not None), key=lambda e: -(e.overall or 0.0)
        )
        n = len(ranked)
        rank = 0
        previous: float | None = None
        for i, e in enumerate(ranked):
            if previous is None or abs((e.overall or 0.0) - previous) > 1e-9:
                rank = i + 1
                previous = e.overall
            out[id(e)] = (rank, n, min(4, 1 + (rank - 1) * 4 // n))
        for e in group:
            out.setdefault(id(e), (None, n, None))
    return out


def target_levels(fw: Framework, given: Mapping[str, str] | None = None) -> dict[str, str]:
    """The target level per domain: the given ones, else the framework's own."""
    targets: dict[str, str] = {}
    for domain in fw.domains:
        level = (given or {}).get(domain.id) if given is not None else fw.target_for(domain.id)
        if level is not None:
            targets[domain.id] = level
    return targets


def in_unit(unit: str, prefix: str) -> bool:
    """Whether `unit` is `prefix` or below it (whole path parts, not letters)."""
    return unit == prefix or unit.startswith(prefix + "/")


def benchmark(
    scores: Sequence[Score],
    frameworks: Sequence[Framework],
    period: str | None = None,
    unit: str | None = None,
    weighting: Weighting | None = Weighting.RESPONDENTS,
    targets: Mapping[str, str] | None = None,
) -> Benchmark:
    """Compare units: one period (or all, with `period=None`), under `unit` if given.

    `scores` are one framework's current scores for every period (change and trend
    need the past); `frameworks` are the versions they were scored with.
    """
    aligned, fw, warnings = align(scores, frameworks)
    entries = [_entry(s) for s in aligned]
    if weighting is not None:
        entries += roll_up(fw, entries, weighting)
    goals = target_levels(fw, targets)
    periods = sorted({e.period for e in entries})
    history: dict[str, list[_Entry]] = defaultdict(list)
    for e in sorted(entries, key=lambda e: e.period):
        history[e.unit].append(e)
    chosen = [
        e
        for e in entries
        if (period is None or e.period == period) and (unit is None or in_unit(e.unit, unit))
    ]
    ranks = _ranks(chosen)
    rows: list[Row] = []
    for e in sorted(chosen, key=lambda e: (e.period, e.unit)):
        past = history[e.unit]
        i = next(i for i, h in enumerate(past) if h is e)
        below = [
            d
            for d, level in goals.items()
            if e.levels.get(d) is not None and fw.rank[e.levels[d] or ""] < fw.rank[level]
        ]
        assessed = [d for d in goals if e.levels.get(d) is not None]
        rank, peers, quartile = ranks[id(e)]
        rows.append(
            Row(
                unit=e.unit,
                period=e.period,
                framework=fw.ref,
                respondents=e.respondents,
                rolled_up=e.rolled_up,
                units=e.units,
                overall=Overall(score=e.overall, level=e.overall_level),
                domains=e.domains,
                levels=e.levels,
                groups=e.groups,
                group_levels=e.group_levels,
                change=_change(e, past[i - 1] if i else None),
                trend=_trend(past[: i + 1]),
                rank=rank,
                peers=peers,
                quartile=quartile,
                target_met=(not below) if assessed else None,
                below_target=below,
            )
        )
    return Benchmark(
        framework=fw.ref,
        weighting=weighting,
        periods=periods,
        targets=goals,
        rows=rows,
        warnings=warnings,
    )
