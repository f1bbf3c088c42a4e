"""The scoring engine: laws that hold for every rule, and worked examples computed by hand."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import make_framework
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import assessments, frameworks, metric_values

from maturity.core.assessment import Assessment, Moderation, Response
from maturity.core.errors import MaturityError
from maturity.core.framework import NOT_APPLICABLE, Framework, MergeRule, Rule
from maturity.core.scoring import Score, merge, score

EPS = 1e-9
NA = NOT_APPLICABLE
# Each law runs for ten rule cases; a quarter of the profile's examples each keeps the file fast
# (MATURITY_HYPOTHESIS_EXAMPLES=400 for a deeper run).
laws = settings(max_examples=max(10, settings.default.max_examples // 4))
RULE_CASES = [
    pytest.param(rule, role, id=f"{role}_rule={rule.value}")
    for rule in Rule
    for role in ("domain", "overall")
]


def framework_with(rule: Rule, role: str) -> st.SearchStrategy[Framework]:
    """Frameworks using `rule` in `role`, with any rule in the other role."""
    if role == "domain":
        return frameworks(domain_rule=rule)
    return frameworks(overall_rule=rule)


def assess(
    responses: dict[str, Response | dict[str, Any]], fw: Framework | None = None, **kw: Any
) -> Assessment:
    return Assessment(
        framework=fw.ref if fw else "tiny@1.0",
        unit=kw.pop("unit", "City Council/Housing"),
        period=kw.pop("period", "2025/26"),
        responses={
            ref: r if isinstance(r, Response) else Response(**r) for ref, r in responses.items()
        },
        **kw,
    )


def replace(a: Assessment, ref: str, response: Response | None) -> Assessment:
    responses = dict(a.responses)
    if response is None:
        responses.pop(ref, None)
    else:
        responses[ref] = response
    return a.model_copy(update={"responses": responses})


def assert_not_lower(before: Score, after: Score) -> None:
    """Every domain score and the overall score in `after` is at least that in `before`."""
    for b, a in zip(before.domains, after.domains, strict=True):
        if b.score is not None:
            assert a.score is not None and a.score >= b.score - EPS, (b, a)
    if before.overall.score is not None:
        assert after.overall.score is not None
        assert after.overall.score >= before.overall.score - EPS


# ---------------------------------------------------------------------------------------------
# Laws


@pytest.mark.parametrize(("rule", "role"), RULE_CASES)
@laws
@given(data=st.data())
def test_scores_stay_within_the_scale(rule: Rule, role: str, data: st.DataObject) -> None:
    fw = data.draw(framework_with(rule, role))
    result = score(fw, data.draw(assessments(fw)))
    lo, hi = fw.levels[0].points, fw.levels[-1].points
    for c in result.criteria:
        assert c.level in [*fw.level_ids, NA]
        assert c.score is None or lo <= c.score <= hi
    for d in result.domains:
        assert 0 <= d.completeness <= 1
        if d.score is None:
            assert d.level is None and d.applicable == 0
            continue
        assert d.level in fw.level_ids
        n = d.applicable if fw.scoring.domain_rule is Rule.SUM else 1
        assert n * lo - EPS <= d.score <= n * hi + EPS
    overall = result.overall
    if overall.score is None:
        assert all(d.score is None for d in result.domains)
        return
    low, high = fw.score_range()
    assert low - EPS <= overall.score <= high + EPS
    assert overall.level in fw.level_ids
    if fw.scoring.bands:
        assert overall.rating is not None


@pytest.mark.parametrize(("rule", "role"), RULE_CASES)
@laws
@given(data=st.data())
def test_raising_one_response_never_lowers_a_score(
    rule: Rule, role: str, data: st.DataObject
) -> None:
    fw = data.draw(framework_with(rule, role))
    a = data.draw(assessments(fw))
    ref = data.draw(st.sampled_from(list(fw.criteria)))
    old = a.responses.get(ref) or Response()
    n = len(fw.levels)
    low = data.draw(st.integers(0, n - 2))
    high = data.draw(st.integers(low + 1, n - 1))
    before = replace(a, ref, old.model_copy(update={"level": fw.level_ids[low]}))
    after = replace(a, ref, old.model_copy(update={"level": fw.level_ids[high]}))
    assert_not_lower(score(fw, before), score(fw, after))


@pytest.mark.parametrize(("rule", "role"), RULE_CASES)
@laws
@given(data=st.data())
def test_a_better_metric_value_never_lowers_a_score(
    rule: Rule, role: str, data: st.DataObject
) -> None:
    fw = data.draw(framework_with(rule, role))
    with_metric = [ref for ref, (_, c) in fw.criteria.items() if c.metric is not None]
    if not with_metric:
        return
    a = data.draw(assessments(fw))
    ref = data.draw(st.sampled_from(with_metric))
    metric = fw.criteria[ref][1].metric
    assert metric is not None
    x, y = sorted([data.draw(metric_values(fw, ref)), data.draw(metric_values(fw, ref))])
    worse, better = (x, y) if metric.direction.value == "higher" else (y, x)
    old = a.responses.get(ref) or Response(level=fw.level_ids[0])
    before = replace(a, ref, old.model_copy(update={"value": worse}))
    after = replace(a, ref, old.model_copy(update={"value": better}))
    assert_not_lower(score(fw, before), score(fw, after))


@pytest.mark.parametrize(("rule", "role"), RULE_CASES)
@laws
@given(data=st.data())
def test_the_order_of_responses_does_not_matter(rule: Rule, role: str, data: st.DataObject) -> None:
    fw = data.draw(framework_with(rule, role))
    a = data.draw(assessments(fw))
    shuffled = data.draw(st.permutations(list(a.responses.items())))
    assert score(fw, a) == score(fw, a.model_copy(update={"responses": dict(shuffled)}))


@pytest.mark.parametrize("merge_rule", list(MergeRule))
@laws
@given(data=st.data())
def test_the_order_of_respondents_does_not_matter(
    merge_rule: MergeRule, data: st.DataObject
) -> None:
    fw = data.draw(frameworks(respondents_rule=merge_rule))
    team = data.draw(st.lists(assessments(fw), min_size=2, max_size=4))
    order = data.draw(st.permutations(team))
    merged, spreads = merge(fw, team)
    merged_again, spreads_again = merge(fw, order)
    assert merged.responses == merged_again.responses
    assert spreads == spreads_again
    assert score(fw, merged, spreads) == score(fw, merged_again, spreads_again)


@pytest.mark.parametrize(("rule", "role"), RULE_CASES)
@laws
@given(data=st.data())
def test_adding_evidence_never_lowers_a_score(rule: Rule, role: str, data: st.DataObject) -> None:
    fw = data.draw(framework_with(rule, role))
    a = data.draw(assessments(fw))
    refs = data.draw(st.lists(st.sampled_from(list(fw.criteria)), min_size=1, unique=True))
    before = after = a
    for ref in refs:
        old = a.responses.get(ref) or Response(level=data.draw(st.sampled_from(fw.level_ids)))
        before = replace(before, ref, old)
        new = old.model_copy(update={"evidence": [*old.evidence, "Board minutes, May 2025"]})
        after = replace(after, ref, new)
    assert_not_lower(score(fw, before), score(fw, after))


@pytest.mark.parametrize(("rule", "role"), RULE_CASES)
@laws
@given(data=st.data())
def test_a_domain_all_not_applicable_has_no_score_rather_than_zero(
    rule: Rule, role: str, data: st.DataObject
) -> None:
    fw = data.draw(framework_with(rule, role))
    a = data.draw(assessments(fw))
    domain = data.draw(st.sampled_from(fw.domains))
    excluded = [f"{domain.id}.{c.id}" for c in domain.criteria]
    for ref in excluded:
        a = replace(a, ref, Response(level=NA))
    result = score(fw, a)
    d = result.domain(domain.id)
    assert (d.score, d.level, d.applicable) == (None, None, 0)
    others = [x for x in fw.domains if x.id != domain.id]
    if not others:
        assert result.overall.score is None
        return
    # The overall is exactly what it would be if the domain were not in the framework.
    data_without = fw.model_dump(mode="json", exclude_none=True)
    data_without["domains"] = [x for x in data_without["domains"] if x["id"] != domain.id]
    data_without["scoring"]["bands"] = []
    fw_without = Framework.model_validate(data_without)
    kept = {k: v for k, v in a.responses.items() if k not in excluded}
    expected = score(fw_without, a.model_copy(update={"responses": kept})).overall
    assert result.overall.score == pytest.approx(expected.score)
    assert result.overall.level == expected.level


@pytest.mark.parametrize(("rule", "role"), RULE_CASES)
@laws
@given(data=st.data())
def test_leaving_a_response_out_never_scores_higher_than_any_answer(
    rule: Rule, role: str, data: st.DataObject
) -> None:
    fw = data.draw(framework_with(rule, role))
    a = data.draw(assessments(fw))
    ref = data.draw(st.sampled_from(list(fw.criteria)))
    left_out = score(fw, replace(a, ref, None))
    evidence = data.draw(st.lists(st.just("Audit report"), max_size=1))
    for level in fw.level_ids:
        answered = score(fw, replace(a, ref, Response(level=level, evidence=evidence)))
        assert_not_lower(left_out, answered)


# ---------------------------------------------------------------------------------------------
# Worked examples. Levels are l1, l2, ...; criteria c1, c2, ... numbered across the framework.


def test_mean() -> None:
    fw = make_framework(points=(1, 2, 3), domains=((1, 1), (1,)))
    result = score(
        fw, assess({"d1.c1": {"level": "l1"}, "d1.c2": {"level": "l2"}, "d2.c3": {"level": "l3"}})
    )
    # d1 = (1 + 2) / 2 = 1.5, below l2's 2 points so level l1; d2 = 3 (l3).
    assert (result.domain("d1").score, result.domain("d1").level) == (1.5, "l1")
    assert (result.domain("d2").score, result.domain("d2").level) == (3, "l3")
    # overall = (1.5 + 3) / 2 = 2.25: l2.
    assert (result.overall.score, result.overall.level) == (2.25, "l2")


def test_weighted_mean() -> None:
    fw = make_framework(
        points=(1, 2, 3),
        domains=((1, 3), (1,)),
        domain_weights=(1, 2),
        domain_rule="weighted_mean",
        overall_rule="weighted_mean",
    )
    a = assess({"d1.c1": {"level": "l3"}, "d1.c2": {"level": "l1"}, "d2.c3": {"level": "l3"}})
    result = score(fw, a)
    # d1 = (3*1 + 1*3) / (1 + 3) = 6 / 4 = 1.5 (l1); d2 = 3 (l3).
    assert (result.domain("d1").score, result.domain("d1").level) == (1.5, "l1")
    # overall = (1.5*1 + 3*2) / (1 + 2) = 7.5 / 3 = 2.5 (l2).
    assert result.overall.score == pytest.approx(2.5)
    assert result.overall.level == "l2"


def test_sum_with_bands() -> None:
    fw = make_framework(
        points=(0, 1, 2),
        domains=((1, 1), (1, 1)),
        domain_rule="sum",
        overall_rule="sum",
        bands=[("Bronze", 0, 2.99), ("Silver", 3, 5.99), ("Gold", 6, 8)],
    )
    a = assess(
        {
            "d1.c1": {"level": "l3"},
            "d1.c2": {"level": "l2"},
            "d2.c3": {"level": "l3"},
            "d2.c4": {"level": "l3"},
        }
    )
    result = score(fw, a)
    # d1 = 2 + 1 = 3; per criterion 3 / 2 = 1.5, so level l2 (1 <= 1.5 < 2).
    assert (result.domain("d1").score, result.domain("d1").level) == (3, "l2")
    # d2 = 2 + 2 = 4; per criterion 2: l3.
    assert (result.domain("d2").score, result.domain("d2").level) == (4, "l3")
    # overall = 3 + 4 = 7 of a possible 0 to 8; per criterion 7 / 4 = 1.75: l2; 7 is Gold.
    assert (result.overall.score, result.overall.level, result.overall.rating) == (7, "l2", "Gold")
    # One criterion left out counts at l1 (0 points): 3 + 2 + 0 = 5 is Silver.
    assert score(fw, replace(a, "d2.c4", None)).overall.rating == "Silver"


def test_minimum() -> None:
    fw = make_framework(
        points=(1, 2, 3, 4), domains=((1, 1), (1,)), domain_rule="minimum", overall_rule="minimum"
    )
    a = assess({"d1.c1": {"level": "l4"}, "d1.c2": {"level": "l2"}, "d2.c3": {"level": "l3"}})
    result = score(fw, a)
    # d1 = min(4, 2) = 2 (l2); d2 = 3 (l3); overall = min(2, 3) = 2 (l2).
    assert [d.score for d in result.domains] == [2, 3]
    assert (result.overall.score, result.overall.level) == (2, "l2")


def test_staged() -> None:
    fw = make_framework(
        points=(0, 0.5, 1),
        domains=((1, 1, 1), (1,)),
        domain_rule="staged",
        overall_rule="mean",
    )
    a = assess(
        {
            "d1.c1": {"level": "l3"},
            "d1.c2": {"level": "l2"},
            "d1.c3": {"level": "l3"},
            "d2.c4": {"level": "l3"},
        }
    )
    result = score(fw, a)
    # d1: every criterion is at l2 or above, not all at l3, so d1 is at l2: 0.5 points.
    assert (result.domain("d1").score, result.domain("d1").level) == (0.5, "l2")
    # overall = (0.5 + 1) / 2 = 0.75: l2.
    assert (result.overall.score, result.overall.level) == (0.75, "l2")
    # Leave c2 out: it counts at l1, so d1 drops to l1 (0 points); overall = (0 + 1) / 2 = 0.5.
    lower = score(fw, replace(a, "d1.c2", None))
    assert (lower.domain("d1").level, lower.overall.score) == ("l1", 0.5)


def test_staged_overall_is_the_lowest_domain_level() -> None:
    fw = make_framework(
        points=(1, 2, 3), domains=((1,), (1,)), domain_rule="mean", overall_rule="staged"
    )
    result = score(fw, assess({"d1.c1": {"level": "l3"}, "d2.c2": {"level": "l2"}}))
    # Domains are at l3 and l2; the whole is at l2 only: 2 points.
    assert (result.overall.score, result.overall.level) == (2, "l2")


def test_not_applicable_leaves_the_denominator() -> None:
    fw = make_framework(points=(1, 2, 3), domains=((1, 1, 1),))
    result = score(
        fw, assess({"d1.c1": {"level": "l1"}, "d1.c2": {"level": NA}, "d1.c3": {"level": "l3"}})
    )
    # (1 + 3) / 2 = 2, not (1 + 0 + 3) / 3.
    assert result.domain("d1").score == 2
    assert result.domain("d1").applicable == 2


def test_unanswered_counts_at_the_lowest_level_and_shows_as_incomplete() -> None:
    fw = make_framework(points=(1, 2, 3), domains=((1, 1),))
    result = score(fw, assess({"d1.c1": {"level": "l3"}}))
    # (3 + 1) / 2 = 2; one of two applicable criteria answered.
    assert result.domain("d1").score == 2
    assert result.domain("d1").completeness == 0.5
    assert result.criterion("d1.c2").answered is False


HIGHER = {"name": "Staff declaring", "unit": "percent", "direction": "higher", "target": 80}
LOWER = {"name": "Open complaints", "unit": "count", "direction": "lower", "target": 0}


@pytest.mark.parametrize(
    ("metric", "value", "level", "target_met"),
    [
        # higher is better; l2 reached at 50, l3 at 80.
        ({**HIGHER, "thresholds": {"l2": 50, "l3": 80}}, 49.9, "l1", False),
        ({**HIGHER, "thresholds": {"l2": 50, "l3": 80}}, 50, "l2", False),
        ({**HIGHER, "thresholds": {"l2": 50, "l3": 80}}, 79, "l2", False),
        ({**HIGHER, "thresholds": {"l2": 50, "l3": 80}}, 80, "l3", True),
        ({**HIGHER, "thresholds": {"l2": 50, "l3": 80}}, 100, "l3", True),
        # lower is better; l2 reached at 10 or fewer, l3 at 2 or fewer.
        ({**LOWER, "thresholds": {"l2": 10, "l3": 2}}, 11, "l1", False),
        ({**LOWER, "thresholds": {"l2": 10, "l3": 2}}, 10, "l2", False),
        ({**LOWER, "thresholds": {"l2": 10, "l3": 2}}, 3, "l2", False),
        ({**LOWER, "thresholds": {"l2": 10, "l3": 2}}, 2, "l3", False),
        ({**LOWER, "thresholds": {"l2": 10, "l3": 2}}, 0, "l3", True),
    ],
)
def test_metric_thresholds(
    metric: dict[str, Any], value: float, level: str, target_met: bool
) -> None:
    fw = make_framework(points=(1, 2, 3), domains=((1,),), metrics={"d1.c1": metric})
    # The measured value sets the level, whatever was claimed.
    result = score(fw, assess({"d1.c1": {"level": "l2", "value": float(value)}})).criterion("d1.c1")
    assert (result.level, result.metric_level, result.target_met) == (level, level, target_met)
    assert result.claimed == "l2"


def test_evidence_cap() -> None:
    fw = make_framework(points=(1, 2, 3, 4), domains=((1,),), evidence_required_from="l3")
    capped = score(fw, assess({"d1.c1": {"level": "l4"}})).criterion("d1.c1")
    # l4 is at or above l3 and has no evidence: it counts as l2, the level just below l3.
    assert (capped.claimed, capped.level, capped.score, capped.capped) == ("l4", "l2", 2, True)
    proved = score(fw, assess({"d1.c1": {"level": "l4", "evidence": ["Audit"]}})).criterion("d1.c1")
    assert (proved.level, proved.capped) == ("l4", False)
    below = score(fw, assess({"d1.c1": {"level": "l2"}})).criterion("d1.c1")
    assert (below.level, below.capped) == ("l2", False)


def test_moderation_overrides_the_claim_and_the_metric() -> None:
    metric = {**HIGHER, "thresholds": {"l2": 50, "l3": 80}}
    fw = make_framework(points=(1, 2, 3), domains=((1, 1),), metrics={"d1.c1": metric})
    moderated = Moderation(level="l1", by="Kal Sandhu", rationale="No dashboard yet.")
    result = score(
        fw,
        assess(
            {
                "d1.c1": {"level": "l3", "value": 90.0, "moderated": moderated},
                "d1.c2": {"level": "l3", "moderated": moderated.model_copy(update={"level": NA})},
            }
        ),
    )
    c1, c2 = result.criterion("d1.c1"), result.criterion("d1.c2")
    # Both the claim (l3) and the metric (90 reaches l3) are kept, but l1 counts.
    assert (c1.claimed, c1.metric_level, c1.moderated, c1.level, c1.score) == (
        "l3",
        "l3",
        "l1",
        "l1",
        1,
    )
    # Moderated to not_applicable: it leaves the domain, which is c1 alone: 1.
    assert (c2.claimed, c2.level, c2.score) == ("l3", NA, None)
    assert result.domain("d1").score == 1


def test_respondents_merge_by_median_with_spread() -> None:
    metric = {**HIGHER, "thresholds": {"l2": 50, "l3": 80, "l4": 90}}
    fw = make_framework(points=(1, 2, 3, 4), domains=((1, 1),), metrics={"d1.c2": metric})
    team = [
        assess({"d1.c1": {"level": "l1"}, "d1.c2": {"value": 10.0, "evidence": ["A"]}}),
        assess({"d1.c1": {"level": "l4"}, "d1.c2": {"value": 85.0, "evidence": ["B"]}}),
        assess({"d1.c1": {"level": "l3"}, "d1.c2": {"value": 60.0}}, respondents=2),
    ]
    merged, spreads = merge(fw, team)
    # c1: ranks sorted 0, 2, 3; the median is the middle one, rank 2: l3. Spread 3 - 0 = 3.
    assert merged.responses["d1.c1"].level == "l3"
    # c2: values sorted 10, 60, 85; median 60, which reaches l2 (50) but not l3 (80).
    assert merged.responses["d1.c2"].value == 60
    assert merged.responses["d1.c2"].evidence == ["A", "B"]
    assert spreads == {"d1.c1": 3}
    result = score(fw, merged, spreads)
    assert result.respondents == 4  # 1 + 1 + 2
    assert (result.criterion("d1.c1").spread, result.criterion("d1.c2").level) == (3, "l2")
    # d1 = (3 + 2) / 2 = 2.5: l2.
    assert (result.domain("d1").score, result.domain("d1").level) == (2.5, "l2")


def test_an_even_number_of_respondents_takes_the_lower_middle_level() -> None:
    fw = make_framework(points=(1, 2, 3, 4), domains=((1,),))
    team = [assess({"d1.c1": {"level": level}}) for level in ("l4", "l1", "l3", "l2")]
    merged, spreads = merge(fw, team)
    # Ranks sorted 0, 1, 2, 3: the lower of the two middle ones is rank 1, l2.
    assert (merged.responses["d1.c1"].level, spreads["d1.c1"]) == ("l2", 3)


def test_respondents_of_different_units_do_not_merge() -> None:
    fw = make_framework()
    with pytest.raises(MaturityError) as caught:
        merge(fw, [assess({}), assess({}, unit="City Council/Libraries")])
    assert str(caught.value) == (
        "cannot merge 'City Council/Libraries' 2025/26 with 'City Council/Housing' 2025/26: "
        "respondents must share the unit, period and framework"
    )


@pytest.mark.parametrize(
    ("domain_rule", "overall_rule"),
    [("mean", "sum"), ("sum", "mean"), ("sum", "minimum"), ("sum", "weighted_mean"),
     ("sum", "sum"), ("minimum", "sum")],
)  # fmt: skip
def test_mixed_rules_read_levels_per_criterion(domain_rule: str, overall_rule: str) -> None:
    # Every criterion at l2 (2 points): domains of 3 and 2 criteria. Whatever the rules,
    # every domain and the whole are at l2. Sums of points are 6 and 4 (overall 10 with
    # `sum`), but a level is read per criterion: 6 / 3 = 4 / 2 = 10 / 5 = 2 points = l2.
    fw = make_framework(
        points=(1, 2, 3, 4), domains=((1, 1, 1), (1, 1)), domain_rule=domain_rule,
        overall_rule=overall_rule,
    )  # fmt: skip
    responses = {ref: Response(level="l2") for ref in fw.criteria}
    result = score(
        fw, Assessment(framework="tiny", unit="U", period="2025/26", responses=responses)
    )
    assert [d.level for d in result.domains] == ["l2", "l2"]
    assert result.overall.level == "l2"


def test_an_evidence_rule_from_the_lowest_level_caps_nothing() -> None:
    # Capping a claim at the lowest level to the level below it leaves it where it was.
    fw = make_framework(points=(1, 2, 3), evidence_required_from="l1")
    result = score(
        fw,
        Assessment(
            framework="tiny", unit="U", period="2025/26", responses={"d1.c1": Response(level="l1")}
        ),
    )
    assert result.criteria[0].level == "l1"
    assert not result.criteria[0].capped


# --- worked examples the mutation run asked for (issue 18) ---------------------------------


def test_a_criterion_nobody_answered_does_not_stop_the_merge() -> None:
    fw = make_framework(points=(1, 2, 3), domains=((1, 1, 1),))
    team = [
        assess({"d1.c2": {"level": "l1"}, "d1.c3": {"level": "l3"}}),
        assess({"d1.c2": {"level": "l3"}, "d1.c3": {"level": "l2"}}),
    ]
    merged, spreads = merge(fw, team)
    # c1: nobody answered, so it is left out; c2 and c3, after it, are still merged.
    assert sorted(merged.responses) == ["d1.c2", "d1.c3"]
    assert spreads == {"d1.c2": 2, "d1.c3": 1}


@pytest.mark.parametrize(
    ("rule", "level", "value"),
    [
        # Ranks 0, 0, 2, 3 (l1 l1 l3 l4); values 10, 20, 40, 90.
        ("median", "l1", 30.0),  # lower middle rank 0; middle values (20 + 40) / 2
        ("mean", "l2", 40.0),  # (0 + 0 + 2 + 3) // 4 = 1; (10 + 20 + 40 + 90) / 4
        ("minimum", "l1", 10.0),
        ("maximum", "l4", 90.0),
    ],
)
def test_each_respondents_rule_worked_example(rule: str, level: str, value: float) -> None:
    metric = {**HIGHER, "thresholds": {"l2": 95, "l3": 97, "l4": 99}}
    fw = make_framework(
        points=(1, 2, 3, 4), domains=((1, 1),), respondents_rule=rule, metrics={"d1.c2": metric}
    )
    answers = [("l4", 90.0), ("l1", 10.0), ("l3", 40.0), ("l1", 20.0)]
    team = [assess({"d1.c1": {"level": lv}, "d1.c2": {"value": v}}) for lv, v in answers]
    merged, spreads = merge(fw, team)
    assert merged.responses["d1.c1"].level == level
    assert merged.responses["d1.c2"].value == value
    assert spreads == {"d1.c1": 3}  # max - min: 3 - 0, whatever the rule


def test_the_median_of_an_odd_number_of_values_is_the_middle_one() -> None:
    metric = {**HIGHER, "thresholds": {"l2": 95, "l3": 97}}
    fw = make_framework(points=(1, 2, 3), domains=((1,),), metrics={"d1.c1": metric})
    team = [assess({"d1.c1": {"value": v}}) for v in (7.0, 1.0, 4.0)]
    assert merge(fw, team)[0].responses["d1.c1"].value == 4.0


def test_the_spread_is_the_highest_minus_the_lowest_rank() -> None:
    fw = make_framework(points=(1, 2, 3, 4, 5), domains=((1,),))
    team = [assess({"d1.c1": {"level": lv}}) for lv in ("l2", "l5", "l4")]
    assert merge(fw, team)[1] == {"d1.c1": 3}  # ranks 1..4; max + min would be 5


def test_merging_keeps_owners_notes_actions_and_the_latest_date() -> None:
    import datetime as dt

    fw = make_framework(points=(1, 2, 3), domains=((1,),))
    team = [
        assess({"d1.c1": {"level": "l1", "owner": "Sam", "notes": "b", "actions": ["x"]}},
               completed_on=dt.date(2026, 1, 2), respondents=2),
        assess({"d1.c1": {"level": "l2", "owner": "Ann", "notes": "a", "actions": ["x", "y"]}},
               completed_on=dt.date(2026, 3, 4)),
        assess({"d1.c1": {"level": "not_applicable", "owner": "Sam"}}),
    ]  # fmt: skip
    merged, _ = merge(fw, team)
    response = merged.responses["d1.c1"]
    assert (response.owner, response.notes, response.actions) == ("Sam", "a\nb", ["x", "y"])
    assert (merged.completed_on, merged.respondents) == (dt.date(2026, 3, 4), 4)


def test_only_not_applicable_claims_merge_to_not_applicable() -> None:
    fw = make_framework(points=(1, 2, 3), domains=((1, 1),))
    team = [assess({"d1.c1": {"level": NOT_APPLICABLE}, "d1.c2": {"evidence": ["a"]}})] * 2
    merged, spreads = merge(fw, team)
    assert merged.responses["d1.c1"].level == NOT_APPLICABLE
    assert merged.responses["d1.c2"].level is None
    assert spreads == {}


def test_sum_rule_roll_up_worked_example() -> None:
    # Points 0, 1, 2; domain d1 sums c1 (l3: 2) and c2 (l2: 1) = 3, read per criterion as
    # 1.5, which reaches l2 (1) but not l3 (2). d2 sums c3 (l3) = 2: l3.
    fw = make_framework(points=(0, 1, 2), domains=((1, 1), (1,)), domain_rule="sum",
                        overall_rule="sum")  # fmt: skip
    result = score(fw, assess({"d1.c1": {"level": "l3"}, "d1.c2": {"level": "l2"},
                               "d2.c3": {"level": "l3"}}))  # fmt: skip
    d1, d2 = result.domains
    assert (d1.score, d1.level) == (3, "l2")
    assert (d2.score, d2.level) == (2, "l3")
    # Overall: 3 + 2 = 5 over 3 criteria = 1.67 per criterion: l2.
    assert (result.overall.score, result.overall.level) == (5, "l2")


def test_exactly_at_the_target_counts_as_met_and_no_target_is_none() -> None:
    fw = make_framework(points=(1, 2, 3), domains=((1,), (1,)), default_target="l2")
    result = score(fw, assess({"d1.c1": {"level": "l2"}, "d2.c2": {"level": "l1"}}))
    assert [(d.target, d.target_met) for d in result.domains] == [("l2", True), ("l2", False)]
    untargeted = make_framework(points=(1, 2, 3), domains=((1,),))
    [domain] = score(untargeted, assess({"d1.c1": {"level": "l3"}})).domains
    assert (domain.target, domain.target_met) == (None, None)


def test_completeness_counts_answered_of_applicable() -> None:
    fw = make_framework(points=(1, 2, 3), domains=((1, 1, 1, 1),))
    result = score(fw, assess({"d1.c1": {"level": "l2"}, "d1.c2": {"level": NOT_APPLICABLE}}))
    [domain] = result.domains
    # c2 is not applicable; c1 answered; c3 and c4 unanswered (scored at the lowest level).
    assert (domain.answered, domain.applicable, domain.completeness) == (1, 3, 1 / 3)
    assert result.overall.completeness == 1 / 3


def test_merging_nothing_is_refused() -> None:
    with pytest.raises(MaturityError) as caught:
        merge(make_framework(), [])
    assert str(caught.value) == "nothing to merge"


def test_merging_keeps_moderation_and_service_area() -> None:
    fw = make_framework(points=(1, 2, 3), domains=((1,),))
    checked = Moderation(level="l2", by="Kal Sandhu", rationale="Checked.")
    team = [
        assess({"d1.c1": {"level": "l3", "service_area": "HR", "moderated": checked}}),
        assess({"d1.c1": {"level": "l1", "service_area": "HR"}}),
    ]
    response = merge(fw, team)[0].responses["d1.c1"]
    assert (response.service_area, response.moderated) == ("HR", checked)


def test_an_unanswered_criterion_counts_at_the_lowest_level() -> None:
    fw = make_framework(points=(1, 2, 3), domains=((1, 1),))
    c1, c2 = score(fw, assess({"d1.c2": {"evidence": ["A note, no level"]}})).criteria
    for unanswered in (c1, c2):
        assert (unanswered.answered, unanswered.claimed, unanswered.level, unanswered.score) == (
            False,
            None,
            "l1",
            1,
        )
        assert (unanswered.has_evidence, unanswered.value) == (False, None)


def test_a_moderated_level_counts_even_without_a_claim() -> None:
    fw = make_framework(points=(1, 2, 3), domains=((1,),), evidence_required_from="l2")
    moderated = Moderation(level="l3", by="Kal Sandhu", rationale="Seen on a visit.")
    [c1] = score(fw, assess({"d1.c1": {"moderated": moderated}})).criteria
    assert (c1.answered, c1.claimed, c1.moderated, c1.level, c1.score) == (
        True,
        None,
        "l3",
        "l3",
        3,
    )


def test_a_criterion_score_carries_its_value_and_evidence() -> None:
    metric = {**HIGHER, "thresholds": {"l2": 50, "l3": 80}}
    fw = make_framework(points=(1, 2, 3), domains=((1,),), metrics={"d1.c1": metric})
    [c1] = score(fw, assess({"d1.c1": {"value": 85.0, "evidence": ["Report"]}})).criteria
    assert (c1.value, c1.has_evidence, c1.metric_level, c1.target_met) == (85.0, True, "l3", True)


def test_completeness_adds_up_across_domains() -> None:
    fw = make_framework(points=(1, 2, 3), domains=((1, 1), (1, 1)))
    result = score(fw, assess({"d1.c1": {"level": "l2"}, "d2.c3": {"level": "l2"},
                               "d2.c4": {"level": "l3"}}))  # fmt: skip
    assert [d.completeness for d in result.domains] == [0.5, 1.0]
    assert result.overall.completeness == 3 / 4
    refs = ["d1.c1", "d1.c2", "d2.c3", "d2.c4"]
    everything_na = {ref: {"level": NOT_APPLICABLE} for ref in refs}
    assert score(fw, assess(everything_na)).overall.completeness == 1.0


def test_each_domain_takes_its_own_target() -> None:
    data = make_framework(points=(1, 2, 3), domains=((1,), (1,)), default_target="l2")
    raw = data.model_dump(mode="json")
    raw["domains"][1]["target"] = "l3"
    fw = Framework.model_validate(raw)
    result = score(fw, assess({"d1.c1": {"level": "l2"}, "d2.c2": {"level": "l2"}}))
    assert [(d.target, d.target_met) for d in result.domains] == [("l2", True), ("l3", False)]
