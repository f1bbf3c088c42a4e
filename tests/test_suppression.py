"""Small-number suppression: counts of people under the threshold, and what comes from them."""

from __future__ import annotations

from board_fixtures import board_scores, framework

from maturity.core import suppression
from maturity.core.board import build_board
from maturity.core.framework import Unit
from maturity.core.suppression import SUPPRESSED


def test_counts_under_the_threshold_are_suppressed_and_zero_too() -> None:
    assert suppression.count(4).text == SUPPRESSED
    assert suppression.count(4).value is None
    assert suppression.count(0).suppressed
    assert suppression.count(5) == suppression.Shown(text="5", value=5, suppressed=False)
    assert suppression.count(1234).text == "1,234"
    assert suppression.count(None).text == "-"


def test_the_threshold_is_configurable() -> None:
    assert suppression.count(9, threshold=10).suppressed
    assert not suppression.count(10, threshold=10).suppressed
    assert not suppression.count(2, threshold=1).suppressed


def test_percentages_are_shown_as_recorded_counts_are_not() -> None:
    assert suppression.metric(3.0, Unit.PERCENT).text == "3%"
    assert suppression.metric(12.5, Unit.PERCENT).text == "12.5%"
    # A gap between two percentages is printed in points, as the framework declares it.
    assert suppression.metric(5.5, Unit.POINTS).text == "5.5 points"
    assert suppression.metric(2.0, Unit.POINTS).text == "2 points"
    assert suppression.metric(3.0, Unit.COUNT).text == SUPPRESSED


def test_a_rate_from_a_small_count_is_suppressed() -> None:
    assert suppression.rate(3, 40).suppressed  # few people in the numerator
    assert suppression.rate(4, 4).suppressed  # few people overall
    assert suppression.rate(38, 40).suppressed  # the two left out are few
    shown = suppression.rate(10, 40)
    assert (shown.text, shown.value, shown.suppressed) == ("25%", 25.0, False)


def test_anything_derived_from_a_suppressed_value_is_suppressed() -> None:
    hidden, visible = suppression.count(2), suppression.count(12)
    assert suppression.derived(10.0, [hidden, visible], Unit.COUNT).text == SUPPRESSED
    assert suppression.derived(10.0, [visible], Unit.COUNT).text == "10"


def test_a_total_that_would_reveal_one_hidden_count_is_suppressed() -> None:
    raw = [2.0, 12.0, 30.0]
    parts = [suppression.count(v) for v in raw]
    assert suppression.total(parts, raw, Unit.COUNT).text == SUPPRESSED
    raw = [2.0, 3.0, 30.0]
    parts = [suppression.count(v) for v in raw]
    assert suppression.total(parts, raw, Unit.COUNT).text == "35"


def test_the_board_pack_suppresses_small_counts_and_says_so() -> None:
    fw = framework()
    pack = build_board(board_scores(fw), [fw], "2025/26")
    cells = {row.unit: row.cells[0] for row in pack.metric_rows}
    assert cells["Council/Adults/Health"].shown.text == SUPPRESSED  # 3 people
    # Under 5 is under the target of 10: saying so tells no more than [c] does.
    assert cells["Council/Adults/Health"].target_met is False
    assert cells["Council/Adults/Care"].shown.text == "12"
    assert cells["Council/Place/Housing"].shown.text == "15"
    # 12 + 15 shown: a total would give the hidden 3 away.
    assert pack.metrics[0].summary.text == SUPPRESSED
    assert pack.suppressed


def test_met_or_not_is_hidden_when_it_would_tell_more_than_the_suppression() -> None:
    from maturity.core.board import _hidden_met
    from maturity.core.framework import Metric

    def metric(direction: str, target: float) -> Metric:
        return Metric.model_validate(
            {
                "name": "People",
                "unit": "count",
                "direction": direction,
                "target": target,
                "thresholds": {"l2": 1},
            }
        )

    assert _hidden_met(metric("higher", 10), 5) is False
    assert _hidden_met(metric("higher", 3), 5) is None  # 3 or 4 would meet it, 0 to 2 not
    assert _hidden_met(metric("lower", 4), 5) is True
    assert _hidden_met(metric("lower", 2), 5) is None


def test_the_threshold_reaches_the_board_pack() -> None:
    fw = framework()
    pack = build_board(board_scores(fw), [fw], "2025/26", threshold=2)
    assert not pack.suppressed
    assert pack.metrics[0].summary.text == "30"
    assert pack.metrics[0].met == 2  # 12 and 15 reach the target of 10
