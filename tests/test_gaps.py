"""Gap analysis: targets, steps, metric gaps and the priority order."""

from __future__ import annotations

from pathlib import Path

import pytest
from plan_fixtures import assessment, framework

from maturity.core.errors import InvalidFileError
from maturity.core.gaps import Targets, domain_gaps, find_gaps
from maturity.core.scoring import score
from maturity.files.targets import load_targets

FW = framework()
EVIDENCE = ["A report"]


def gaps_for(responses: dict[str, object], targets: Targets | None = None) -> list:  # type: ignore[type-arg]
    return find_gaps(FW, score(FW, assessment(responses)), targets)


def test_steps_run_from_the_effective_level_up_to_below_the_target() -> None:
    gaps = gaps_for({"one.x": {"level": "start"}}, Targets(level="lead"))
    x = next(g for g in gaps if g.ref == "one.x")
    assert (x.current, x.target, x.steps) == ("start", "lead", ["start", "grow", "firm"])


def test_criteria_at_or_above_target_have_no_gap() -> None:
    responses = {
        "one.x": {"level": "firm", "evidence": EVIDENCE},
        "one.y": {"level": "lead", "evidence": EVIDENCE},
        "two.z": {"value": 85, "evidence": EVIDENCE},
        "two.w": {"level": "lead", "evidence": EVIDENCE},
    }
    assert gaps_for(responses) == []


def test_target_resolution_criterion_then_domain_then_level_then_framework() -> None:
    t = Targets(level="grow", domains={"one": "lead"}, criteria={"one.y": "firm"})
    assert t.for_criterion(FW, "one.y") == "firm"
    assert t.for_criterion(FW, "one.x") == "lead"
    assert t.for_criterion(FW, "two.w") == "grow"
    assert Targets().for_criterion(FW, "two.w") == "lead"  # the domain's own target
    assert Targets().for_criterion(FW, "one.x") == "firm"  # the framework's default


def test_capped_claim_is_a_gap_that_lacks_evidence() -> None:
    gaps = gaps_for({"one.x": {"level": "firm"}})
    x = next(g for g in gaps if g.ref == "one.x")
    assert x.capped and x.lacks_evidence and x.current == "grow" and x.steps == ["grow"]


def test_metric_below_its_target_is_a_gap_even_at_the_target_level() -> None:
    gaps = gaps_for({"two.z": {"value": 72, "evidence": EVIDENCE}})
    z = next(g for g in gaps if g.ref == "two.z")
    assert z.steps == []
    assert z.metric is not None and (z.metric.value, z.metric.target) == (72, 80)
    assert not z.metric.target_met


def test_not_applicable_criteria_have_no_gap() -> None:
    gaps = gaps_for({"one.y": {"level": "not_applicable"}})
    assert "one.y" not in [g.ref for g in gaps]


def test_order_weighs_size_then_weight_then_evidence_with_framework_order_for_ties() -> None:
    responses = {
        "one.x": {"level": "grow", "evidence": EVIDENCE},  # 1 step, weight 2/3 of domain one
        "one.y": {"level": "grow", "evidence": EVIDENCE},  # 1 step, weight 1/3
        "two.z": {"value": 65, "evidence": EVIDENCE},  # 1 step (firm -> lead), weight 1/2
        "two.w": {"level": "start", "evidence": EVIDENCE},  # 3 steps, weight 1/2
    }
    assert [g.ref for g in gaps_for(responses)] == ["two.w", "one.x", "two.z", "one.y"]


def test_lacking_evidence_puts_an_otherwise_equal_gap_first() -> None:
    responses = {
        "two.z": {"level": "grow", "evidence": EVIDENCE},
        "two.w": {"level": "grow"},
    }
    gaps = gaps_for(responses, Targets(domains={"one": "start", "two": "firm"}))
    assert [g.ref for g in gaps] == ["two.w", "two.z"]
    assert gaps[0].lacks_evidence and not gaps[1].lacks_evidence


def test_equal_priorities_keep_framework_order() -> None:
    gaps = gaps_for({}, Targets(level="grow", domains={"two": "grow"}))
    assert [g.ref for g in gaps] == ["one.x", "two.z", "two.w", "one.y"]
    assert gaps[1].priority == gaps[2].priority


def test_domain_gaps_compare_domain_level_with_target() -> None:
    s = score(FW, assessment({"one.x": {"level": "grow"}, "one.y": {"level": "grow"}}))
    found = {d.domain: d for d in domain_gaps(FW, s, Targets(domains={"one": "firm"}))}
    assert (found["one"].level, found["one"].target, found["one"].size) == ("grow", "firm", 1)
    assert found["two"].target == "lead" and found["two"].size == 3


def test_targets_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text("level: firm\ndomains:\n  one: lead\n  three: firm\ncriteria:\n  one.x: top\n")
    with pytest.raises(InvalidFileError) as exc:
        load_targets(path, FW)
    assert exc.value.lines == [
        f"{path}:4: domains > three: no such domain; use one of one, two",
        f"{path}:6: criteria > one.x: 'top' is not a level of tiny; "
        "use one of start, grow, firm, lead",
    ]


