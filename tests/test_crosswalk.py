"""Reference sets, `maps_to` citations and the crosswalk, in the core and from the command line."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from maturity.cli import main
from maturity.core.crosswalk import Citation, ReferenceSet, cite, crosswalk, mapped_criteria
from maturity.files.catalog import load_framework
from maturity.files.references import load_references, reference_set

CHARTER = "race-at-work-charter"


def charter() -> ReferenceSet:
    return reference_set(CHARTER)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("race-at-work-charter/pledge-2", Citation(CHARTER, "pledge-2")),
        (
            "Race at Work Charter pledge 2: Capture ethnicity data and publicise progress",
            Citation(CHARTER, "pledge-2"),
        ),
        ("race at work charter  Pledge 7", Citation(CHARTER, "pledge-7")),
        ("Equality Action Plan 2024-2025, 3b: a coaching offer", None),
        (
            "Race at Work Charter pledge 9: Something else",
            "'pledge 9' is not an item of the Race at Work Charter (items: pledge 1, pledge 2, "
            "pledge 3, pledge 4, pledge 5, pledge 6, pledge 7)",
        ),
        (
            "race-at-work-charter/pledge-8",
            "'race-at-work-charter/pledge-8': Race at Work Charter has no item 'pledge-8' "
            "(items: pledge-1, pledge-2, pledge-3, pledge-4, pledge-5, pledge-6, pledge-7)",
        ),
        (
            "race-at-work/pledge-1",
            "'race-at-work/pledge-1': no reference set 'race-at-work' (known: "
            "lga-equality-framework, public-sector-equality-duty, race-at-work-charter)",
        ),
    ],
)
def test_citations_resolve_or_say_what_is_wrong(entry: str, expected: object) -> None:
    assert cite(entry, load_references()) == expected


def test_the_built_in_frameworks_cite_only_items_that_exist(cli: Callable[..., Result]) -> None:
    result = cli("framework", "validate", "frameworks/edi-maturity.yaml")
    assert result.exit_code == 0, result.stderr
    fw = load_framework("edi-maturity")
    mapped = mapped_criteria(fw, charter())
    # edi-maturity's maps_to cite every one of the seven pledges in words.
    assert all(mapped.values())
    assert mapped["pledge-1"] == ["leadership.executive-sponsor"]
    assert mapped["pledge-7"] == ["services.supplier-diversity"]


def test_a_dangling_reference_is_an_error_with_file_and_line(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    text = Path("tests/data/frameworks/valid-small.yaml").read_text()
    text = text.replace(
        '          mid: ["Publish the data"]\n',
        '          mid: ["Publish the data"]\n'
        "        maps_to:\n"
        '          - "Race at Work Charter pledge 2: data"\n'
        '          - "Race at Work Charter pledge 12: data"\n',
    )
    path = tmp_path / "small.yaml"
    path.write_text(text)
    result = cli("framework", "validate", path)
    assert result.exit_code == 1
    line = text.splitlines().index('          - "Race at Work Charter pledge 12: data"') + 1
    assert result.stderr == (
        f"Error: {path}:{line}: domain 'people' > criterion 'data' > maps_to 2: dangling "
        "reference: 'pledge 12' is not an item of the Race at Work Charter (items: pledge 1, "
        "pledge 2, pledge 3, pledge 4, pledge 5, pledge 6, pledge 7)\n"
    )


# The command over a store of two units assessed against edi-maturity.

PLEDGED = sorted(
    {c for cs in mapped_criteria(load_framework("edi-maturity"), charter()).values() for c in cs}
)
HIGH = "City Council/Corporate Resources/HR"
LOW = "City Council/Place/Housing"


def write_assessment(folder: Path, unit: str, level: str) -> None:
    answers = "".join(f"  {ref}: {{level: {level}, evidence: [a report]}}\n" for ref in PLEDGED)
    header = f"framework: edi-maturity\nunit: {unit}\nperiod: 2025/26\nresponses:\n"
    (folder / f"{level}.yaml").write_text(header + answers)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("crosswalk")
    write_assessment(folder, HIGH, "leading")
    write_assessment(folder, LOW, "developing")
    db = str(folder / "m.db")
    result = CliRunner().invoke(main, ["import", str(folder), "--store", db])
    assert result.exit_code == 0, result.output
    return db


def run(store: str, *args: str) -> Result:
    result = CliRunner().invoke(
        main, ["crosswalk", "--reference", CHARTER, "--store", store, *args]
    )
    assert "Traceback" not in result.output
    return result


def test_a_unit_at_target_meets_every_pledge(store: str) -> None:
    result = run(store, "--unit", HIGH, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["unit"] == HIGH and data["period"] == "2025/26" and data["units"] == 1
    assert [i["coverage"] for i in data["items"]] == ["met"] * 7
    assert data["uncovered"] == []
    first = data["items"][0]["criteria"][0]
    assert first == {
        "ref": "leadership.executive-sponsor",
        "title": "Executive sponsor and visible senior leadership",
        "level": "leading",
        "level_name": "Leading",
        "target": "embedded",
        "at_target": True,
        "units": None,
        "units_at_target": None,
    }


def test_the_council_takes_the_median_unit_and_counts_units_at_target(store: str) -> None:
    data = json.loads(run(store, "--format", "json").output)
    assert data["unit"] is None and data["units"] == 2
    # Two units, at Leading and Developing: the lower middle is Developing, below target.
    assert [i["coverage"] for i in data["items"]] == ["not met"] * 7
    sponsor = data["items"][0]["criteria"][0]
    assert (sponsor["level"], sponsor["units"], sponsor["units_at_target"]) == ("developing", 2, 1)


def test_the_table_names_each_pledge_its_criteria_and_coverage(store: str) -> None:
    result = run(store, "--unit", LOW)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Race at Work Charter: {LOW}, 2025/26 (edi-maturity@1.0)"
    assert lines[2:5] == [
        "Pledge 1: Appoint an Executive Sponsor for race",
        "  NOT MET (0 of 1 at target)",
        "  - Executive sponsor and visible senior leadership (leadership.executive-sponsor): "
        "Developing, target Embedded; below target",
    ]
    assert lines[-1] == "Every item of the Race at Work Charter is covered by some criterion."


def test_items_no_criterion_maps_to_are_listed(store: str) -> None:
    result = CliRunner().invoke(
        main, ["crosswalk", "--reference", "public-sector-equality-duty", "--store", store]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "Not covered by any criterion: general duty (a), general duty (b), general duty (c), "
        "specific duty equality information, specific duty equality objectives, specific duty "
        "gender pay gap"
    )


def test_partly_met_when_some_mapped_criteria_reach_target() -> None:
    from maturity.core.assessment import Assessment
    from maturity.core.scoring import score

    fw = load_framework("edi-maturity")
    responses = {
        "insight.ethnicity-data": {"level": "leading", "evidence": ["x"]},
        "workforce.representation": {"level": "emerging"},
    }
    assessment = Assessment.model_validate(
        {"framework": "edi-maturity", "unit": "C/U", "period": "2025/26", "responses": responses}
    )
    result = crosswalk(fw, charter(), [score(fw, assessment)], "C/U", "2025/26")
    pledge2 = result.items[1]
    assert (pledge2.coverage, pledge2.at_target, len(pledge2.criteria)) == ("partly met", 1, 2)


def test_a_pdf_page_for_the_board(store: str, tmp_path: Path) -> None:
    out = tmp_path / "charter.pdf"
    result = run(store, "--format", "pdf", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out} (1 page)\n"
    import pikepdf

    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 1


def test_bad_requests_are_one_line(store: str) -> None:
    result = run(store, "--unit", "City Council/Nowhere")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no assessment of 'City Council/Nowhere' for 2025/26 in {store}\n"
    )
    result = CliRunner().invoke(
        main, ["crosswalk", "--reference", "no-such-charter", "--store", store]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no reference set 'no-such-charter'")
    assert run(store, "--format", "pdf").exit_code == 2


def test_reference_set_files_are_checked_like_frameworks(tmp_path: Path) -> None:
    from maturity.core.errors import InvalidFileError

    path = tmp_path / "ref.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            id: charter
            name: A charter
            publisher: Someone
            source: Their website
            items:
              - {id: one, label: pledge 1, title: First}
              - {id: one, label: pledge 2, title: Second}
            """
        )
    )
    with pytest.raises(InvalidFileError) as caught:
        reference_set(str(path))
    assert caught.value.lines == [f"{path}:7: item 'one' > id: item id 'one' is used twice"]


def test_an_item_whose_criteria_are_all_out_of_scope_is_not_judged() -> None:
    from maturity.core.assessment import Assessment
    from maturity.core.scoring import score

    fw = load_framework("edi-maturity")
    assessment = Assessment.model_validate(
        {
            "framework": "edi-maturity",
            "unit": "C/U",
            "period": "2025/26",
            "out_of_scope": {"services.supplier-diversity": "Buys nothing"},
        }
    )
    result = crosswalk(fw, charter(), [score(fw, assessment)], "C/U", "2025/26")
    pledge7 = result.items[6]
    assert pledge7.coverage == "not judged"
    assert pledge7.criteria[0].level == "not_applicable"
