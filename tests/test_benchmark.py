"""Benchmarking: roll-up, change, trend, rank and quartile, targets, framework versions, CLI."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from maturity.cli import main
from maturity.core.assessment import Assessment, Response
from maturity.core.benchmark import Weighting, benchmark
from maturity.core.errors import MaturityError
from maturity.core.framework import Framework
from maturity.core.scoring import Score, score
from maturity.store import display_name


def tiny(version: str = "1.0", culture_title: str = "Culture") -> Framework:
    """Three levels worth 1, 2, 3; two domains of one or two criteria; plain means."""

    def criterion(cid: str, title: str) -> dict[str, Any]:
        return {
            "id": cid,
            "title": title,
            "description": "d",
            "descriptors": {"low": "l", "mid": "m", "high": "h"},
            "evidence": {"mid": "m", "high": "h"},
            "actions": {"low": ["a"], "mid": ["b"]},
        }

    return Framework.model_validate(
        {
            "id": "tiny",
            "name": "Tiny",
            "version": version,
            "description": "A test framework.",
            "levels": [
                {"id": "low", "name": "Low", "description": "l", "points": 1.0},
                {"id": "mid", "name": "Mid", "description": "m", "points": 2.0},
                {"id": "high", "name": "High", "description": "h", "points": 3.0},
            ],
            "scoring": {"domain_rule": "mean", "overall_rule": "mean", "default_target": "mid"},
            "domains": [
                {"id": "people", "name": "People", "description": "p",
                 "criteria": [criterion("staff", "Staff")]},
                {"id": "places", "name": "Places", "description": "p",
                 "criteria": [criterion("access", "Access"), criterion("culture", culture_title)]},
            ],
        }
    )  # fmt: skip


FW = tiny()


def scored(
    unit: str, period: str, staff: str, access: str, respondents: int = 1, fw: Framework = FW
) -> Score:
    responses = {
        "people.staff": Response(level=staff),
        "places.access": Response(level=access),
        "places.culture": Response(level=access),
    }
    assessment = Assessment(
        framework=fw.id, unit=unit, period=period, respondents=respondents, responses=responses
    )
    return score(fw, assessment)


def row(result: Any, unit: str, period: str = "2025/26") -> Any:
    return next(r for r in result.rows if r.unit == unit and r.period == period)


def test_roll_up_by_respondents_or_equally() -> None:
    scores = [
        scored("Council/Place/Housing", "2025/26", "low", "low", respondents=1),
        scored("Council/Place/Parks", "2025/26", "high", "high", respondents=3),
        scored("Council/People/Adults", "2025/26", "mid", "mid", respondents=2),
    ]
    by_people = benchmark(scores, [FW], weighting=Weighting.RESPONDENTS)
    place = row(by_people, "Council/Place")
    assert place.rolled_up and place.units == 2 and place.respondents == 4
    assert place.overall.score == pytest.approx(2.5)
    assert place.domains == {"people": pytest.approx(2.5), "places": pytest.approx(2.5)}
    assert place.overall.level == "mid"
    # The council rolls up from its departments, each weighted by all their respondents.
    council = row(by_people, "Council")
    assert council.units == 3 and council.respondents == 6
    assert council.overall.score == pytest.approx((2.5 * 4 + 2.0 * 2) / 6)

    equal = benchmark(scores, [FW], weighting=Weighting.EQUAL)
    assert row(equal, "Council/Place").overall.score == pytest.approx(2.0)
    assert row(equal, "Council").overall.score == pytest.approx(2.0)

    assert [r.unit for r in benchmark(scores, [FW], weighting=None).rows] == [
        "Council/People/Adults",
        "Council/Place/Housing",
        "Council/Place/Parks",
    ]


def test_a_unit_assessed_itself_keeps_its_own_result() -> None:
    scores = [
        scored("Council/Place", "2025/26", "low", "low"),
        scored("Council/Place/Parks", "2025/26", "high", "high"),
    ]
    place = row(benchmark(scores, [FW]), "Council/Place")
    assert not place.rolled_up
    assert place.overall.score == pytest.approx(1.0)


def test_change_since_the_previous_assessed_period_and_trend() -> None:
    scores = [
        scored("Council/Housing", "2022/23", "low", "low"),
        scored("Council/Housing", "2023/24", "mid", "low"),
        # no 2024/25 for Housing
        scored("Council/Housing", "2025/26", "high", "high"),
        scored("Council/Parks", "2024/25", "mid", "mid"),
    ]
    result = benchmark(scores, [FW], period=None, weighting=None)
    first = row(result, "Council/Housing", "2022/23")
    assert first.change is None and first.trend.direction == "new"
    latest = row(result, "Council/Housing", "2025/26")
    assert latest.change is not None
    assert latest.change.since == "2023/24"
    assert latest.change.overall == pytest.approx(3.0 - 1.5)
    assert latest.change.domains == {"people": pytest.approx(1.0), "places": pytest.approx(2.0)}
    assert latest.trend.periods == 3 and latest.trend.since == "2022/23"
    assert latest.trend.direction == "up"
    # overall 1, 1.5, 3 at years 2022, 2023, 2025: least-squares slope per year
    assert latest.trend.slope == pytest.approx(0.6785714, rel=1e-6)
    one = benchmark(scores, [FW], period="2025/26", weighting=None)
    assert [(r.unit, r.period) for r in one.rows] == [("Council/Housing", "2025/26")]
    assert one.rows[0].change == latest.change


def test_rank_and_quartile_among_peers_with_ties() -> None:
    levels = ["high", "high", "mid", "low", "low"]
    scores = [scored(f"Council/Dept/S{i}", "2025/26", lv, lv) for i, lv in enumerate(levels)]
    scores.append(scored("Council/Other", "2025/26", "low", "low"))
    result = benchmark(scores, [FW], weighting=None)
    services = [row(result, f"Council/Dept/S{i}") for i in range(5)]
    assert [(r.rank, r.peers, r.quartile) for r in services] == [
        (1, 5, 1),
        (1, 5, 1),
        (3, 5, 2),
        (4, 5, 3),
        (4, 5, 3),
    ]
    # A department-level unit is ranked with departments, not with services.
    other = row(result, "Council/Other")
    assert (other.rank, other.peers) == (1, 1)


def test_unit_prefix_matches_whole_parts() -> None:
    scores = [
        scored("Council/Housing", "2025/26", "low", "low"),
        scored("Council/Housing/Repairs", "2025/26", "low", "low"),
        scored("Council/Housing Options", "2025/26", "low", "low"),
    ]
    result = benchmark(scores, [FW], unit="Council/Housing", weighting=None)
    assert [r.unit for r in result.rows] == ["Council/Housing", "Council/Housing/Repairs"]


def test_targets_from_the_framework_or_given() -> None:
    scores = [
        scored("Council/A", "2025/26", "mid", "high"),
        scored("Council/B", "2025/26", "low", "high"),
    ]
    result = benchmark(scores, [FW], weighting=None)
    assert result.targets == {"people": "mid", "places": "mid"}
    assert (row(result, "Council/A").target_met, row(result, "Council/A").below_target) == (
        True,
        [],
    )
    assert (row(result, "Council/B").target_met, row(result, "Council/B").below_target) == (
        False,
        ["people"],
    )
    given = benchmark(scores, [FW], weighting=None, targets={"places": "high"})
    assert given.targets == {"places": "high"}
    assert row(given, "Council/B").target_met is True


def test_framework_versions_compared_on_shared_criteria_only() -> None:
    newer = tiny("1.1", culture_title="Inclusive culture")
    old = scored("Council/A", "2024/25", "low", "low")
    new = scored("Council/A", "2025/26", "high", "high", fw=newer)
    result = benchmark([old, new], [FW, newer], period=None, weighting=None)
    assert result.warnings == [
        "comparing tiny versions 1.0, 1.1 on the 2 criteria the same in all; "
        "left out: places.culture"
    ]
    latest = row(result, "Council/A")
    assert latest.framework == "tiny@1.1"
    assert latest.change is not None
    assert latest.change.overall == pytest.approx(2.0)
    assert latest.domains == {"people": 3.0, "places": 3.0}


def test_framework_versions_with_different_levels_cannot_be_compared() -> None:
    data = FW.model_dump(mode="json")
    data["version"] = "2.0"
    data["levels"][2]["points"] = 4.0
    other = Framework.model_validate(data)
    scores = [
        scored("Council/A", "2024/25", "low", "low"),
        scored("Council/A", "2025/26", "low", "low", fw=other),
    ]
    with pytest.raises(
        MaturityError, match=r"cannot compare tiny 1.0 with 2.0: their levels differ"
    ):
        benchmark(scores, [FW, other])


# The command, over a store of the built-in council-equality-3 framework.


def assessment(folder: Path, unit: str, period: str, level: str, respondents: int = 1) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = unit.replace("/", "-").replace(" ", "") + period.replace("/", "-") + ".yaml"
    refs = [
        "communities.community-data",
        "communities.engagement",
        "communities.digital-inclusion",
        "communities.esol-signposting",
    ]
    answers = "".join(f"  {ref}: {{level: {level}, evidence: [e]}}\n" for ref in refs)
    (folder / name).write_text(
        textwrap.dedent(
            f"""\
            framework: council-equality-3
            unit: {unit}
            period: {period}
            respondents: {respondents}
            responses:
            """
        )
        + answers
    )


@pytest.fixture
def store(tmp_path: Path, store_url: str) -> str:
    db = store_url
    src = tmp_path / "in"
    assessment(src, "City Council/Place/Housing", "2024/25", "developing")
    assessment(src, "City Council/Place/Housing", "2025/26", "excellent", respondents=3)
    assessment(src, "City Council/Place/Parks and Open Spaces", "2025/26", "achieving")
    assessment(src, "City Council/People/Adult Social Care", "2025/26", "developing")
    result = CliRunner().invoke(main, ["import", str(src), "--store", db])
    assert result.exit_code == 0, result.output
    return db


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_benchmark_json_has_one_record_per_unit_and_period(store: str) -> None:
    result = invoke("benchmark", "--store", store, "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert {r["period"] for r in records} == {"2025/26"}  # the latest by default
    housing = next(r for r in records if r["unit"] == "City Council/Place/Housing")
    assert housing["overall"] == {"score": 0.0, "level": "developing"}
    assert housing["domains"]["communities"] == 1.0
    assert housing["change"] == {
        "since": "2024/25",
        "overall": 0.0,
        "domains": {"communities": 1.0, "leadership": 0.0, "services": 0.0, "workforce": 0.0},
    }
    place = next(r for r in records if r["unit"] == "City Council/Place")
    assert place["rolled_up"] is True
    assert place["domains"]["communities"] == pytest.approx((1.0 * 3 + 0.5 * 1) / 4)
    everything = json.loads(invoke("benchmark", "--store", store, "--period", "all",
                                   "--format", "json").stdout)  # fmt: skip
    assert len(everything) == len(records) + 3  # Housing, Place and City Council in 2024/25


def test_benchmark_table_fits_80_columns(store: str) -> None:
    result = invoke("benchmark", "--store", store, "--period", "all")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[0] == "council-equality-3@1.1  roll-up: respondents"
    assert any(line.startswith("    Parks and Open Spaces ") for line in lines)
    assert "Domains: commu=communities, leade=leadership, servi=services, workf=workforce" in lines


def test_benchmark_csv_and_unit_filter(store: str) -> None:
    result = invoke(
        "benchmark", "--store", store, "--format", "csv", "--unit", "City Council/Place"
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("unit,period,framework,respondents,rolled_up,overall_score")
    assert [line.split(",")[0] for line in lines[1:]] == [
        "City Council/Place",
        "City Council/Place/Housing",
        "City Council/Place/Parks and Open Spaces",
    ]


def test_benchmark_targets_file(store: str, tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text("level: developing\ndomains:\n  communities: excellent\n")
    result = invoke("benchmark", "--store", store, "--targets", str(targets), "--format", "json")
    assert result.exit_code == 0, result.output
    met = {r["unit"]: r["target_met"] for r in json.loads(result.stdout)}
    assert met["City Council/Place/Housing"] is True
    assert met["City Council/Place/Parks and Open Spaces"] is False
    targets.write_text("level: developing\ndomains:\n  communities: superb\n")
    result = invoke("benchmark", "--store", store, "--targets", str(targets))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {targets}:3: ")
    assert "'superb' is not a level of council-equality-3" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--period", "2025/27"],
            "Error: --period: period '2025/27' is not a financial year such as 2025/26 "
            "(YYYY/YY, the second year following the first)\n",
        ),
        (
            ["--period", "2019/20"],
            "Error: no council-equality-3 assessments for 2019/20 in {store} "
            "(periods: 2024/25, 2025/26)\n",
        ),
        (
            ["--framework", "edi-maturity"],
            "Error: no framework 'edi-maturity' in {store} (it holds: council-equality-3)\n",
        ),
        (
            ["--unit", "City Council/"],
            "Error: unit 'City Council/' is not a path such as 'City Council/Housing' "
            "(no empty parts between /)\n",
        ),
    ],
)
def test_benchmark_bad_input_is_one_line(store: str, args: list[str], message: str) -> None:
    result = invoke("benchmark", "--store", store, *args)
    assert result.exit_code == 1
    assert result.stderr == message.format(store=display_name(store))


def test_one_period_reads_the_same_as_that_period_of_all(store_url: str) -> None:
    # One period is read the quick way (earlier periods' overall scores only); it must
    # agree with the full read of every period: change, trend, rank and roll-up alike.
    db = store_url
    root = Path(__file__).resolve().parent.parent / "assessments"
    folders = [str(root / p) for p in ("2023-24", "2024-25", "2025-26")]
    assert invoke("import", *folders, "--store", db).exit_code == 0
    every = json.loads(
        invoke("benchmark", "--store", db, "--period", "all", "--format", "json").stdout
    )
    for period in ("2024/25", "2025/26"):
        one = json.loads(
            invoke("benchmark", "--store", db, "--period", period, "--format", "json").stdout
        )
        assert one == [r for r in every if r["period"] == period]
        assert len(one) == 12  # 7 units and the 5 made from the units below them


# --- worked examples the mutation run asked for (issue 18) ---------------------------------


@pytest.mark.parametrize(
    ("levels", "direction"),
    [
        (["high", "mid", "low"], "down"),
        (["mid", "mid", "mid"], "flat"),
        (["low", "mid", "high"], "up"),
    ],
)
def test_trend_directions(levels: list[str], direction: str) -> None:
    periods = ["2023/24", "2024/25", "2025/26"]
    scores = [scored("Council/A", p, lv, lv) for p, lv in zip(periods, levels, strict=True)]
    latest = row(benchmark(scores, [FW], period=None, weighting=None), "Council/A")
    assert latest.trend.direction == direction
    assert latest.trend.periods == 3 and latest.trend.since == "2023/24"
    assert (latest.trend.slope or 0.0) == pytest.approx({"down": -1, "flat": 0, "up": 1}[direction])


def test_ranking_sorts_unsorted_input_highest_first() -> None:
    levels = ["low", "high", "mid", "high"]
    scores = [scored(f"Council/Dept/S{i}", "2025/26", lv, lv) for i, lv in enumerate(levels)]
    result = benchmark(scores, [FW], weighting=None)
    ranks = [(row(result, f"Council/Dept/S{i}").rank, row(result, f"Council/Dept/S{i}").quartile)
             for i in range(4)]  # fmt: skip
    # high, high (tied first), mid third, low fourth; quartiles of four peers.
    assert ranks == [(4, 4), (1, 1), (3, 3), (1, 1)]


def test_version_order_is_natural_1_9_before_1_10() -> None:
    from maturity.core.benchmark import version_key

    assert sorted(["1.10", "1.9", "2.0", "1.9.1", "1.0-beta"], key=version_key) == [
        "1.0-beta",
        "1.9",
        "1.9.1",
        "1.10",
        "2.0",
    ]
    assert version_key("1.9") < version_key("1.10")


def test_the_newest_version_is_the_basis_whatever_the_order_given() -> None:
    v19, v110 = tiny("1.9"), tiny("1.10")
    old = scored("Council/A", "2024/25", "low", "low", fw=v19)
    new = scored("Council/A", "2025/26", "high", "high", fw=v110)
    for frameworks in ([v19, v110], [v110, v19]):
        result = benchmark([new, old], frameworks, period=None, weighting=None)
        assert result.framework == "tiny@1.10"


def test_a_unit_exactly_at_its_target_meets_it() -> None:
    at = row(benchmark([scored("Council/A", "2025/26", "mid", "mid")], [FW]), "Council/A")
    assert (at.target_met, at.below_target) == (True, [])
    below = row(benchmark([scored("Council/A", "2025/26", "low", "mid")], [FW]), "Council/A")
    assert (below.target_met, below.below_target) == (False, ["people"])
    none = benchmark([scored("Council/A", "2025/26", "mid", "mid")], [FW], targets={})
    assert (row(none, "Council/A").target_met, none.targets) == (None, {})


def not_applicable(unit: str, period: str) -> Score:
    na = Response(level="not_applicable")
    responses = {"people.staff": na, "places.access": na, "places.culture": na}
    return score(FW, Assessment(framework="tiny", unit=unit, period=period, responses=responses))


def test_a_unit_with_no_overall_score_has_no_rank_and_is_no_peer() -> None:
    scores = [
        scored("Council/Dept/A", "2025/26", "mid", "mid"),
        not_applicable("Council/Dept/B", "2025/26"),
    ]
    result = benchmark(scores, [FW], weighting=None)
    a, b = row(result, "Council/Dept/A"), row(result, "Council/Dept/B")
    assert (a.rank, a.peers, a.quartile) == (1, 1, 1)
    assert (b.overall.score, b.rank, b.peers, b.quartile) == (None, None, 1, None)


def test_a_trend_needs_two_scored_periods() -> None:
    two = [
        scored("Council/A", "2024/25", "low", "low"),
        scored("Council/A", "2025/26", "mid", "mid"),
    ]
    latest = row(benchmark(two, [FW], period=None, weighting=None), "Council/A")
    assert (latest.trend.direction, latest.trend.slope) == ("up", pytest.approx(1.0))
    gap = [not_applicable("Council/A", "2024/25"), scored("Council/A", "2025/26", "mid", "mid")]
    latest = row(benchmark(gap, [FW], period=None, weighting=None), "Council/A")
    assert (latest.trend.direction, latest.trend.slope, latest.trend.periods) == ("flat", None, 2)


def test_no_scores_compare_on_the_newest_framework_or_not_at_all() -> None:
    empty = benchmark([], [tiny("1.9"), tiny("1.10"), tiny("1.2")])
    assert (empty.framework, empty.rows) == ("tiny@1.10", [])
    with pytest.raises(MaturityError) as caught:
        benchmark([], [])
    assert str(caught.value) == "no scores to compare"


def test_a_score_of_an_unknown_framework_version_is_refused() -> None:
    with pytest.raises(MaturityError) as caught:
        benchmark([scored("Council/A", "2025/26", "mid", "mid", fw=tiny("2.0"))], [FW])
    assert str(caught.value) == "framework version 2.0 is not known"


def renamed(version: str, *refs: str) -> Framework:
    """FW as `version`, with the named criteria's titles changed (so they differ)."""
    data = FW.model_dump(mode="json")
    data["version"] = version
    for domain in data["domains"]:
        for criterion in domain["criteria"]:
            if f"{domain['id']}.{criterion['id']}" in refs:
                criterion["title"] += " (revised)"
    return Framework.model_validate(data)


