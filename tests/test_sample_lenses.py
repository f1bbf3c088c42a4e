"""The council-equality-3 sample data rated through lenses: JSON, board pack, versions."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from maturity.cli import main
from maturity.core.errors import MaturityError
from maturity.files import catalog
from tests.test_consult_cli import pdf_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "assessments" / "council-equality-3"
CUSTOMER = SAMPLES / "2025-26" / "customer-services.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def score_json(path: Path) -> dict[str, Any]:
    code, out, err = run("score", str(path), "--format", "json")
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def test_version_1_0_stays_available_beside_1_1() -> None:
    current = catalog.load_framework("council-equality-3")
    earlier = catalog.load_framework("council-equality-3@1.0")
    assert (current.version, earlier.version) == ("1.1", "1.0")
    assert [lens.id for lens in current.lenses] == ["race", "disability", "sex", "care-experience"]
    assert earlier.lenses == []
    # Apart from the lenses, 1.1 is 1.0.
    assert current.model_copy(update={"version": "1.0", "lenses": []}) == earlier
    for missing in ("0.9", "../1.0", "1.0/../1.0"):
        with pytest.raises(MaturityError, match=f"version {re.escape(missing)} is not available"):
            catalog.load_framework(f"council-equality-3@{missing}")


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*/*.yaml")), ids=lambda p: p.stem)
def test_lens_ratings_leave_the_sample_scores_as_they_were_under_1_0(
    path: Path, tmp_path: Path
) -> None:
    text = path.read_text(encoding="utf-8").replace(
        "council-equality-3@1.1", "council-equality-3@1.0"
    )
    plain = "".join(
        line
        for line in text.splitlines(keepends=True)
        if not line.lstrip().startswith(("lenses:", "lens_people:"))
    )
    old = tmp_path / path.name
    old.write_text(plain, encoding="utf-8")
    now, before = score_json(path), score_json(old)
    assert (now.pop("framework"), before.pop("framework")) == (
        {"id": "council-equality-3", "version": "1.1"},
        {"id": "council-equality-3", "version": "1.0"},
    )
    assert "lenses" not in before
    now.pop("lenses")
    assert now == before


def test_score_json_carries_each_lens_by_domain_with_small_numbers_suppressed() -> None:
    lenses = score_json(CUSTOMER)["lenses"]
    assert lenses["summary"] == (
        "Achieving for race, Developing for disability; Care experience not shown "
        "([c]: about fewer than the threshold of people)"
    )
    rows = {row["lens"]: row for row in lenses["rows"]}
    assert list(rows) == ["race", "disability", "care-experience"]  # sex: not rated
    assert [(c["domain"], c["level"]) for c in rows["disability"]["cells"]] == [
        ("communities", "developing"),
        ("leadership", "achieving"),
        ("services", "achieving"),
        ("workforce", "developing"),
    ]
    assert (rows["race"]["people"], rows["race"]["rated"], rows["race"]["level"]) == (
        410,
        7,
        "achieving",
    )
    care = rows["care-experience"]
    assert (care["people"], care["suppressed"], care["level"]) == (4, True, None)
    assert {c["level"] for c in care["cells"]} == {None}
    # A unit of a framework with lenses but no ratings: an empty list, said in words.
    benefits = score_json(SAMPLES / "2025-26" / "revenues-benefits.yaml")["lenses"]
    assert benefits == {"summary": "No lens ratings.", "rows": []}


def test_score_json_of_a_framework_without_lenses_has_no_lens_key() -> None:
    assert "lenses" not in score_json(ROOT / "assessments" / "2025-26" / "adult-social-care.yaml")


def test_the_sample_board_pack_shows_the_lens_heatmap_and_a_suppressed_lens(
    tmp_path: Path,
) -> None:
    store = f"sqlite:///{tmp_path / 'council.db'}"
    files = [str(p) for p in sorted(SAMPLES.glob("*/*.yaml"))]
    code, _, err = run("import", *files, "--store", store)
    assert code == 0, err
    pdf = tmp_path / "board.pdf"
    code, _, err = run(
        "report", "board", "--framework", "council-equality-3", "--period", "2025/26",
        "--store", store, "-o", str(pdf),
    )  # fmt: skip
    assert code == 0, err
    text = pdf_text(pdf)
    assert "Maturity for each group of people, 2025/26" in text
    assert (
        "Libraries and Community Services: Achieving for race, Developing for disability, "
        "Achieving for sex, Developing for care experience" in text
    )
    assert (
        "Customer Services: Achieving for race, Developing for disability; "
        "Care experience not shown" in text
    )
    assert "[c] Not published: about fewer than 5 people" in text


def test_the_sample_board_pack_in_word_has_the_lens_heatmap_too(tmp_path: Path) -> None:
    import docx

    store = f"sqlite:///{tmp_path / 'council.db'}"
    files = [str(p) for p in sorted(SAMPLES.glob("*/*.yaml"))]
    assert run("import", *files, "--store", store)[0] == 0
    path = tmp_path / "board.docx"
    code, _, err = run(
        "report", "board", "--framework", "council-equality-3", "--period", "2025/26",
        "--store", store, "-o", str(path),
    )  # fmt: skip
    assert code == 0, err
    document = docx.Document(str(path))
    heatmap = next(t for t in document.tables if t.rows[0].cells[0].text == "Unit and group")
    rows = [[c.text for c in row.cells] for row in heatmap.rows]
    # A unit's row spans the table, as in the PDF; so does a suppressed lens's note.
    unit_row = next(r for r in rows if r[0].startswith("City Development"))
    assert unit_row[0].endswith(
        "Libraries and Community Services: Achieving for race, Developing for disability, "
        "Achieving for sex, Developing for care experience"
    )
    assert set(unit_row) == {unit_row[0]}
    suppressed = next(r for r in rows if r[1].startswith("[c]"))
    assert set(suppressed[1:]) == {"[c] Not published: about fewer than 5 people"}
    assert ["Race", *["◑ Achieving"] * 5] in rows


def test_benchmark_json_gives_each_unit_the_lens_results_score_json_gives(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'council.db'}"
    files = [str(p) for p in sorted(SAMPLES.glob("*/*.yaml"))]
    assert run("import", *files, "--store", store)[0] == 0
    code, out, err = run("benchmark", "--store", store, "--period", "all", "--format", "json")
    assert code == 0, err
    records = {(r["unit"], r["period"]): r for r in json.loads(out)}
    assessed = 0
    for path in sorted(SAMPLES.glob("*/*.yaml")):
        scored = score_json(path)
        assert records[(scored["unit"], scored["period"])]["lenses"] == scored["lenses"]
        assessed += 1
    assert assessed == 6
    # A department rolled up from its units has no lens results of its own.
    assert records[("City Council/Corporate Resources", "2025/26")]["lenses"] is None


def test_benchmark_json_of_a_framework_without_lenses_has_no_lens_key(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'edi.db'}"
    assert run("import", str(ROOT / "assessments" / "2025-26"), "--store", store)[0] == 0
    code, out, err = run("benchmark", "--store", store, "--format", "json")
    assert code == 0, err
    assert all("lenses" not in r for r in json.loads(out))
