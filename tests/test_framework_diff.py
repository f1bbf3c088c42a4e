"""`maturity framework diff`: what changed between two frameworks, and what the benchmark loses."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from conftest import framework_data

from maturity.core.framework import Framework
from maturity.core.framework_diff import diff

EDI = Path("frameworks/edi-maturity.yaml")


def edited(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    text = EDI.read_text().replace('version: "1.0"', 'version: "1.1"', 1)
    for old, new in changes:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "edi-1.1.yaml"
    path.write_text(text)
    return path


def test_a_reworded_criterion_is_left_out_of_the_benchmark(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    new = edited(tmp_path, ("title: Supplier diversity", "title: Supplier diversity and value"))
    result = cli("framework", "diff", "edi-maturity", new)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "edi-maturity@1.0 -> edi-maturity@1.1",
        "Criteria: 0 added, 0 removed, 1 changed",
        "  ~ services.supplier-diversity: reworded title",
        "Benchmark: compared on the 38 of 39 criteria identical in both; left out: "
        "services.supplier-diversity",
    ]


def test_the_same_framework_has_no_differences(cli: Callable[..., Result]) -> None:
    result = cli("framework", "diff", "edi-maturity", EDI)
    assert result.stdout == "edi-maturity@1.0 -> edi-maturity@1.0\nNo differences.\n"


def test_criteria_added_removed_and_descriptors_changed() -> None:
    old = Framework.model_validate(framework_data(domains=((1, 1, 1),)))
    data = framework_data(domains=((1, 1, 1),))
    criteria = data["domains"][0]["criteria"]
    criteria[0]["descriptors"]["l2"] = "Something else."
    criteria[1]["id"] = "c9"
    new = Framework.model_validate(data)
    result = diff(old, new)
    assert [(c.ref, c.change, c.what) for c in result.criteria] == [
        ("d1.c2", "removed", []),
        ("d1.c1", "changed", ["descriptors at l2"]),
        ("d1.c9", "added", []),
    ]
    assert result.comparable and result.shared == ["d1.c3"]


def test_changed_level_points_end_comparability(cli: Callable[..., Result], tmp_path: Path) -> None:
    new = edited(tmp_path, ("    points: 2\n", "    points: 2.5\n"))
    result = cli("framework", "diff", "edi-maturity", new, "--format", "json")
    assert result.exit_code == 0

    data = json.loads(result.stdout)
    assert data["levels"] == ["level 'developing': points 2 -> 2.5"]
    assert data["comparable"] is False and data["shared"] == []
    text = cli("framework", "diff", "edi-maturity", new).stdout.splitlines()
    assert text[-1] == "Benchmark: the two cannot be compared: their levels differ"