def test_version_messages_name_every_version_and_criterion() -> None:
    newer = renamed("1.1", "places.access", "places.culture")
    old = scored("Council/A", "2024/25", "low", "low", respondents=3)
    new = scored("Council/A", "2025/26", "high", "high", fw=newer)
    result = benchmark([old, new], [FW, newer], period=None, weighting=None)
    assert result.warnings == [
        "comparing tiny versions 1.0, 1.1 on the 1 criteria the same in all; "
        "left out: places.access, places.culture"
    ]
    assert row(result, "Council/A", "2024/25").respondents == 3  # kept through re-scoring
    disjoint = renamed("1.2", "people.staff", "places.access", "places.culture")
    newest = scored("Council/A", "2025/26", "high", "high", fw=disjoint)
    with pytest.raises(MaturityError) as caught:
        benchmark([old, newest], [FW, disjoint], period=None)
    assert str(caught.value) == (
        "cannot compare tiny versions 1.0, 1.2: no criterion is the same in all"
    )
    bare = [s._replace(criteria=[]) for s in (old, new)]
    with pytest.raises(MaturityError) as caught:
        benchmark(bare, [FW, newer], period=None)
    assert str(caught.value) == "scores of several framework versions must carry their criteria"
    with pytest.raises(MaturityError) as caught:
        benchmark([new, newest], [FW], period=None)
    assert str(caught.value) == "framework version 1.1, 1.2 is not known"


