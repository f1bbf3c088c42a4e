"""Reference sets and crosswalks: how a framework's results stand against another scheme.

A reference set is a published list of commitments or duties (the Race at Work
Charter's seven pledges, the Public Sector Equality Duty) kept as data in
`frameworks/references/`. A criterion's `maps_to` cites its items, either as
`race-at-work-charter/pledge-2` or in words as the set is cited
(`Race at Work Charter pledge 2: Capture ethnicity data ...`); a citation of a known
set that names no item of it is an error. The crosswalk lists, for each item, the
criteria that map to it with a unit's (or the council's) levels, and whether they
are at target.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from maturity.core.errors import Loc, Problem, ProblemsError
from maturity.core.framework import NOT_APPLICABLE, Framework, Model, Slug, Text
from maturity.core.scoring import Score

CANONICAL = re.compile(r"^([a-z0-9][a-z0-9-]*)/([a-z0-9][a-z0-9-]*)$")


class ReferenceItem(Model):
    """One item of a reference set: a pledge, a duty, a module."""

    id: Slug
    label: Text = Field(description="How the item is cited after the set's name, e.g. `pledge 2`.")
    title: Text = Field(description="The item's words, as the publisher gives them.")


class ReferenceSet(Model):
    """A published list of commitments or duties that criteria can map to."""

    id: Slug
    name: Text = Field(description="The set's name, e.g. `Race at Work Charter`.")
    publisher: Text = Field(description="Who publishes it.")
    source: Text = Field(description="Where its words come from.")
    cite_as: Text | None = Field(
        default=None,
        description="How `maps_to` entries begin when they cite it in words; default: `name`.",
    )
    items: list[ReferenceItem] = Field(min_length=1, description="The items, in order.")

    @model_validator(mode="after")
    def _unique(self) -> ReferenceSet:
        problems: list[Problem] = []
        ids: set[str] = set()
        labels: set[str] = set()
        for i, item in enumerate(self.items):
            if item.id in ids:
                problems.append(Problem(("items", i, "id"), f"item id '{item.id}' is used twice"))
            if item.label.casefold() in labels:
                problems.append(
                    Problem(("items", i, "label"), f"label '{item.label}' is used twice")
                )
            ids.add(item.id)
            labels.add(item.label.casefold())
        if problems:
            raise ProblemsError(problems)
        return self

    @property
    def citation(self) -> str:
        return self.cite_as or self.name

    def item(self, item_id: str) -> ReferenceItem | None:
        return next((i for i in self.items if i.id == item_id), None)

    def by_label(self, label: str) -> ReferenceItem | None:
        wanted = " ".join(label.split()).casefold()
        return next((i for i in self.items if i.label.casefold() == wanted), None)


@dataclass(frozen=True)
class Citation:
    """A `maps_to` entry read as a reference to one item of a set."""

    set_id: str
    item_id: str


def cite(entry: str, sets: Sequence[ReferenceSet]) -> Citation | str | None:
    """What a `maps_to` entry cites: an item, an error message (a dangling citation), or None.

    None means the entry cites no known reference set: free text, such as a council's
    own action plan, which stays as it is.
    """
    canonical = CANONICAL.match(entry.strip())
    if canonical:
        set_id, item_id = canonical.groups()
        found = next((s for s in sets if s.id == set_id), None)
        if found is None:
            known = ", ".join(s.id for s in sets) or "none"
            return f"'{entry}': no reference set '{set_id}' (known: {known})"
        if found.item(item_id) is None:
            items = ", ".join(i.id for i in found.items)
            return f"'{entry}': {found.name} has no item '{item_id}' (items: {items})"
        return Citation(set_id, item_id)
    text = " ".join(entry.split())
    for ref in sets:
        prefix = ref.citation + " "
        if not text.casefold().startswith(prefix.casefold()):
            continue
        label = text[len(prefix) :].split(":", 1)[0].strip()
        item = ref.by_label(label)
        if item is None:
            labels = ", ".join(i.label for i in ref.items)
            return f"'{label}' is not an item of the {ref.name} (items: {labels})"
        return Citation(ref.id, item.id)
    return None


def check_maps_to(fw: Framework, sets: Sequence[ReferenceSet]) -> list[Problem]:
    """Every `maps_to` entry that cites a known reference set but none of its items."""
    problems: list[Problem] = []
    for di, domain in enumerate(fw.domains):
        for ci, criterion in enumerate(domain.criteria):
            for k, entry in enumerate(criterion.maps_to):
                found = cite(entry, sets)
                if isinstance(found, str):
                    loc: Loc = ("domains", di, "criteria", ci, "maps_to", k)
                    problems.append(Problem(loc, f"dangling reference: {found}"))
    return problems


class Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class Standing(Result):
    """One mapped criterion's level for the unit (or the council) and its target."""

    ref: str = Field(description="`domain.criterion`.")
    title: str
    level: str | None = Field(description="Level id; `not_applicable`; None when not assessed.")
    level_name: str | None
    target: str | None = Field(description="The domain's target level id, if any.")
    at_target: bool | None = Field(description="None without a target or a level.")
    units: int | None = Field(default=None, description="For the council: units assessed.")
    units_at_target: int | None = Field(
        default=None, description="For the council: units whose level reaches the target."
    )


