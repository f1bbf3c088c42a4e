"""Scores as the store keeps them: compact JSON text, with and without the criteria."""

from __future__ import annotations

import json

from maturity.core.scoring import Score


def dumps(result: Score) -> str:
    """The whole result as compact JSON."""
    return json.dumps(result.as_dict(), ensure_ascii=False, separators=(",", ":"))


def summary(result: Score) -> str:
    """The result without its criteria: what a benchmark reads."""
    return dumps(result._replace(criteria=[]))


def loads(text: str) -> Score:
    """A result from `dumps` or `summary` text, including text an earlier version wrote."""
    return Score.from_dict(json.loads(text))
