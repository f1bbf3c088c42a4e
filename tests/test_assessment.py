"""Assessments: each broken file in tests/data/assessments gives one pinned line, via the CLI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from click.testing import Result
from conftest import make_framework
from hypothesis import given
from hypothesis import strategies as st
from strategies import assessments, frameworks

from maturity.core.assessment import Assessment, Response, check_against, parse_period, parse_unit
from maturity.core.framework import Framework
from maturity.core.scoring import score
from maturity.files import catalog, loading
from maturity.files.assessment_yaml import blank_assessment, dump_assessment

ASSESSMENTS = "tests/data/assessments"
SMALL = "tests/data/frameworks/valid-small.yaml"

# Checked against SMALL with --framework.
BROKEN = {
    "unknown-criterion": "15: response 'services.acess': no such criterion; did you mean "
    "'services.access'?",
    "level-not-on-scale": "9: response 'people.data' > level: 'middle' is not a level of this "
    "framework (low, mid, high, not_applicable); did you mean 'mid'?",
    "metric-text": "10: response 'people.data' > value: expected a number, found 'sixty'",
    "metric-percent-over-100": "10: response 'people.data' > value: 125 is not a percentage "
    "(0 to 100)",
    "bad-period": "4: period: period '2025/27' is not a financial year such as 2025/26 (YYYY/YY, "
    "the second year following the first)",
    "bad-unit": "3: unit: unit 'City Council//Housing' is not a path such as "
    "'City Council/Housing' (no empty parts between /)",
    "unknown-key": "25: response 'services.complaints' > note: unknown key 'note'; check the "
    "spelling against the format reference",
    "no-such-framework": "2: framework: this assessment is for 'no-such-framework', not 'small'",
    "wrong-version": "2: framework: this assessment is for version 2.0 of 'small', but the "
    "framework loaded is version 1.0",
}


@pytest.mark.parametrize("command", ["assess check", "score"])
@pytest.mark.parametrize("stem", sorted(BROKEN))
def test_each_broken_assessment_gives_one_pinned_line(
    cli: Callable[..., Result], stem: str, command: str
) -> None:
    result = cli(*command.split(), "--framework", SMALL, f"{ASSESSMENTS}/{stem}.yaml")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: {ASSESSMENTS}/{stem}.yaml:{BROKEN[stem]}\n"


def test_a_framework_that_does_not_exist(cli: Callable[..., Result]) -> None:
    result = cli("assess", "check", f"{ASSESSMENTS}/no-such-framework.yaml")
    assert result.exit_code == 1
    known = ", ".join(catalog.builtin_ids())
    assert result.stderr == (
        f"Error: {ASSESSMENTS}/no-such-framework.yaml:2: framework: no framework "
        f"'no-such-framework': give a file path or a built-in id ({known}); to use your own, "
        "add it to the store with `maturity framework add FILE`\n"
    )


def test_a_version_of_a_builtin_framework_that_does_not_exist(cli: Callable[..., Result]) -> None:
    result = cli("assess", "check", f"{ASSESSMENTS}/builtin-wrong-version.yaml")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {ASSESSMENTS}/builtin-wrong-version.yaml:2: framework: framework "
        "'council-equality-3' version 9.9 is not available (the built-in one is version 1.1); "
        "add that version to the store with `maturity framework add FILE`\n"
    )


def test_every_broken_file_is_reported_in_one_run(cli: Callable[..., Result]) -> None:
    paths = [f"{ASSESSMENTS}/{stem}.yaml" for stem in sorted(BROKEN)]
    result = cli("assess", "check", "--framework", SMALL, f"{ASSESSMENTS}/valid-small.yaml", *paths)
    assert result.exit_code == 1
    assert result.stdout == f"{ASSESSMENTS}/valid-small.yaml: valid; 100% complete\n"
    assert result.stderr.splitlines() == [
        f"Error: {ASSESSMENTS}/{stem}.yaml:{BROKEN[stem]}" for stem in sorted(BROKEN)
    ]


def test_the_valid_assessment_checks_and_scores(cli: Callable[..., Result]) -> None:
    result = cli("assess", "check", "--framework", SMALL, f"{ASSESSMENTS}/valid-small.yaml")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"{ASSESSMENTS}/valid-small.yaml: valid; 100% complete\n"


# ---------------------------------------------------------------------------------------------
# Periods, units and the checks only the framework can make


@pytest.mark.parametrize(
    ("text", "year"), [("2025/26", 2025), ("2099/00", 2099), ("1999/00", 1999)]
)
def test_periods(text: str, year: int) -> None:
    assert parse_period(text) == year


@pytest.mark.parametrize("text", ["2025/27", "2025-26", "2025/2026", "25/26", "2025/26 ", ""])
def test_malformed_periods(text: str) -> None:
    with pytest.raises(ValueError, match="is not a financial year such as 2025/26"):
        parse_period(text)


def test_units_are_paths_with_their_spaces_tidied() -> None:
    assert parse_unit(" City Council / Housing ") == ("City Council", "Housing")
    a = Assessment(framework="x", unit="City Council / Housing", period="2025/26")
    assert a.unit == "City Council/Housing"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("City Council//Housing", "is not a path such as 'City Council/Housing'"),
        ("/Housing", "is not a path such as"),
        ("   ", "is not a path such as"),
        ("/".join(["a"] * 9), "at most 8 parts of 120 characters"),
        ("a/" + "b" * 121, "at most 8 parts of 120 characters"),
    ],
)
def test_malformed_units(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_unit(text)


def test_framework_names_with_and_without_version() -> None:
    a = Assessment(framework="edi-maturity@1.0", unit="U", period="2025/26")
    b = Assessment(framework="edi-maturity", unit="U", period="2025/26")
    assert (a.framework_id, a.framework_version) == ("edi-maturity", "1.0")
    assert (b.framework_id, b.framework_version) == ("edi-maturity", None)


METRIC = {"name": "Open cases", "unit": "count", "direction": "lower", "target": 0}


def messages(fw: Framework, responses: dict[str, dict[str, Any]]) -> list[str]:
    a = Assessment(
        framework=fw.ref,
        unit="U",
        period="2025/26",
        responses={ref: Response.model_validate(r) for ref, r in responses.items()},
    )
    return [f"{'.'.join(map(str, p.loc))}: {p.message}" for p in check_against(fw, a)]


def test_what_only_the_framework_can_reveal() -> None:
    fw = make_framework(
        domains=((1, 1),), metrics={"d1.c2": {**METRIC, "thresholds": {"l2": 5, "l3": 1}}}
    )
    assert messages(
        fw,
        {
            "c1": {"level": "l1"},
            "d1.c1": {
                "value": 3.0,
                "moderated": {"level": "l2x", "by": "Kal", "rationale": "Checked."},
            },
            "d1.c2": {"value": 2.5},
        },
    ) == [
        # A bare criterion id: the domain is suggested.
        "responses.c1: no such criterion; did you mean 'd1.c1'?",
        "responses.d1.c1.moderated.level: 'l2x' is not a level of this framework (l1, l2, l3, "
        "not_applicable); did you mean 'l2'?",
        "responses.d1.c1.value: this criterion has no metric; record the level instead",
        "responses.d1.c2.value: 2.5 is not a count (a whole number, 0 or more)",
    ]


def test_a_points_metric_takes_gaps_from_minus_100_to_100() -> None:
    gap = {"name": "Pay gap", "unit": "points", "direction": "lower", "target": 2}
    fw = make_framework(
        domains=((1, 1),), metrics={"d1.c1": {**gap, "thresholds": {"l2": 8, "l3": 4}}}
    )
    assert messages(fw, {"d1.c1": {"value": -3.5}}) == []
    assert messages(fw, {"d1.c1": {"value": 120}}) == [
        "responses.d1.c1.value: 120 is not a gap in percentage points (-100 to 100)"
    ]


def test_no_suggestion_when_nothing_is_close() -> None:
    fw = make_framework()
    assert messages(fw, {"zzz.qqq": {}}) == ["responses.zzz.qqq: no such criterion"]


# ---------------------------------------------------------------------------------------------
# Writing assessments as YAML


@given(st.data())
def test_a_filled_assessment_round_trips_through_yaml(data: st.DataObject) -> None:
    fw = data.draw(frameworks())
    a = data.draw(assessments(fw))
    again = loading.validate(loading.parse(dump_assessment(a), "a.yaml"), Assessment)
    assert again == a
    assert check_against(fw, again) == []


@pytest.mark.parametrize("framework_id", catalog.builtin_ids())
def test_a_blank_assessment_loads_back_empty(framework_id: str) -> None:
    fw = catalog.load_framework(framework_id)
    text = blank_assessment(fw, "City Council/Housing", "2025/26")
    a = loading.validate(loading.parse(text, "blank.yaml"), Assessment)
    assert (a.framework, a.unit, a.period) == (fw.ref, "City Council/Housing", "2025/26")
    assert check_against(fw, a) == []
    assert list(a.responses) == list(fw.criteria)
    result = score(fw, a)
    assert result.overall.completeness == 0
    assert not any(c.answered for c in result.criteria)


def test_a_blank_assessment_quotes_what_yaml_would_misread() -> None:
    fw = make_framework()
    text = blank_assessment(fw, "No: #1 Council/Yes", "2025/26")
    a = loading.validate(loading.parse(text, "blank.yaml"), Assessment)
    assert a.unit == "No: #1 Council/Yes"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('submitted_by: "Ann\\nrespondents: 50 #"',
         "x.yaml:4: submitted_by: must be one line of text, without line breaks or control "
         "characters"),
        ("respondents: .nan", "x.yaml:4: respondents: expected a number, found nan"),
    ],
)  # fmt: skip
def test_names_are_one_line_and_numbers_finite(line: str, message: str) -> None:
    from maturity.core.errors import InvalidFileError
    from maturity.files import loading

    text = f"framework: council-equality-3\nunit: City Council/Housing\nperiod: 2025/26\n{line}\n"
    with pytest.raises(InvalidFileError) as caught:
        loading.validate(loading.parse(text, "x.yaml"), Assessment)
    assert caught.value.lines == [message]


def test_a_metric_value_that_is_not_a_number_is_refused_not_a_crash() -> None:
    from maturity.core.errors import InvalidFileError
    from maturity.files import loading

    text = (
        "framework: council-equality-3\nunit: City Council/Housing\nperiod: 2025/26\n"
        "responses:\n  workforce.staff-networks:\n    value: .nan\n"
    )
    with pytest.raises(InvalidFileError) as caught:
        loading.validate(loading.parse(text, "x.yaml"), Assessment)
    assert caught.value.lines == [
        "x.yaml:6: response 'workforce.staff-networks' > value: expected a number, found nan"
    ]


def test_levels_may_be_written_as_their_names_in_any_case(tmp_path: Any) -> None:
    from maturity.files.intake import load_assessment

    path = tmp_path / "a.yaml"
    path.write_text(
        "framework: council-equality-3\nunit: City Council/Housing\nperiod: 2025/26\n"
        "responses:\n"
        "  communities.engagement: {level: Achieving, evidence: [e]}\n"
        "  communities.community-data: {level: NOT APPLICABLE}\n"
        "  leadership.procurement:\n"
        "    level: excellent\n"
        "    moderated: {level: ' developing ', by: Kal, rationale: Checked.}\n",
        encoding="utf-8",
    )
    assessment, _ = load_assessment(path)
    responses = assessment.responses
    assert responses["communities.engagement"].level == "achieving"
    assert responses["communities.community-data"].level == "not_applicable"
    moderated = responses["leadership.procurement"].moderated
    assert moderated is not None and moderated.level == "developing"


def test_one_run_reports_type_errors_and_framework_errors_together(tmp_path: Any) -> None:
    # A wrong period and a value that is not a number used to hide the unknown criterion and
    # the misspelt level until they were fixed: now all four come out at once, in line order.
    from maturity.core.errors import InvalidFileError
    from maturity.files.intake import load_assessment

    path = tmp_path / "multi.yaml"
    path.write_text(
        "framework: council-equality-3\n"
        "unit: City Council/Housing\n"
        "period: 2025/27\n"
        "responses:\n"
        "  communities.engagment:\n"
        "    level: achieving\n"
        "  workforce.staff-networks:\n"
        "    value: twelve\n"
        "  leadership.procurement:\n"
        "    level: excelent\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidFileError) as caught:
        load_assessment(path)
    lines = [line.removeprefix(f"{path}:") for line in caught.value.lines]
    assert [line.split(":", 1)[0] for line in lines] == ["3", "6", "8", "10"]
    assert "period '2025/27' is not a financial year" in lines[0]
    assert "no such criterion; did you mean 'communities.engagement'?" in lines[1]
    assert "expected a number, found 'twelve'" in lines[2]
    assert "'excelent' is not a level of this framework" in lines[3]
