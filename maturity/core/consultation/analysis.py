"""From matched responses to what a report shows: themes, quotes, uncovered themes, cross-reference.

The rules, as the report states them:

- A response raises its best-matching criterion, and any other of its top three that scored
  at least `NEAR` (three quarters) of the best. An officer's correction replaces this.
- A response whose best score is under the threshold raises nothing: it is an uncovered theme.
- A theme's count is the number of responses that raise it (a response counts once per domain).
- The cross-reference flags a criterion staff raise often (at least `OFTEN_SHARE` of responses,
  and at least 3) that the unit self-assessed at the second-highest level or above: where
  staff voice and the self-assessment disagree, for a moderator to look at.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from maturity.core.consultation import Consultation, Response
from maturity.core.consultation.groups import quotable
from maturity.core.consultation.ranking import (
    DEFAULT_THRESHOLD,
    DEFAULT_TOP,
    Index,
    Match,
    is_uncovered,
    words,
)
from maturity.core.framework import Framework
from maturity.core.scoring import Score
from maturity.core.suppression import DEFAULT_THRESHOLD as SMALL_GROUP

NEAR = 0.75
OFTEN_SHARE = 0.05
OFTEN_AT_LEAST = 3
QUOTES_PER_DOMAIN = 2


class Mapped(BaseModel):
    """One response's place in the framework: its top matches and the criteria it raises."""

    model_config = ConfigDict(frozen=True)

    response_id: str
    matches: list[Match]
    raised: list[str]
    reviewed: bool
    uncovered: bool


def map_responses(
    fw: Framework,
    responses: Sequence[Response],
    corrections: Mapping[str, list[str]] | None = None,
    top: int = DEFAULT_TOP,
    threshold: float = DEFAULT_THRESHOLD,
    index: Index | None = None,
) -> list[Mapped]:
    """Map every response (see the module docstring); corrections win over the ranking."""
    index = index or Index(fw)
    corrections = corrections or {}
    mapped = []
    for response in responses:
        corrected = corrections.get(response.id)
        if corrected is not None:
            refs = [ref for ref in corrected if ref in fw.criteria]
            mapped.append(
                Mapped(
                    response_id=response.id,
                    matches=[index.score_for(response.text, ref) for ref in refs],
                    raised=refs,
                    reviewed=True,
                    uncovered=not refs,
                )
            )
            continue
        matches = index.score(response.text)[:top]
        uncovered = is_uncovered(matches, threshold)
        raised = (
            []
            if uncovered
            else [m.ref for m in matches if m.score >= max(threshold, NEAR * matches[0].score)]
        )
        mapped.append(
            Mapped(
                response_id=response.id,
                matches=matches,
                raised=raised,
                reviewed=False,
                uncovered=uncovered,
            )
        )
    return mapped


def raised_counts(mapped: Sequence[Mapped]) -> Counter[str]:
    """How many responses raise each criterion."""
    return Counter(ref for m in mapped for ref in dict.fromkeys(m.raised))


class Theme(BaseModel):
    """A domain's share of the responses, with its criteria's counts and quotes."""

    model_config = ConfigDict(frozen=True)

    domain: str
    name: str
    responses: int
    criteria: list[tuple[str, str, int]]
    """(ref, title, responses) for every criterion raised, most raised first."""
    quotes: list[str]


def themes(
    fw: Framework,
    consultation: Consultation,
    mapped: Sequence[Mapped],
    threshold: int = SMALL_GROUP,
) -> list[Theme]:
    """Themes by domain in framework order, with quotes only from respondents who may be quoted."""
    may_quote = quotable(consultation.responses, consultation.group_columns, threshold)
    text = {r.id: r.text for r in consultation.responses}
    redacted = {r.id: r.redactions for r in consultation.responses}
    counts = raised_counts(mapped)
    found = []
    for domain in fw.domains:
        in_domain = [
            m for m in mapped if any(ref.split(".", 1)[0] == domain.id for ref in m.raised)
        ]
        criteria = sorted(
            (
                (f"{domain.id}.{c.id}", c.title, counts[f"{domain.id}.{c.id}"])
                for c in domain.criteria
                if counts[f"{domain.id}.{c.id}"]
            ),
            key=lambda t: -t[2],
        )

        def strength(m: Mapped, domain_id: str = domain.id) -> tuple[bool, bool, float]:
            # Reviewed first, then whole (unredacted) texts, then the strongest matches.
            best = max((x.score for x in m.matches if x.ref.startswith(f"{domain_id}.")), default=0)
            return (not m.reviewed, redacted[m.response_id] > 0, -best)

        candidates = sorted(
            (
                m
                for m in in_domain
                if m.response_id in may_quote and m.raised[0].startswith(f"{domain.id}.")
            ),
            key=strength,
        )
        quotes = [text[m.response_id] for m in candidates[:QUOTES_PER_DOMAIN]]
        found.append(
            Theme(
                domain=domain.id,
                name=domain.name,
                responses=len(in_domain),
                criteria=criteria,
                quotes=quotes,
            )
        )
    return found


class Uncovered(BaseModel):
    """The responses that matched no criterion well: candidates for new criteria."""

    model_config = ConfigDict(frozen=True)

    count: int
    common_words: list[tuple[str, int]]
    """Words used in more than one uncovered response, most used first."""
    quotes: list[str]
    hidden: int
    """Uncovered responses not quoted because their respondents may not be quoted."""


def uncovered(
    consultation: Consultation, mapped: Sequence[Mapped], threshold: int = SMALL_GROUP
) -> Uncovered:
    """The uncovered themes (see `Uncovered`)."""
    may_quote = quotable(consultation.responses, consultation.group_columns, threshold)
    ids = {m.response_id for m in mapped if m.uncovered}
    texts = [(r.id, r.text) for r in consultation.responses if r.id in ids]
    used: Counter[str] = Counter()
    for _, text in texts:
        used.update({word for _, word in words(text)})
    common = [(w, n) for w, n in used.most_common(12) if n > 1]
    quotes = [t for rid, t in texts if rid in may_quote]
    return Uncovered(
        count=len(texts), common_words=common, quotes=quotes, hidden=len(texts) - len(quotes)
    )


class CrossRow(BaseModel):
    """One criterion in the cross-reference: how often staff raise it, beside the unit's level."""

    model_config = ConfigDict(frozen=True)

    ref: str
    title: str
    responses: int
    level: str | None
    """The level's name, None when the unit gave no answer."""
    flagged: bool


def often(total: int) -> int:
    """How many responses make a criterion `raised often` (see the module docstring)."""
    return max(OFTEN_AT_LEAST, math.ceil(OFTEN_SHARE * total))


def cross_reference(
    fw: Framework, mapped: Sequence[Mapped], total: int, score: Score | None
) -> list[CrossRow]:
    """Criteria staff raised, most raised first, beside the unit's self-assessed level."""
    counts = raised_counts(mapped)
    high = fw.rank[fw.level_ids[-2]]
    levels: dict[str, str | None] = {}
    if score is not None:
        levels = {c.id: c.level for c in score.criteria}
    rows = []
    for ref, n in counts.most_common():
        if ref not in fw.criteria:
            continue
        level = levels.get(ref)
        rows.append(
            CrossRow(
                ref=ref,
                title=fw.criteria[ref][1].title,
                responses=n,
                level=None if level is None else fw.level(level).name,
                flagged=level is not None and n >= often(total) and fw.rank[level] >= high,
            )
        )
    return rows
