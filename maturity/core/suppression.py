"""Small-number suppression: equality data about a few people must not identify them.

Pure functions; no I/O. Published outputs (the board pack, its tables) show a
count of people below the threshold (default 5) as suppressed, never as the
number, and say why in a note. Anything computed from a suppressed count is
suppressed too: a rate, a change between periods, a total that would let a
reader subtract their way back to the hidden number.

A metric with unit `count` is a count of people unless its framework says
`counts_people: false`: hiding a count of something else costs less than showing
a count of people. Percent and ratio metrics are shown as recorded (the
assessment gives no numerator to check).
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from maturity.core.framework import Unit

DEFAULT_THRESHOLD = 5
SUPPRESSED = "[c]"
"""What a suppressed value shows: the ONS convention for `confidential`."""


def note(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The sentence a published output prints wherever it suppressed something."""
    return (
        f"{SUPPRESSED}: suppressed. Counts of fewer than {threshold} people are not published, "
        "so that no one can be identified; figures worked out from them are suppressed too."
    )


class Shown(BaseModel):
    """A value as a published output may show it."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(description="What to print: the value, `[c]` when suppressed, `-` for none.")
    value: float | None = Field(description="The value when it may be shown; None otherwise.")
    suppressed: bool = Field(description="Whether the value was hidden.")


NONE = Shown(text="-", value=None, suppressed=False)


def _format(value: float, unit: Unit | None) -> str:
    if unit is Unit.PERCENT:
        return f"{value:.1f}%".replace(".0%", "%")
    if unit is Unit.POINTS:
        text = f"{value:.1f}".removesuffix(".0")
        return f"{text} point" if abs(value) == 1 else f"{text} points"
    if unit is Unit.COUNT:
        return f"{value:,.0f}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def is_small(count: float | None, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Whether a count of people is too small to publish: under the threshold, zero included."""
    return count is not None and count < threshold


def count(value: float | None, threshold: int = DEFAULT_THRESHOLD) -> Shown:
    """A count of people: suppressed under `threshold` (zero included: `none of 3` identifies)."""
    if value is None:
        return NONE
    if is_small(value, threshold):
        return Shown(text=SUPPRESSED, value=None, suppressed=True)
    return Shown(text=_format(value, Unit.COUNT), value=value, suppressed=False)


def metric(
    value: float | None, unit: Unit, threshold: int = DEFAULT_THRESHOLD, people: bool = True
) -> Shown:
    """A metric's recorded value: counts of people as `count` does; anything else as given."""
    if unit is Unit.COUNT and people:
        return count(value, threshold)
    if value is None:
        return NONE
    return Shown(text=_format(value, unit), value=value, suppressed=False)


def rate(
    numerator: float | None, denominator: float | None, threshold: int = DEFAULT_THRESHOLD
) -> Shown:
    """`numerator / denominator` as a percentage of people.

    Suppressed when either count is small, or when the people outside the numerator
    are (100% of 7 says as much about those 7 as the count does).
    """
    if numerator is None or denominator is None or denominator <= 0:
        return NONE
    if any(is_small(c, threshold) for c in (numerator, denominator, denominator - numerator)):
        return Shown(text=SUPPRESSED, value=None, suppressed=True)
    value = 100 * numerator / denominator
    return Shown(text=_format(value, Unit.PERCENT), value=value, suppressed=False)


def derived(value: float | None, sources: Sequence[Shown], unit: Unit | None = None) -> Shown:
    """A figure worked out from other shown values: suppressed when any of them is."""
    if any(s.suppressed for s in sources):
        return Shown(text=SUPPRESSED, value=None, suppressed=True)
    if value is None:
        return NONE
    return Shown(text=_format(value, unit), value=value, suppressed=False)


def total(
    parts: Sequence[Shown],
    raw: Sequence[float | None],
    unit: Unit,
    threshold: int = DEFAULT_THRESHOLD,
    people: bool = True,
) -> Shown:
    """A total of counts, of which some may be suppressed.

    With exactly one part suppressed, the total would give it away by subtraction,
    so the total is suppressed too. With two or more hidden, it is shown.
    """
    known = [v for v in raw if v is not None]
    if not known:
        return NONE
    if sum(p.suppressed for p in parts) == 1:
        return Shown(text=SUPPRESSED, value=None, suppressed=True)
    value = float(sum(known))
    if unit is Unit.COUNT and people and is_small(value, threshold):
        return Shown(text=SUPPRESSED, value=None, suppressed=True)
    return Shown(text=_format(value, unit), value=value, suppressed=False)
