"""Scores as the store keeps them: compact JSON text, with and without the criteria.

JSON is written and parsed by pydantic's compiled core (`pydantic_core`): about three
times quicker than the standard library here, and the same text as when scores were
pydantic models, so every store holds one format.
"""

from __future__ import annotations

from pydantic_core import from_json, to_json

from maturity.core.scoring import Score


def dumps(result: Score) -> str:
    """The whole result as compact JSON."""
    return to_json(result.as_dict()).decode("utf-8")


def summary(result: Score) -> str:
    """The result without its criteria: what a benchmark reads."""
    return dumps(result._replace(criteria=[]))


def loads(text: str) -> Score:
    """A result from `dumps` or `summary` text, including text an earlier version wrote."""
    return Score.from_dict(from_json(text))
