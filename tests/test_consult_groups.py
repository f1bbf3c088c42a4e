"""Small demographic groups: merged in every breakdown, never quoted."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from maturity.core.consultation import Response
from maturity.core.consultation.groups import OTHER, breakdown, merge_small, quotable

COLUMN = "Ethnic group"


def responses(groups: list[str], column: str = COLUMN) -> list[Response]:
    return [
        Response(id=str(i), text=f"response {i}", groups={column: g})
        for i, g in enumerate(groups, start=1)
    ]


def test_a_group_of_one_is_merged_and_never_named() -> None:
    rows = breakdown(responses(["White British"] * 9 + ["Asian"] * 6 + ["Arab"] + [""] * 4), COLUMN)
    assert [(r.group, r.count) for r in rows] == [
        ("White British", 9),
        ("Asian", 6),
        (OTHER, 5),
    ]
    assert rows[-1].merged_groups == 1
    assert "Arab" not in repr(rows)


def test_a_merged_group_still_too_small_takes_in_the_next_smallest() -> None:
    rows = breakdown(responses(["A"] * 12 + ["B"] * 6 + ["C"] * 2), COLUMN)
    # C alone (2) would be a published count under 5: B joins it.
    assert [(r.group, r.count) for r in rows] == [("A", 12), (OTHER, 8)]


def test_a_column_nobody_answered_is_one_row() -> None:
    assert [(r.group, r.count) for r in breakdown(responses([""] * 7), COLUMN)] == [(OTHER, 7)]


@given(st.lists(st.sampled_from(["A", "B", "C", "D", "E", ""]), min_size=5, max_size=60))
def test_no_published_count_is_under_the_threshold(groups: list[str]) -> None:
    rows = breakdown(responses(groups), COLUMN)
    assert sum(r.count for r in rows) == len(groups)
    assert all(r.count >= 5 for r in rows)
    shown = merge_small(Counter(groups))
    assert all(shown[g] == OTHER for g, n in Counter(groups).items() if n < 5)


def test_only_respondents_sharing_every_answer_with_enough_others_are_quoted() -> None:
    people = [
        Response(id=f"w{i}", text="t", groups={"Ethnicity": "White", "Disability": "No"})
        for i in range(6)
    ]
    # Five Black respondents, but only one of them disabled: their combination identifies them.
    people += [
        Response(id=f"b{i}", text="t", groups={"Ethnicity": "Black", "Disability": "No"})
        for i in range(5)
    ]
    people.append(
        Response(id="b-disabled", text="t", groups={"Ethnicity": "Black", "Disability": "Yes"})
    )
    people.append(Response(id="arab", text="t", groups={"Ethnicity": "Arab", "Disability": "No"}))
    allowed = quotable(people, ["Ethnicity", "Disability"])
    assert allowed == {f"w{i}" for i in range(6)} | {f"b{i}" for i in range(5)}


def test_nobody_is_quoted_from_a_consultation_smaller_than_the_threshold() -> None:
    assert quotable(responses(["A"] * 4), [COLUMN]) == set()
    assert quotable(responses(["A"] * 4), []) == set()
    assert quotable(responses(["A"] * 5), []) == {"1", "2", "3", "4", "5"}
