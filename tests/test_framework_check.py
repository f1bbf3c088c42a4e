"""One round of errors: a framework's type errors and its cross-checks are reported together."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from conftest import framework_data

from maturity.core.errors import InvalidFileError
from maturity.files import loading
from maturity.files.framework_check import check_framework


def problems(data: dict[str, Any]) -> list[str]:
    source = loading.parse(yaml.safe_dump(data, sort_keys=False), "f.yaml")
    with pytest.raises(InvalidFileError) as caught:
        check_framework(source)
    return [re.sub(r"^f\.yaml:\d+: ", "", line) for line in caught.value.lines]


def two_domains() -> dict[str, Any]:
    return framework_data(domains=((1, 1), (1,)))


def test_a_type_error_and_a_cross_check_elsewhere_show_together() -> None:
    data = two_domains()
    data["domains"][1]["weight"] = "double"
    data["domains"][0]["criteria"][0]["descriptors"].pop("l3")
    assert problems(data) == [
        "domain 'd1' > criterion 'c1' > descriptors: missing descriptors for l3; every "
        "criterion describes every level",
        "domain 'd2' > weight: expected a number, found 'double'",
    ]


def test_a_broken_criterion_is_set_aside_and_the_others_checked() -> None:
    data = two_domains()
    data["domains"][0]["criteria"][0]["title"] = 42
    data["domains"][0]["criteria"][0]["evidenc"] = {}
    data["domains"][1]["criteria"][0]["id"] = "c2"  # the same id as d1's second criterion
    assert problems(data) == [
        "domain 'd1' > criterion 'c1' > title: expected text, found the number 42; put it in "
        "quotes",
        "domain 'd1' > criterion 'c1' > evidenc: unknown key 'evidenc'; check the spelling "
        "against the format reference",
        "domain 'd2' > criterion 'c2' > id: criterion id 'c2' is already used in domain 'd1'; "
        "criterion ids must be unique across the framework",
    ]


def test_unknown_top_level_keys_do_not_hide_the_cross_checks() -> None:
    data = two_domains()
    data["publsher"] = "Us"
    data["domains"][1]["id"] = "d1"
    assert problems(data) == [
        "domain 'd1' > id: domain id 'd1' is used twice",
        "publsher: unknown key 'publsher'; check the spelling against the format reference",
    ]


def test_a_broken_scale_stops_at_its_own_errors() -> None:
    data = two_domains()
    data["levels"][1]["points"] = "two"
    data["domains"][1]["id"] = "d1"
    assert problems(data) == ["level 'l2' > points: expected a number, found 'two'"]


def test_validate_reports_both_in_one_run(cli: Callable[..., Result], tmp_path: Path) -> None:
    text = Path("tests/data/frameworks/valid-small.yaml").read_text()
    text = text.replace("          high: Full data.\n", "", 1)
    text = text.replace("    weight: 2\n", "    weight: double\n", 1)
    path = tmp_path / "two.yaml"
    path.write_text(text)
    result = cli("framework", "validate", path)
    assert result.exit_code == 1
    assert [line.split(": ", 3)[2] for line in result.stderr.splitlines()] == [
        "domain 'people' > criterion 'data' > descriptors",
        "domain 'services' > weight",
    ]
