"""Respondents' submissions for one unit and period: which count, how they merge, where they differ.

Each respondent's submission is versioned on its own; a withdrawal is a version too.
The unit-period's result is the merge of the current, not withdrawn, submissions by
the framework's respondents rule, the same merge `maturity score` applies to files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from maturity.core.assessment import Assessment
from maturity.core.errors import MaturityError
from maturity.core.framework import NOT_APPLICABLE, Framework
from maturity.core.scoring import merge, merge_ranks

NO_GROUP = "(no group)"


class Result(BaseModel):
    """Base of the merge's results: frozen; validators built on first use."""

    model_config = ConfigDict(frozen=True, defer_build=True)


@dataclass(frozen=True)
class Submission:
    """One version of one respondent's submission; a withdrawal has no assessment."""

    respondent: str
    version: int
    assessment: Assessment | None
    group: str | None = None

    @property
    def withdrawn(self) -> bool:
        return self.assessment is None


def respondent_of(assessment: Assessment, fallback: str) -> str:
    """Who a submission is from: its `respondent`, else `fallback` (the file's name)."""
    return assessment.respondent or fallback


def current(submissions: Iterable[Submission]) -> list[Submission]:
    """The latest version of each respondent's submission that is not withdrawn, by respondent."""
    latest: dict[str, Submission] = {}
    for item in submissions:
        known = latest.get(item.respondent)
        if known is None or item.version > known.version:
            latest[item.respondent] = item
    return [latest[r] for r in sorted(latest) if not latest[r].withdrawn]


class GroupSpread(Result):
    """How one respondent group answered one criterion."""

    group: str = Field(description="The respondent group, or `(no group)`.")
    respondents: int = Field(description="Respondents in the group who gave a level.")
    level: str | None = Field(description="The group's level, merged by the framework's rule.")
    spread: int = Field(description="How many levels apart the group's own claims are.")


class CriterionSpread(Result):
    """Where respondents differ on one criterion: each one's claim, and each group's."""

    id: str
    levels: dict[str, str] = Field(description="Each respondent's claimed level id.")
    spread: int = Field(description="How many levels apart all claims are (not applicable aside).")
    groups: list[GroupSpread]


class Merged(Result):
    """A unit-period's merged assessment, with the spread per criterion and per group."""

    assessment: Assessment
    respondents: list[str] = Field(description="The respondents whose submissions count.")
    spreads: dict[str, int] = Field(description="Levels apart per criterion, for scoring.")
    criteria: list[CriterionSpread]


def merge_submissions(fw: Framework, submissions: Sequence[Submission]) -> Merged | None:
    """Merge the current submissions by the framework's respondents rule; None if none count.

    The result does not depend on the order of `submissions`: they are taken by
    respondent, and the merge itself is order-independent.
    """
    live = current(submissions)
    if not live:
        return None
    answers = [s.assessment for s in live if s.assessment is not None]
    # One submission is its own result, respondent and all; several merge without one.
    assessment, spreads = merge(fw, answers)
    return Merged(
        assessment=assessment,
        respondents=[s.respondent for s in live],
        spreads=spreads,
        criteria=_spreads(fw, live),
    )


def _spreads(fw: Framework, live: list[Submission]) -> list[CriterionSpread]:
    rule = fw.scoring.respondents_rule
    found: list[CriterionSpread] = []
    for ref in fw.criteria:
        levels = {
            s.respondent: level
            for s in live
            if s.assessment is not None
            and ref in s.assessment.responses
            and (level := s.assessment.responses[ref].level) is not None
        }
        if not levels:
            continue
        groups: dict[str, list[int]] = {}
        for s in live:
            if s.respondent in levels:
                ranks = groups.setdefault(s.group or NO_GROUP, [])
                if levels[s.respondent] != NOT_APPLICABLE:
                    ranks.append(fw.rank[levels[s.respondent]])
        on_scale = [fw.rank[v] for v in levels.values() if v != NOT_APPLICABLE]
        found.append(
            CriterionSpread(
                id=ref,
                levels=levels,
                spread=max(on_scale) - min(on_scale) if on_scale else 0,
                groups=[
                    GroupSpread(
                        group=name,
                        respondents=sum(
                            1
                            for s in live
                            if (s.group or NO_GROUP) == name and s.respondent in levels
                        ),
                        level=fw.level_ids[merge_ranks(rule, ranks)] if ranks else NOT_APPLICABLE,
                        spread=max(ranks) - min(ranks) if ranks else 0,
                    )
                    for name, ranks in sorted(groups.items())
                ],
            )
        )
    return found


def check_same_framework(fw: Framework, live: Sequence[Submission]) -> None:
    """Refuse to merge submissions answered against another framework version."""
    for s in live:
        if s.assessment is None:
            continue
        version = s.assessment.framework_version
        if s.assessment.framework_id != fw.id or version not in (None, fw.version):
            raise MaturityError(
                f"respondent '{s.respondent}' answered {s.assessment.framework}, not "
                f"{fw.ref}: respondents of one unit and period must use one framework version"
            )
