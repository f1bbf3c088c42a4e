"""A third tier: groups of domains in the format, the score, the benchmark and the board pack;
and an assessment that names its framework by a relative path."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import framework_data

from maturity.cli import main
from maturity.core.assessment import Assessment
from maturity.core.benchmark import benchmark
from maturity.core.board import build_board
from maturity.core.errors import ProblemsError
from maturity.core.framework import Framework
from maturity.core.scoring import Score, score
from maturity.files.catalog import load_framework

PUBLISHED = Path(__file__).parent / "data" / "frameworks" / "published"


def grouped(**scoring: str) -> dict[str, Any]:
    """Four one-criterion domains; group `a` holds d1, group `b` holds d2 to d4."""
    data = framework_data(points=(0, 1, 2, 3), domains=((1,), (1,), (1,), (1,)))
    data["groups"] = [
        {"id": "a", "name": "A", "description": "Group A", "domains": ["d1"]},
        {"id": "b", "name": "B", "description": "Group B", "domains": ["d2", "d3", "d4"]},
    ]
    data["scoring"].update(scoring)
    return data


def scored(fw: Framework, unit: str, levels: dict[str, str]) -> Score:
    assessment = Assessment.model_validate(
        {
            "framework": fw.id,
            "unit": unit,
            "period": "2025/26",
            "responses": {ref: {"level": lv} for ref, lv in levels.items()},
        }
    )
    return score(fw, assessment)


def test_groups_roll_up_before_the_overall_result() -> None:
    fw = Framework.model_validate(grouped())
    result = scored(fw, "C/U", {"d1.c1": "l4", "d2.c2": "l1", "d3.c3": "l1", "d4.c4": "l1"})
    assert [(g.id, g.score, g.level) for g in result.groups] == [("a", 3, "l4"), ("b", 0, "l1")]
    # The mean of the two groups, not of the four domains (which would be 0.75).
    assert result.overall.score == 1.5
    assert result.overall.level == "l2"


def test_summed_groups_read_their_level_per_criterion() -> None:
    fw = Framework.model_validate(grouped(domain_rule="sum", group_rule="sum", overall_rule="sum"))
    result = scored(fw, "C/U", {"d1.c1": "l3", "d2.c2": "l3", "d3.c3": "l2", "d4.c4": "l4"})
    assert [(g.score, g.level) for g in result.groups] == [(2, "l3"), (6, "l3")]
    assert (result.overall.score, result.overall.level) == (8, "l3")
    assert fw.score_range() == (0, 12)


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        (
            [{"id": "a", "name": "A", "description": "A", "domains": ["d1", "d9"]}],
            [
                "groups.0.domains.1: no domain 'd9'; the domains are d1, d2",
                "groups: domains in no group: d2; put each in one group",
            ],
        ),
        (
            [
                {"id": "a", "name": "A", "description": "A", "domains": ["d1", "d2"]},
                {"id": "a", "name": "B", "description": "B", "domains": ["d2"], "weight": 0},
            ],
            [
                "groups.1.id: group id 'a' is used twice",
                "groups.1.weight: weight must be more than 0, not 0",
                "groups.1.domains.0: domain 'd2' is already in group 'a'; each domain is in one "
                "group",
            ],
        ),
    ],
)
def test_groups_are_cross_checked(groups: list[dict[str, Any]], expected: list[str]) -> None:
    data = framework_data(domains=((1,), (1,)))
    data["groups"] = groups
    with pytest.raises(Exception) as caught:
        Framework.model_validate(data)
    cause = caught.value.errors()[0]["ctx"]["error"]  # type: ignore[attr-defined]
    assert isinstance(cause, ProblemsError)
    assert [".".join(map(str, p.loc)) + ": " + p.message for p in cause.problems] == expected


def test_frameworks_without_groups_dump_as_before() -> None:
    edi = load_framework("edi-maturity").model_dump(mode="json")
    assert "groups" not in edi and "group_rule" not in edi["scoring"]
    fw = Framework.model_validate(grouped(group_rule="minimum"))
    dumped = fw.model_dump(mode="json")
    assert dumped["scoring"]["group_rule"] == "minimum" and len(dumped["groups"]) == 2
    assert Framework.model_validate(dumped) == fw


def test_the_benchmark_and_board_pack_show_every_tier() -> None:
    from maturity.reports.board import context
    from maturity.reports.render import render_html

    fw = Framework.model_validate(grouped())
    scores = [
        scored(fw, "C/P/U1", {"d1.c1": "l4", "d2.c2": "l2", "d3.c3": "l2", "d4.c4": "l2"}),
        scored(fw, "C/P/U2", {"d1.c1": "l2", "d2.c2": "l2", "d3.c3": "l2", "d4.c4": "l2"}),
    ]
    rows = {r.unit: r for r in benchmark(scores, [fw], period="2025/26").rows}
    assert rows["C/P/U1"].groups == {"a": 3, "b": 1}
    assert rows["C/P/U1"].group_levels == {"a": "l4", "b": "l2"}
    assert rows["C/P"].groups == {"a": 2, "b": 1}  # rolled up from the two units
    assert rows["C/P"].group_levels == {"a": "l3", "b": "l2"}
    pack = build_board(scores, [fw], "2025/26")
    assert [(g.id, g.domains) for g in pack.groups] == [("a", ["d1"]), ("b", ["d2", "d3", "d4"])]
    html = render_html(
        "board-pack.html.j2",
        context(pack, {"trend-1": "t", "distribution": "d"}, on=dt.date(2026, 11, 23)),
    )
    assert "Maturity by unit and group, 2025/26" in html
    assert "A (Domain 1); B (Domain 2, Domain 3, Domain 4)." in html
    assert "<td>L4 (3.00)</td><td>L2 (1.00)</td>" in html


# A framework named by its path, next to the assessment.

SAMM_ANSWERS = """\
unit: Acme/Payments
period: 2025/26
responses:
  strategy-and-metrics.strategy-and-metrics-a: {level: level-1}
  strategy-and-metrics.strategy-and-metrics-b: {level: level-2}
