"""Demographic groups in published outputs: small groups merged, and who may be quoted.

The rule, from `core/suppression.py`: a group of fewer people than the threshold (default 5)
must not be shown, because it could identify them.

- Group counts: every group below the threshold is merged into "Other or not stated", with the
  people who did not answer. If that merged group is itself below the threshold (but not
  empty), the next smallest group joins it, until it reaches the threshold or nothing is left
  to merge; so no published count is of fewer people than the threshold.
- Quotes: a response may be quoted only when at least the threshold number of respondents
  gave the same answers to every demographic question; a person whose combination of answers
  is rarer is never quoted, even when each answer alone is common.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from maturity.core.consultation import Response
from maturity.core.suppression import DEFAULT_THRESHOLD, is_small

OTHER = "Other or not stated"
NOT_STATED = ""


class GroupCount(BaseModel):
    """One row of a published breakdown by a demographic column."""

    model_config = ConfigDict(frozen=True)

    group: str
    count: int
    merged_groups: int = 0
    """For the `Other or not stated` row: how many named groups it took in (never which)."""


def merge_small(counts: Counter[str], threshold: int = DEFAULT_THRESHOLD) -> dict[str, str]:
    """Each group's published name: itself, or `OTHER` (see the module docstring)."""
    shown = {group: group for group in counts}
    other = 0
    for group, n in counts.items():
        if group == NOT_STATED or group.casefold() == OTHER.casefold() or is_small(n, threshold):
            shown[group] = OTHER
            other += n
    remaining = sorted(
        (n, g) for g, n in counts.items() if shown[g] != OTHER
    )  # smallest first: merging it hides the least
    while 0 < other < threshold and remaining:
        n, group = remaining.pop(0)
        shown[group] = OTHER
        other += n
    return shown


def breakdown(
    responses: Sequence[Response], column: str, threshold: int = DEFAULT_THRESHOLD
) -> list[GroupCount]:
    """Respondents by their answer in `column`, small groups merged; largest first, other last."""
    counts = Counter(r.groups.get(column, NOT_STATED).strip() for r in responses)
    shown = merge_small(counts, threshold)
    merged: Counter[str] = Counter()
    hidden = 0
    for group, n in counts.items():
        merged[shown[group]] += n
        hidden += shown[group] == OTHER and group not in (NOT_STATED, OTHER)
    rows = [GroupCount(group=g, count=n) for g, n in merged.most_common() if g != OTHER]
    if OTHER in merged:
        rows.append(GroupCount(group=OTHER, count=merged[OTHER], merged_groups=hidden))
    return rows


def profile(response: Response, columns: Sequence[str]) -> tuple[str, ...]:
    """A respondent's answers to every demographic question, in column order."""
    return tuple(response.groups.get(c, NOT_STATED).strip().casefold() for c in columns)


def quotable(
    responses: Sequence[Response], columns: Sequence[str], threshold: int = DEFAULT_THRESHOLD
) -> set[str]:
    """The ids of responses that may be quoted (see the module docstring)."""
    if is_small(len(responses), threshold):
        return set()
    profiles = Counter(profile(r, columns) for r in responses)
    return {r.id for r in responses if not is_small(profiles[profile(r, columns)], threshold)}
