"""The lens view: how mature a unit is for each group of people, domain by domain.

Pure functions; no I/O. A framework may declare lenses (the characteristics protected by
the Equality Act 2010, or local ones) and an assessment may rate a criterion per lens
(`responses.<ref>.lenses`). For each lens, a domain's level is the framework's own
roll-up over the criteria rated for that lens (criteria not rated for it are left out,
as if not applicable), with the same evidence rule as the claims; the lens's overall
level rolls those domains up by the overall rule. So a board reads
"Embedded for race, Emerging for disability".

Small numbers: an assessment may say how many people each lens is about
(`lens_people`). A lens about fewer people than the threshold is suppressed: its
levels are not published, so that no one can be identified.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from maturity.core import suppression
from maturity.core.assessment import Assessment, Response
from maturity.core.framework import NOT_APPLICABLE, Framework, LensRule
from maturity.core.scoring import merge, score


class LensCell(BaseModel):
    """One lens's level in one domain, as a published output may show it."""

    model_config = ConfigDict(frozen=True)

    domain: str
    level: str | None = Field(
        description="Level id; None when nothing in the domain was rated for the lens, or when "
        "the lens is suppressed."
    )


class LensRow(BaseModel):
    """One unit's results through one lens."""

    model_config = ConfigDict(frozen=True)

    lens: str = Field(description="The lens id, e.g. `race`.")
    name: str = Field(description="The lens's name, e.g. `Race`.")
    people: int | None = Field(description="People the ratings are about; None when not given.")
    suppressed: bool = Field(description="Whether the lens is about too few people to publish.")
    rated: int = Field(description="Criteria rated for the lens.")
    level: str | None = Field(description="The overall level through the lens; None if hidden.")
    cells: list[LensCell] = Field(description="One per domain, in framework order.")


class UnitLenses(BaseModel):
    """One unit's lens x domain results for one period."""

    model_config = ConfigDict(frozen=True)

    unit: str
    period: str
    rows: list[LensRow] = Field(description="Lenses with at least one rating, framework order.")
    summary: str = Field(description="In plain words, e.g. `Embedded for race, ...`.")

    def as_dict(self) -> dict[str, Any]:
        """The summary and rows as plain data, as JSON outputs give them."""
        return {"summary": self.summary} | self.model_dump(mode="json", include={"rows"})


def _lens_assessment(fw: Framework, assessment: Assessment, lens_id: str) -> Assessment:
    """The assessment as rated through one lens: its lens ratings as claims, nothing else."""
    responses = {
        ref: r.model_copy(
            update={"level": r.lenses[lens_id], "moderated": None, "value": None, "lenses": {}}
        )
        for ref, r in assessment.responses.items()
        if lens_id in r.lenses
    }
    # Criteria not rated for the lens are left out of its roll-up, not counted at the bottom.
    for ref in fw.criteria:
        responses.setdefault(ref, Response(level=NOT_APPLICABLE))
    return assessment.model_copy(update={"responses": responses})


def lens_results(
    fw: Framework, assessment: Assessment, threshold: int = suppression.DEFAULT_THRESHOLD
) -> UnitLenses:
    """The unit's level per lens and domain, lenses about too few people suppressed.

    `assessment` is one unit's (merged) assessment, checked against `fw`.
    """
    as_rated = fw.model_copy(
        update={"scoring": fw.scoring.model_copy(update={"lens_rule": LensRule.REPORT})}
    )
    rows = []
    for lens in fw.lenses:
        rated = sum(1 for r in assessment.responses.values() if lens.id in r.lenses)
        if not rated:
            continue
        people = assessment.lens_people.get(lens.id)
        hidden = suppression.is_small(people, threshold)
        result = score(as_rated, _lens_assessment(fw, assessment, lens.id))
        rows.append(
            LensRow(
                lens=lens.id,
                name=lens.name,
                people=people,
                suppressed=hidden,
                rated=rated,
                level=None if hidden else result.overall.level,
                cells=[
                    LensCell(domain=d.id, level=None if hidden else d.level) for d in result.domains
                ],
            )
        )
    return UnitLenses(
        unit=assessment.unit,
        period=assessment.period,
        rows=rows,
        summary=summarise(fw, rows),
    )


def lenses_by_unit(
    assessed: Iterable[tuple[Framework, Assessment]],
    threshold: int = suppression.DEFAULT_THRESHOLD,
) -> dict[tuple[str, str], UnitLenses]:
    """Each unit-period's lens results, by (unit, period), for frameworks with lenses.

    `assessed` pairs each assessment with its framework; several of one unit and period
    (its respondents) are merged by the framework's rule first.
    """
    found: dict[tuple[str, str], tuple[Framework, list[Assessment]]] = {}
    for fw, assessment in assessed:
        if fw.lenses:
            key = (assessment.unit, assessment.period)
            found.setdefault(key, (fw, []))[1].append(assessment)
    return {
        key: lens_results(fw, merge(fw, given)[0], threshold) for key, (fw, given) in found.items()
    }


def summarise(fw: Framework, rows: Sequence[LensRow]) -> str:
    """The lenses' overall levels in words: `Embedded for race, Emerging for disability`."""
    names = {lv.id: lv.name for lv in fw.levels}
    shown = [
        f"{names[r.level]} for {r.name[:1].lower() + r.name[1:]}"
        for r in rows
        if r.level is not None and r.level in names
    ]
    hidden = [r.name for r in rows if r.suppressed]
    parts = []
    if shown:
        parts.append(", ".join(shown))
    if hidden:
        parts.append(
            f"{', '.join(hidden)} not shown ({suppression.SUPPRESSED}: about fewer than "
            "the threshold of people)"
        )
    return "; ".join(parts) if parts else "No lens ratings."