"""


@pytest.fixture
def samm_folder(tmp_path: Path) -> Path:
    (tmp_path / "frameworks").mkdir()
    (tmp_path / "frameworks" / "samm.yaml").write_text((PUBLISHED / "owasp-samm.yaml").read_text())
    (tmp_path / "answers").mkdir()
    (tmp_path / "answers" / "payments.yaml").write_text(
        "framework: ../frameworks/samm.yaml\n" + SAMM_ANSWERS
    )
    return tmp_path


def test_an_assessment_names_its_framework_by_a_relative_path(
    samm_folder: Path, cli: Callable[..., Result]
) -> None:
    result = cli("score", samm_folder / "answers" / "payments.yaml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["framework"] == {"id": "owasp-samm", "version": "2.0"}
    assert data["groups"][0] == {
        "id": "governance",
        "score": 0.5,
        "level": "level-0",
        "completeness": 1 / 3,
    }
    csv = cli("score", samm_folder / "answers" / "payments.yaml", "--format", "csv").stdout
    assert ",group,governance,0.5,level-0,,,0.3333," in csv


def test_the_store_keeps_a_path_named_framework_by_id(samm_folder: Path) -> None:
    db = str(samm_folder / "m.db")
    result = CliRunner().invoke(main, ["import", str(samm_folder / "answers"), "--store", db])
    assert result.exit_code == 0, result.output
    out = CliRunner().invoke(main, ["benchmark", "--store", db, "--format", "json"])
    rows = json.loads(out.stdout)
    assert rows[-1]["framework"] == "owasp-samm@2.0"
    assert rows[-1]["groups"]["governance"] == 0.5


def test_a_missing_framework_file_is_one_located_line(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("framework: ./nowhere.yaml\n" + SAMM_ANSWERS)
    result = cli("score", path)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}:1: framework: {tmp_path}/nowhere.yaml: no such file\n"


def test_show_names_the_groups_and_their_rules(cli: Callable[..., Result]) -> None:
    lines = cli("framework", "show", PUBLISHED / "owasp-samm.yaml").stdout.splitlines()
    assert lines[4:6] == [
        "Scoring: criteria -> domain: mean; domains -> group: mean; groups -> overall: mean; "
        "respondents: median",
        "Group Governance [governance]: strategy-and-metrics, policy-and-compliance, "
        "education-and-guidance",
    ]


def test_the_word_board_pack_has_the_group_table(tmp_path: Path) -> None:
    import docx

    from maturity.reports.word import board_docx

    fw = Framework.model_validate(grouped())
    scores = [
        scored(fw, "C/P/U1", {"d1.c1": "l4", "d2.c2": "l2", "d3.c3": "l2", "d4.c4": "l2"}),
        scored(fw, "C/P/U2", {"d1.c1": "l2", "d2.c2": "l2", "d3.c3": "l2", "d4.c4": "l2"}),
    ]
    path = tmp_path / "board.docx"
    board_docx(build_board(scores, [fw], "2025/26"), path, on=dt.date(2026, 11, 23))
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert "Maturity by unit and group, 2025/26" in texts
    grid = next(t for t in document.tables if t.rows[0].cells[1].text == "A")
    assert [c.text for c in grid.rows[0].cells] == ["Unit", "A", "B"]
    assert grid.rows[-1].cells[0].text == "P / U2"
    assert grid.rows[-1].cells[1].text.endswith("L2 1.00")
