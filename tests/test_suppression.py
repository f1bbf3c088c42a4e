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


# --- worked examples: every branch, each boundary (issue 18, mutation testing) ------------

S = suppression


def shown(text: str, value: float) -> S.Shown:
    return S.Shown(text=text, value=value, suppressed=False)


HIDDEN = S.Shown(text=SUPPRESSED, value=None, suppressed=True)


def test_the_note_names_the_threshold() -> None:
    assert S.note(7) == (
        "[c]: suppressed. Counts of fewer than 7 people are not published, so that no one can "
        "be identified; figures worked out from them are suppressed too."
    )
    assert "fewer than 5 people" in S.note()


def test_values_are_formatted_by_unit() -> None:
    assert S.metric(12.5, Unit.PERCENT).text == "12.5%"
    assert S.metric(12.0, Unit.PERCENT).text == "12%"
    assert S.metric(1234.6, Unit.COUNT, people=False).text == "1,235"
    assert S.metric(1.5, Unit.RATIO).text == "1.5"
    assert S.metric(2.0, Unit.RATIO).text == "2"
    assert S.metric(0.125, Unit.RATIO).text == "0.12"
    assert S.derived(3.25, []).text == "3.25"  # no unit: as a ratio


def test_small_is_under_the_threshold_and_none_is_not_small() -> None:
    assert S.is_small(4) and S.is_small(0) and S.is_small(9, threshold=10)
    assert not S.is_small(5) and not S.is_small(None) and not S.is_small(10, threshold=10)


def test_count_at_the_threshold_is_shown() -> None:
    assert S.count(None) == S.NONE
    assert S.count(4) == HIDDEN
    assert S.count(5) == shown("5", 5)
    assert S.count(6, threshold=7) == HIDDEN


def test_metrics_suppress_only_counts_of_people() -> None:
    assert S.metric(None, Unit.PERCENT) == S.NONE
    assert S.metric(None, Unit.COUNT) == S.NONE
    assert S.metric(3, Unit.COUNT) == HIDDEN
    assert S.metric(3, Unit.COUNT, people=False) == shown("3", 3)
    assert S.metric(3, Unit.PERCENT) == shown("3%", 3)
    assert S.metric(8, Unit.COUNT, threshold=10) == HIDDEN


def test_rate_worked_examples() -> None:
    assert S.rate(10, 40) == shown("25%", 25.0)
    assert S.rate(None, 40) == S.NONE
    assert S.rate(10, None) == S.NONE
    assert S.rate(0, 0) == S.NONE  # a zero denominator is no rate, not a division error
    assert S.rate(1, -5) == S.NONE
    assert S.rate(4, 40) == HIDDEN  # small numerator
    assert S.rate(38, 40) == HIDDEN  # small complement: 2 people outside
    assert S.rate(35, 40) == shown("87.5%", 87.5)  # complement exactly 5: shown
    assert S.rate(5, 10) == shown("50%", 50.0)
    assert S.rate(6, 12, threshold=7) == HIDDEN
    assert S.rate(1, 1, threshold=0) == shown("100%", 100.0)  # no suppression: any count shown


def test_derived_worked_examples() -> None:
    assert S.derived(5.0, [shown("5", 5), HIDDEN]) == HIDDEN
    assert S.derived(None, [shown("5", 5)]) == S.NONE
    assert S.derived(12.5, [shown("5", 5)], Unit.PERCENT) == shown("12.5%", 12.5)


def test_total_worked_examples() -> None:
    assert S.total([], [], Unit.COUNT) == S.NONE
    assert S.total([S.NONE], [None], Unit.COUNT) == S.NONE
    # Two hidden: the total cannot give either away, and is the sum of every raw part.
    assert S.total([HIDDEN, HIDDEN, shown("10", 10)], [2, 3, 10], Unit.COUNT) == shown("15", 15)
    assert S.total([HIDDEN, shown("10", 10)], [2, 10], Unit.COUNT) == HIDDEN
    # A total under the threshold is itself a small count of people...
    assert S.total([shown("2", 2), shown("1", 1)], [2, 1], Unit.COUNT) == HIDDEN
    assert S.total([shown("4", 4)], [4], Unit.COUNT, threshold=5) == HIDDEN
    assert S.total([shown("5", 5)], [5], Unit.COUNT) == shown("5", 5)
    # ...unless it counts things, or is not a count.
    assert S.total([shown("2", 2)], [2], Unit.COUNT, people=False) == shown("2", 2)
    assert S.total([shown("2%", 2)], [2], Unit.PERCENT) == shown("2%", 2)
    assert S.total([shown("6", 6)], [6], Unit.COUNT, threshold=7) == HIDDEN