def test_targets_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text("level: grow\ncriteria: {one.x: lead}\n")
    assert load_targets(path, FW) == Targets(level="grow", criteria={"one.x": "lead"})


# --- worked examples the mutation run asked for (issue 18) ---------------------------------


def test_a_not_applicable_criterion_does_not_stop_the_gaps_after_it() -> None:
    gaps = gaps_for({"one.x": {"level": "not_applicable"}, "one.y": {"level": "start"}})
    assert sorted(g.ref for g in gaps) == ["one.y", "two.w", "two.z"]


def test_a_criterion_without_a_gap_does_not_stop_the_gaps_after_it() -> None:
    gaps = gaps_for({"one.x": {"level": "lead", "evidence": EVIDENCE}, "one.y": {"level": "grow"}})
    assert sorted(g.ref for g in gaps) == ["one.y", "two.w", "two.z"]


def test_priority_worked_example() -> None:
    # Shares: domains weigh 1 each, so one.x = 1/2 * 2/3 = 1/3, one.y = 1/6, two.* = 1/4.
    responses = {
        "one.x": {"level": "start", "evidence": EVIDENCE},  # 2 steps to firm, evidenced
        "one.y": {"level": "grow"},  # 1 step to firm, no evidence: x 1.5
        "two.z": {"value": 75, "evidence": EVIDENCE},  # at lead (70) but under its target (80)
        "two.w": {"level": "lead", "evidence": EVIDENCE},  # at its target: no gap
    }
    gaps = {g.ref: g for g in gaps_for(responses)}
    assert sorted(gaps) == ["one.x", "one.y", "two.z"]
    x, y, z = gaps["one.x"], gaps["one.y"], gaps["two.z"]
    assert (x.weight, x.priority, x.steps, x.lacks_evidence) == (
        pytest.approx(1 / 3),
        pytest.approx(2 / 3),
        ["start", "grow"],
        False,
    )
    assert (y.weight, y.priority, y.lacks_evidence, y.capped) == (
        pytest.approx(1 / 6),
        pytest.approx(0.25),
        True,
        False,
    )
    assert (z.steps, z.priority) == ([], pytest.approx(0.5 * 0.25))  # metric only: half a step
    assert z.metric is not None and z.metric.target_met is False
    assert [g.ref for g in gaps_for(responses)] == ["one.x", "one.y", "two.z"]


def test_a_metric_exactly_at_its_target_is_met() -> None:
    gaps = gaps_for({"two.z": {"value": 80, "evidence": EVIDENCE}})
    assert "two.z" not in [g.ref for g in gaps]
    below = {g.ref: g for g in gaps_for({"two.z": {"value": 79.5, "evidence": EVIDENCE}})}
    assert below["two.z"].metric is not None and not below["two.z"].metric.target_met


def test_an_unrecorded_metric_value_is_not_met_but_not_a_metric_gap() -> None:
    gaps = {g.ref: g for g in gaps_for({"two.z": {"level": "lead", "evidence": EVIDENCE}})}
    assert "two.z" not in gaps  # at its target level, no value to miss
    low = {g.ref: g for g in gaps_for({"two.z": {"level": "grow", "evidence": EVIDENCE}})}
    assert low["two.z"].metric is not None
    assert (low["two.z"].metric.value, low["two.z"].metric.target_met) == (None, False)


def test_domain_gaps_are_zero_at_or_above_target_and_without_one() -> None:
    s = score(FW, assessment({"one.x": {"level": "lead", "evidence": EVIDENCE},
                              "one.y": {"level": "lead", "evidence": EVIDENCE}}))  # fmt: skip
    found = {d.domain: d for d in domain_gaps(FW, s, Targets(domains={"one": "grow"}))}
    assert (found["one"].level, found["one"].size) == ("lead", 0)
    untargeted = framework(default_target=None)
    data = untargeted.model_dump(mode="json")
    data["domains"][1].pop("target")
    bare = type(untargeted).model_validate(data)
    found = {d.domain: d for d in domain_gaps(bare, score(bare, assessment({})))}
    assert (found["two"].target, found["two"].size) == (None, 0)
    assert find_gaps(bare, score(bare, assessment({}))) == []


def test_check_targets_names_each_problem_where_it_is() -> None:
    from maturity.core.errors import Problem
    from maturity.core.gaps import check_targets

    targets = Targets(
        level="top",
        domains={"zzz": "grow", "one": "best"},
        criteria={"one.q": "lead", "two.w": "peak"},
    )
    levels = "start, grow, firm, lead"
    assert check_targets(FW, targets) == [
        Problem(("level",), f"'top' is not a level of tiny; use one of {levels}"),
        Problem(("domains", "zzz"), "no such domain; use one of one, two"),
        Problem(("domains", "one"), f"'best' is not a level of tiny; use one of {levels}"),
        Problem(("criteria", "one.q"), "no such criterion; write it as domain.criterion"),
        Problem(("criteria", "two.w"), f"'peak' is not a level of tiny; use one of {levels}"),
    ]
    assert check_targets(FW, Targets(level="grow", domains={"one": "lead"})) == []
