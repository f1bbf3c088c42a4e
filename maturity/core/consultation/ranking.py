"""Matching responses to criteria by the words they share: BM25, explained.

How a response is matched, in words an equalities officer can give a board:

1. Each criterion's text is its title, description, level descriptors and evidence guidance,
   plus any `keywords` the framework declares. The title and keywords count twice.
2. Texts are split into words; common words (`the`, `would`, `we`) are dropped and each word is
   cut to its stem with the standard English (Snowball) stemmer, so `recruiting`,
   `recruited` and `recruitment` count as one word.
3. For each criterion, every word of the response that the criterion also uses adds to its
   score (BM25, the formula search engines use): more when the word is rare across the
   framework (`mentoring` says more than `staff`), a little more each time the criterion
   repeats it, and a little less for long criteria. Each word of the response counts once.
4. The criteria with the highest scores are the response's themes; the words that matched are
   shown beside each. A response whose best score is under the threshold matches nothing
   well: it is an uncovered theme, a candidate for a new criterion.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache

from pydantic import BaseModel, ConfigDict

from maturity.core.consultation.redaction import MARKS
from maturity.core.framework import Criterion, Framework

K1 = 1.2
B = 0.75
DEFAULT_TOP = 3
DEFAULT_THRESHOLD = 6.0
"""Best score under which a response is an uncovered theme; chosen on the sample consultation."""

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each etc
    every few for from further get gets got had has have having he her here hers him his how
    i if in into is it its itself just let lot lots me more most much must my no nor not now
    of off on once only or other our ours out over own really same she should so some such
    than that the their theirs them then there these they this those through to too under
    until up upon us very via was we were what when where which while who whom why will with
    would you your yours e g eg ie thing things way ways want wish think feel felt one ones
    yes see seen say said
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+")


@cache
def _stemmer() -> object:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@cache
def _stem(word: str) -> str:
    stemmer = _stemmer()
    return str(stemmer.stemWord(word))  # type: ignore[attr-defined]


def words(text: str) -> list[tuple[str, str]]:
    """Each word worth matching in `text`: (stem, the word as written, lower case)."""
    for mark in MARKS:  # `[staff number]` is not about staff
        text = text.replace(mark, " ")
    found = []
    for raw in _WORD.findall(text.lower()):
        word = re.sub(r"['’]s$", "", raw).replace("’", "'")
        if len(word) < 2 or word in STOPWORDS or word.isdigit():
            continue
        found.append((_stem(word), word))
    return found


def criterion_text(criterion: Criterion) -> list[str]:
    """The texts a criterion is matched on; the title and keywords twice (see the docstring)."""
    texts = [criterion.title, criterion.title, criterion.description]
    texts += list(criterion.descriptors.values()) + list(criterion.evidence.values())
    texts += list(criterion.keywords) * 2
    return texts


class Match(BaseModel):
    """One criterion a response matched, with its score and the response's words that matched."""

    model_config = ConfigDict(frozen=True)

    ref: str
    score: float
    terms: list[str]


class Index:
    """A framework's criteria, ready to score responses against (BM25 over criteria)."""

    def __init__(self, fw: Framework) -> None:
        self.refs = list(fw.criteria)
        self.counts: list[Counter[str]] = []
        for _, criterion in fw.criteria.values():
            stems = [s for text in criterion_text(criterion) for s, _ in words(text)]
            self.counts.append(Counter(stems))
        self.lengths = [sum(c.values()) for c in self.counts]
        self.average = sum(self.lengths) / max(len(self.lengths), 1)
        frequency: Counter[str] = Counter(s for c in self.counts for s in c)
        n = len(self.counts)
        self.idf = {s: math.log(1 + (n - f + 0.5) / (f + 0.5)) for s, f in frequency.items()}

    def score(self, text: str) -> list[Match]:
        """Every criterion the text shares a word with, highest score first."""
        query: dict[str, str] = {}
        for stem, word in words(text):
            query.setdefault(stem, word)
        matches = []
        for ref, counts, length in zip(self.refs, self.counts, self.lengths, strict=True):
            parts: list[tuple[float, str]] = []
            for stem, word in query.items():
                tf = counts.get(stem, 0)
                if not tf:
                    continue
                norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / self.average))
                parts.append((self.idf[stem] * norm, word))
            if parts:
                parts.sort(key=lambda p: (-p[0], p[1]))
                total = sum(p[0] for p in parts)
                matches.append(Match(ref=ref, score=round(total, 2), terms=[w for _, w in parts]))
        matches.sort(key=lambda m: (-m.score, self.refs.index(m.ref)))
        return matches

    def score_for(self, text: str, ref: str) -> Match:
        """The match of `text` with one criterion (score 0 when no word is shared)."""
        for match in self.score(text):
            if match.ref == ref:
                return match
        return Match(ref=ref, score=0.0, terms=[])


def top(matches: Sequence[Match], n: int = DEFAULT_TOP) -> list[Match]:
    """The first `n` matches."""
    return list(matches[:n])


def is_uncovered(matches: Iterable[Match], threshold: float = DEFAULT_THRESHOLD) -> bool:
    """Whether no criterion scores at least `threshold`."""
    return all(m.score < threshold for m in matches)