def test_rolled_up_units_have_levels_per_domain() -> None:
    scores = [
        scored("Council/Place/Housing", "2025/26", "low", "high"),
        scored("Council/Place/Parks", "2025/26", "low", "high"),
    ]
    place = row(benchmark(scores, [FW], weighting=Weighting.EQUAL), "Council/Place")
    assert place.levels == {"people": "low", "places": "high"}
    assert place.overall.level == "mid"  # (1 + 3) / 2 = 2


def test_a_roll_up_is_the_same_in_every_process() -> None:
    """Found at 1,000 units: a council's score moved in its last digit from run to run, as
    the order of its departments followed the string hashes of their names."""
    import subprocess
    import sys

    script = textwrap.dedent(
        """
        import random, sys
        sys.path.insert(0, "bench")
        from bench_score import synthetic
        from maturity.core.benchmark import Weighting, benchmark
        from maturity.core.scoring import score
        from maturity.files.catalog import load_framework
        fw = load_framework("edi-maturity")
        rng = random.Random(5)
        scores = [score(fw, synthetic(fw, rng, unit)) for unit in range(300)]
        rows = benchmark(scores, [fw], weighting=Weighting.RESPONDENTS).rows
        print(repr([(r.unit, r.overall.score, r.domains) for r in rows if r.rolled_up]))
        """
    )
    repo = Path(__file__).resolve().parent.parent
    printed = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=repo,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(4)
    }
    assert len(printed) == 1
