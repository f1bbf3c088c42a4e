"""The pure parts of respondents and review: merging submissions, the review state machine,
moderation records, with hypothesis laws."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maturity.core.assessment import Assessment, Response
from maturity.core.framework import Framework
from maturity.core.respondents import Submission, current, merge_submissions
from maturity.core.review import (
    NEXT,
    ModerationRecord,
    ReviewError,
    ReviewStep,
    Status,
    advance,
    apply_moderation,
    reached,
    status_of,
)
from maturity.core.scoring import score
from maturity.files.catalog import load_framework
from tests.strategies import assessments, frameworks

AT = dt.datetime(2026, 4, 1, 9, 30, tzinfo=dt.UTC)


@st.composite
def submissions(draw: st.DrawFn) -> tuple[Framework, list[Submission]]:
    """A framework and a run of submission versions by a few respondents, some withdrawn."""
    fw = draw(frameworks(max_domains=2, max_criteria=3))
    names = draw(st.lists(st.sampled_from(["ann", "bo", "cy", "di"]), min_size=1, max_size=6))
    versions: dict[str, int] = {}
    made = []
    for name in names:
        versions[name] = versions.get(name, 0) + 1
        withdrawn = draw(st.integers(0, 4)) == 0
        made.append(
            Submission(
                respondent=name,
                version=versions[name],
                assessment=None if withdrawn else draw(assessments(fw)),
                group=draw(st.sampled_from([None, "staff network", "service team"])),
            )
        )
    return fw, made


@given(data=st.data())
def test_the_order_of_submissions_does_not_matter(data: st.DataObject) -> None:
    fw, made = data.draw(submissions())
    shuffled = data.draw(st.permutations(made))
    assert merge_submissions(fw, made) == merge_submissions(fw, shuffled)


@given(data=st.data())
def test_a_withdrawn_submission_no_longer_counts(data: st.DataObject) -> None:
    fw, made = data.draw(submissions())
    who = data.draw(st.sampled_from(sorted({s.respondent for s in made})))
    last = max(s.version for s in made if s.respondent == who)
    withdrawn = [*made, Submission(respondent=who, version=last + 1, assessment=None)]
    merged = merge_submissions(fw, withdrawn)
    others = [s for s in made if s.respondent != who]
    assert merged == merge_submissions(fw, others)
    assert merged is None or who not in merged.respondents


def test_current_takes_each_respondents_latest_version() -> None:
    a1 = Assessment(framework="x", unit="U", period="2025/26")
    a2 = a1.model_copy(update={"respondents": 2})
    made = [
        Submission("bo", 2, a2),
        Submission("ann", 1, a1),
        Submission("bo", 1, a1),
        Submission("cy", 1, a1),
        Submission("cy", 2, None),
    ]
    assert [(s.respondent, s.version) for s in current(made)] == [("ann", 1), ("bo", 2)]


def test_merged_submissions_score_as_the_files_do_with_spread_by_group() -> None:
    fw = load_framework("edi-maturity")
    ref = "environment.zero-tolerance"
    base = Assessment(framework=fw.ref, unit="City Council/Adults", period="2025/26")

    def said(level: str) -> Assessment:
        return base.model_copy(update={"responses": {ref: Response(level=level, evidence=["x"])}})

    made = [
        Submission("ann", 1, said("developing"), "staff network"),
        Submission("bo", 1, said("embedded"), "staff network"),
        Submission("cy", 1, said("established"), "service team"),
    ]
    merged = merge_submissions(fw, made)
    assert merged is not None
    assert merged.assessment.responses[ref].level == "established"  # the median
    assert merged.spreads == {ref: 2}
    (spread,) = merged.criteria
    assert spread.levels == {"ann": "developing", "bo": "embedded", "cy": "established"}
    by_group = {g.group: (g.respondents, g.level, g.spread) for g in spread.groups}
    assert by_group == {
        "service team": (1, "established", 0),
        "staff network": (2, "developing", 2),
    }
    assert score(fw, merged.assessment, merged.spreads).criterion(ref).level == "established"


statuses = st.lists(st.sampled_from(list(Status)), max_size=12)


@given(wanted=statuses)
def test_no_status_is_reached_without_a_recorded_step(wanted: list[Status]) -> None:
    steps: list[ReviewStep] = []
    for status in wanted:
        try:
            steps.append(advance(steps, status, "Kal Sandhu", "A comment.", AT))
        except ReviewError:
            continue
    path = [Status.DRAFT, *(s.status for s in steps)]
    for before, after in itertools.pairwise(path):
        assert after in NEXT[before]
    # Validated and approved are only ever reached through a submission.
    for i, step in enumerate(steps):
        if step.status in (Status.VALIDATED, Status.APPROVED):
            assert Status.SUBMITTED in [s.status for s in steps[:i]]
    assert status_of(steps) == (steps[-1].status if steps else Status.DRAFT)


def test_a_skipped_status_is_refused_with_the_way_there() -> None:
    with pytest.raises(ReviewError) as caught:
        advance([], Status.VALIDATED, "Kal Sandhu")
    assert str(caught.value) == (
        "cannot go from draft to validated: from draft the next step is submitted; "
        "record submitted first"
    )
    steps = [advance([], Status.SUBMITTED, "Jo Bloggs", at=AT)]
    with pytest.raises(ReviewError, match=r"^returning an assessment needs a comment"):
        advance(steps, Status.RETURNED, "Kal Sandhu")
    steps.append(advance(steps, Status.RETURNED, "Kal Sandhu", "More evidence, please.", AT))
    with pytest.raises(ReviewError, match="record submitted then validated first"):
        advance(steps, Status.APPROVED, "Kal Sandhu")


def test_reached_counts_returned_as_back_with_the_team() -> None:
    assert reached(Status.APPROVED, Status.VALIDATED)
    assert reached(Status.VALIDATED, Status.VALIDATED)
    assert not reached(Status.SUBMITTED, Status.VALIDATED)
    assert not reached(Status.RETURNED, Status.SUBMITTED)


def test_moderation_sits_beside_the_answer_and_the_latest_counts() -> None:
    fw = load_framework("edi-maturity")
    ref = "environment.zero-tolerance"
    answer = Response(level="embedded", evidence=["minutes"], owner="Ruth Abernethy")
    a = Assessment(
        framework=fw.ref, unit="City Council/Adults", period="2025/26", responses={ref: answer}
    )

    def record(level: str, day: int) -> ModerationRecord:
        return ModerationRecord(
            criterion=ref,
            level=level,
            reason="Panel read the evidence.",
            moderator="Kal Sandhu",
            on=dt.date(2026, 4, day),
        )

    moderated = apply_moderation(a, [record("developing", 1), record("established", 2)])
    kept = moderated.responses[ref]
    assert (kept.level, kept.evidence, kept.owner) == ("embedded", ["minutes"], "Ruth Abernethy")
    assert kept.moderated is not None and kept.moderated.level == "established"
    assert score(fw, moderated).criterion(ref).level == "established"
    assert a.responses[ref].moderated is None  # the team's answer is untouched
    # A criterion the team left out can still be moderated.
    other = "environment.racial-literacy"
    result = score(
        fw, apply_moderation(a, [record("developing", 3).model_copy(update={"criterion": other})])
    )
    assert result.criterion(other).level == "developing"