Coverage = Literal["met", "partly met", "not met", "not judged", "not covered"]


class ItemCoverage(Result):
    """One reference item: the criteria mapped to it and how many are at target."""

    id: str
    label: str
    title: str
    criteria: list[Standing]
    at_target: int = Field(description="Mapped criteria at target.")
    coverage: Coverage = Field(
        description="`met` (all mapped criteria at target), `partly met`, `not met`, `not "
        "judged` (no mapped criterion has both a level and a target: out of scope, not "
        "applicable, or no target set), or `not covered` (no criterion maps to it)."
    )


class Crosswalk(Result):
    """A framework's results against a reference set, for one unit or the council."""

    framework: str = Field(description="`id@version`.")
    reference: str = Field(description="The reference set's id.")
    reference_name: str
    unit: str | None = Field(description="The unit; None for the council (every unit).")
    period: str
    units: int = Field(description="Units whose assessments count.")
    items: list[ItemCoverage]
    uncovered: list[str] = Field(description="Ids of the items no criterion maps to.")


def mapped_criteria(fw: Framework, ref: ReferenceSet) -> dict[str, list[str]]:
    """For each item id of `ref`, the criteria (`domain.criterion`) that map to it."""
    out: dict[str, list[str]] = {item.id: [] for item in ref.items}
    for qualified, (_, criterion) in fw.criteria.items():
        for entry in criterion.maps_to:
            found = cite(entry, [ref])
            if isinstance(found, Citation) and qualified not in out[found.item_id]:
                out[found.item_id].append(qualified)
    return out


def _standing(fw: Framework, qualified: str, scores: Sequence[Score], council: bool) -> Standing:
    domain, criterion = fw.criteria[qualified]
    target = fw.target_for(domain.id)
    levels = [
        c.level for s in scores for c in s.criteria if c.id == qualified and c.level is not None
    ]
    ranks = sorted(fw.rank[lv] for lv in levels if lv != NOT_APPLICABLE)
    level: str | None
    if ranks:
        # The council's level is the lower middle of its units' levels: the median, as
        # respondents merge, and never a level no unit has reached.
        level = fw.level_ids[ranks[(len(ranks) - 1) // 2]]
    else:
        level = NOT_APPLICABLE if levels else None
    on_scale = level is not None and level != NOT_APPLICABLE
    return Standing(
        ref=qualified,
        title=criterion.title,
        level=level,
        level_name=fw.level(level).name if level is not None and on_scale else None,
        target=target,
        at_target=None
        if target is None or level is None or not on_scale
        else fw.rank[level] >= fw.rank[target],
        units=len(ranks) if council else None,
        units_at_target=None
        if not council or target is None
        else sum(r >= fw.rank[target] for r in ranks),
    )


def crosswalk(
    fw: Framework, ref: ReferenceSet, scores: Sequence[Score], unit: str | None, period: str
) -> Crosswalk:
    """The crosswalk of `scores` (one unit's, or every unit's for the council) against `ref`."""
    mapped = mapped_criteria(fw, ref)
    items = []
    for item in ref.items:
        standings = [_standing(fw, q, scores, unit is None) for q in mapped[item.id]]
        judged = [s for s in standings if s.at_target is not None]
        met = sum(bool(s.at_target) for s in judged)
        coverage: Coverage
        if not standings:
            coverage = "not covered"
        elif not judged:
            coverage = "not judged"
        elif met == len(judged):
            coverage = "met"
        elif met:
            coverage = "partly met"
        else:
            coverage = "not met"
        items.append(
            ItemCoverage(
                id=item.id,
                label=item.label,
                title=item.title,
                criteria=standings,
                at_target=met,
                coverage=coverage,
            )
        )
    return Crosswalk(
        framework=fw.ref,
        reference=ref.id,
        reference_name=ref.name,
        unit=unit,
        period=period,
        units=len(scores),
        items=items,
        uncovered=[i.id for i in items if i.coverage == "not covered"],
    )
