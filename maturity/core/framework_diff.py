"""What changed between two versions of a framework, and what benchmark comparability it costs.

The benchmark compares scores of two versions only when their levels (ids and points)
are the same, and then only on the criteria identical in both (see
`benchmark.comparable`); the diff says which criteria that leaves out, and why.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from maturity.core.framework import Criterion, Framework


class Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class CriterionChange(Result):
    """One criterion added, removed or changed."""

    ref: str = Field(description="`domain.criterion`.")
    change: Literal["added", "removed", "changed"]
    what: list[str] = Field(
        default_factory=list, description="For a changed criterion: the parts that differ."
    )


class FrameworkDiff(Result):
    """The differences between an old and a new framework."""

    old: str = Field(description="`id@version` of the old framework.")
    new: str = Field(description="`id@version` of the new framework.")
    levels: list[str] = Field(description="Changes to the scale, one line each.")
    scoring: list[str] = Field(description="Changes to the scoring rule, one line each.")
    criteria: list[CriterionChange]
    comparable: bool = Field(description="Whether the benchmark can compare the two at all.")
    shared: list[str] = Field(description="Criteria identical in both: what a benchmark compares.")

    @property
    def unchanged(self) -> bool:
        return not (self.levels or self.scoring or self.criteria)


def _levels(old: Framework, new: Framework) -> list[str]:
    out = []
    old_levels = {lv.id: lv for lv in old.levels}
    new_levels = {lv.id: lv for lv in new.levels}
    for lv in old.levels:
        if lv.id not in new_levels:
            out.append(f"level '{lv.id}' removed")
    for lv in new.levels:
        before = old_levels.get(lv.id)
        if before is None:
            out.append(f"level '{lv.id}' added")
            continue
        if before.points != lv.points:
            out.append(f"level '{lv.id}': points {before.points:g} -> {lv.points:g}")
        if before.name != lv.name:
            out.append(f"level '{lv.id}': renamed '{before.name}' -> '{lv.name}'")
        if before.description != lv.description:
            out.append(f"level '{lv.id}': description reworded")
    shared = [i for i in old.level_ids if i in new_levels]
    if shared != [i for i in new.level_ids if i in old_levels]:
        out.append("levels reordered")
    return out


def _scoring(old: Framework, new: Framework) -> list[str]:
    before, after = old.scoring.model_dump(mode="json"), new.scoring.model_dump(mode="json")
    return [
        f"scoring {key}: {before[key]!r} -> {after[key]!r}"
        for key in before
        if before[key] != after[key]
    ]


def _what(old: Criterion, new: Criterion, old_domain: str, new_domain: str) -> list[str]:
    what = []
    if old_domain != new_domain:
        what.append(f"moved from domain '{old_domain}' to '{new_domain}'")
    for name in ("title", "description", "weight", "metric", "maps_to"):
        if getattr(old, name) != getattr(new, name):
            what.append("reworded " + name if name in ("title", "description") else name)
    for name in ("descriptors", "evidence", "actions"):
        a, b = getattr(old, name), getattr(new, name)
        levels = sorted({k for k in {*a, *b} if a.get(k) != b.get(k)})
        if levels:
            what.append(f"{name} at {', '.join(levels)}")
    return what


def diff(old: Framework, new: Framework) -> FrameworkDiff:
    """Every difference between `old` and `new` that matters to users and to the benchmark.

    Criteria are matched by their criterion id, so one moved to another domain shows as
    changed, not as removed and added.
    """
    old_by_id = {c.id: (d.id, c) for d in old.domains for c in d.criteria}
    new_by_id = {c.id: (d.id, c) for d in new.domains for c in d.criteria}
    changes: list[CriterionChange] = []
    for cid, (domain, _) in old_by_id.items():
        if cid not in new_by_id:
            changes.append(CriterionChange(ref=f"{domain}.{cid}", change="removed"))
    for cid, (domain, criterion) in new_by_id.items():
        if cid not in old_by_id:
            changes.append(CriterionChange(ref=f"{domain}.{cid}", change="added"))
            continue
        old_domain, before = old_by_id[cid]
        what = _what(before, criterion, old_domain, domain)
        if what:
            changes.append(CriterionChange(ref=f"{domain}.{cid}", change="changed", what=what))
    comparable = [(lv.id, lv.points) for lv in old.levels] == [
        (lv.id, lv.points) for lv in new.levels
    ]
    shared = [
        ref
        for ref, (_, criterion) in new.criteria.items()
        if ref in old.criteria and old.criteria[ref][1] == criterion
    ]
    return FrameworkDiff(
        old=old.ref,
        new=new.ref,
        levels=_levels(old, new),
        scoring=_scoring(old, new),
        criteria=changes,
        comparable=comparable and bool(shared),
        shared=shared if comparable else [],
    )
