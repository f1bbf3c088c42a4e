"""Scope: an assessment puts criteria or whole domains out of scope for its unit, with a reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result
from conftest import make_framework

from maturity.core.assessment import Assessment, check_against
from maturity.core.scoring import merge, score

FW = make_framework(points=(1, 2, 3), domains=((1, 1), (1,)))


def assessment(out_of_scope: dict[str, str], **responses: Any) -> Assessment:
    return Assessment.model_validate(
        {
            "framework": "tiny",
            "unit": "C/U",
            "period": "2025/26",
            "responses": {ref.replace("_", "."): {"level": lv} for ref, lv in responses.items()},
            "out_of_scope": out_of_scope,
        }
    )


def test_a_criterion_out_of_scope_leaves_the_denominator_with_its_reason() -> None:
    result = score(FW, assessment({"d1.c2": "No buildings of our own"}, d1_c1="l3", d2_c3="l1"))
    c2 = result.criterion("d1.c2")
    assert (c2.level, c2.score, c2.out_of_scope) == (
        "not_applicable",
        None,
        "No buildings of our own",
    )
    d1 = result.domain("d1")
    assert (d1.score, d1.applicable, d1.completeness) == (3, 1, 1.0)
    assert result.overall.score == 2  # the mean of d1 (3) and d2 (1)
    assert result.overall.completeness == 1.0


def test_a_whole_domain_out_of_scope() -> None:
    result = score(FW, assessment({"d2": "Not a service-facing team"}, d1_c1="l3", d1_c2="l2"))
    assert result.domain("d2").score is None
    assert result.criterion("d2.c3").out_of_scope == "Not a service-facing team"
    assert result.overall.score == 2.5


def test_scope_is_checked_against_the_framework() -> None:
    problems = check_against(FW, assessment({"d1.c9": "x", "d1": "y"}, d1_c1="l2"))
    assert [(p.loc, p.message) for p in problems] == [
        (("out_of_scope", "d1.c9"), "no such criterion or domain; did you mean 'd1.c2'?"),
        (
            ("responses", "d1.c1"),
            "this criterion is out of scope for the unit (see out_of_scope); remove its answer "
            "or the out_of_scope entry",
        ),
    ]


def test_an_assessment_without_scope_dumps_as_before() -> None:
    plain = assessment({}, d1_c1="l2")
    assert "out_of_scope" not in plain.model_dump(mode="json")
    scoped = assessment({"d2": "Reason"}, d1_c1="l2")
    assert scoped.model_dump(mode="json")["out_of_scope"] == {"d2": "Reason"}


def test_respondents_merge_their_scope() -> None:
    a = assessment({"d2": "Reason B"}, d1_c1="l2")
    b = assessment({"d2": "Reason A", "d1.c2": "Other"}, d1_c1="l3")
    merged, _ = merge(FW, [a, b])
    assert merged.out_of_scope == {"d1.c2": "Other", "d2": "Reason A"}
    assert merge(FW, [b, a])[0].out_of_scope == merged.out_of_scope


def test_the_score_table_lists_what_is_out_of_scope(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "framework: edi-maturity\nunit: City Council/Parks\nperiod: 2025/26\n"
        "out_of_scope:\n  services: The unit commissions no services\n"
        "  workforce.interview-panel: Recruits through HR\n"
    )
    result = cli("score", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}:6: out_of_scope > workforce.interview-panel: no such criterion or "
        "domain; did you mean 'workforce.interview-panels'?\n"
    )
    path.write_text(path.read_text().replace("interview-panel:", "interview-panels:"))
    lines = cli("score", path).stdout.splitlines()
    at = lines.index("Out of scope (7), left out of the scores:")
    assert lines[at + 1 : at + 3] == [
        "  workforce.interview-panels: Recruits through HR",
        "  services.accessible-services: The unit commissions no services",
    ]
