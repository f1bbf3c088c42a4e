"""The framework format: cross-field checks, the YAML round trip, and the built-in frameworks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from conftest import framework_data, make_framework
from hypothesis import given, settings
from strategies import frameworks, slugs, tricky_texts

from maturity.core.errors import InvalidFileError
from maturity.core.framework import Framework
from maturity.files import catalog, loading


def problems(data: dict[str, Any]) -> list[str]:
    """The located lines for `data` as YAML, without the `file:line: ` prefix."""
    source = loading.parse(yaml.safe_dump(data, sort_keys=False), "f.yaml")
    with pytest.raises(InvalidFileError) as caught:
        loading.validate(source, Framework)
    return [re.sub(r"^f\.yaml:\d+: ", "", line) for line in caught.value.lines]


def edit(change: Callable[[dict[str, Any]], None], **kwargs: Any) -> dict[str, Any]:
    data = framework_data(**kwargs)
    change(data)
    return data


def crit(data: dict[str, Any], d: int = 0, c: int = 0) -> dict[str, Any]:
    criterion: dict[str, Any] = data["domains"][d]["criteria"][c]
    return criterion


HIGHER = {"name": "Share", "unit": "percent", "direction": "higher", "target": 80}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            edit(lambda d: d["domains"][1].update(id="d1"), domains=((1,), (1,))),
            ["domain 'd1' > id: domain id 'd1' is used twice"],
            id="duplicate-domain-id",
        ),
        pytest.param(
            edit(lambda d: crit(d, 1).update(id="c1"), domains=((1,), (1,))),
            [
                "domain 'd2' > criterion 'c1' > id: criterion id 'c1' is already used in domain "
                "'d1'; criterion ids must be unique across the framework"
            ],
            id="duplicate-criterion-id",
        ),
        pytest.param(
            edit(lambda d: crit(d)["descriptors"].pop("l2")),
            [
                "domain 'd1' > criterion 'c1' > descriptors: missing descriptors for l2; every "
                "criterion describes every level"
            ],
            id="missing-descriptor",
        ),
        pytest.param(
            edit(lambda d: crit(d)["descriptors"].update(l9="Extra.")),
            [
                "domain 'd1' > criterion 'c1' > descriptors: l9 not a level here; descriptors are "
                "keyed by l1, l2, l3"
            ],
            id="descriptor-for-no-level",
        ),
        pytest.param(
            edit(lambda d: crit(d)["evidence"].update(l1="Nothing to show.")),
            [
                "domain 'd1' > criterion 'c1' > evidence: l1 not a level here; evidence are "
                "keyed by l2, l3"
            ],
            id="evidence-for-the-lowest-level",
        ),
        pytest.param(
            edit(lambda d: crit(d)["actions"].update(l3=["Stay there."])),
            [
                "domain 'd1' > criterion 'c1' > actions: l3 not a level here; actions are keyed "
                "by l1, l2"
            ],
            id="actions-from-the-top-level",
        ),
        pytest.param(
            edit(lambda d: crit(d)["actions"].update(l1=[])),
            ["domain 'd1' > criterion 'c1' > actions > l1: give at least one action"],
            id="empty-actions",
        ),
        pytest.param(
            edit(lambda d: d["levels"][2].update(points=2)),
            [
                "level 'l3' > points: points must rise from level to level; 'l3' has 2, not more "
                "than 'l2' (2)"
            ],
            id="points-not-rising",
        ),
        pytest.param(
            edit(lambda d: crit(d).update(weight=0)),
            ["domain 'd1' > criterion 'c1' > weight: weight must be more than 0, not 0"],
            id="zero-criterion-weight",
        ),
        pytest.param(
            edit(lambda d: d["domains"][0].update(weight=-1)),
            ["domain 'd1' > weight: weight must be more than 0, not -1"],
            id="negative-domain-weight",
        ),
        pytest.param(
            edit(lambda d: crit(d).update(metric={**HIGHER, "thresholds": {"l2": 60, "l3": 50}})),
            [
                "domain 'd1' > criterion 'c1' > metric > thresholds > l3: with direction 'higher' "
                "thresholds must rise level by level; 'l3' is 50 after 60"
            ],
            id="thresholds-against-higher",
        ),
        pytest.param(
            edit(
                lambda d: crit(d).update(
                    metric={**HIGHER, "direction": "lower", "thresholds": {"l2": 50, "l3": 60}}
                )
            ),
            [
                "domain 'd1' > criterion 'c1' > metric > thresholds > l3: with direction 'lower' "
                "thresholds must fall level by level; 'l3' is 60 after 50"
            ],
            id="thresholds-against-lower",
        ),
        pytest.param(
            edit(lambda d: crit(d).update(metric={**HIGHER, "thresholds": {"l2": 50}})),
            [
                "domain 'd1' > criterion 'c1' > metric > thresholds: missing thresholds for l3; "
                "give the value at which each level above the lowest is reached"
            ],
            id="missing-threshold",
        ),
        pytest.param(
            edit(lambda d: crit(d).update(metric={**HIGHER, "thresholds": {"l2": 50, "l3": 120}})),
            [
                "domain 'd1' > criterion 'c1' > metric: a percent metric's thresholds and target "
                "must be between 0 and 100"
            ],
            id="percent-over-100",
        ),
        pytest.param(
            edit(lambda d: d["scoring"].update(default_target="top")),
            [
                "scoring > default_target: default_target 'top' is not a level id; use one of "
                "l1, l2, l3"
            ],
            id="unknown-default-target",
        ),
        pytest.param(
            edit(lambda d: d["domains"][0].update(target="top")),
            ["domain 'd1' > target: target 'top' is not a level id; use one of l1, l2, l3"],
            id="unknown-domain-target",
        ),
        pytest.param(
            framework_data(bands=[("Low", 1.5, 2), ("High", 2.01, 3)]),
            ["scoring > bands: bands start at 1.5 but the overall score can be as low as 1"],
            id="bands-start-too-high",
        ),
        pytest.param(
            framework_data(bands=[("Low", 1, 2), ("High", 2.01, 2.5)]),
            ["scoring > bands: bands end at 2.5 but the overall score can reach 3"],
            id="bands-end-too-low",
        ),
        pytest.param(
            framework_data(domains=((1, 1),), domain_rule="sum", bands=[("All", 1, 3)]),
            # Two criteria of 1 to 3 points summed: the overall can reach 3 + 3 = 6.
            ["scoring > bands: bands end at 3 but the overall score can reach 6"],
            id="bands-must-cover-a-sum",
        ),
        pytest.param(
            framework_data(bands=[("Low", 1, 2), ("High", 2, 3)]),
            [
                "scoring > bands 2: bands 'Low' (1 to 2) and 'High' (2 to 3) overlap; each score "
                "must fall in one band (leave out `max` to run a band up to the next one's start)"
            ],
            id="bands-touch",
        ),
        pytest.param(
            framework_data(bands=[("Low", 1, 2), ("Low", 2.5, 3)]),
            ["scoring > bands 2 > name: band name 'Low' is used twice"],
            id="band-name-twice",
        ),
        pytest.param(
            framework_data(bands=[("Low", 2, 1), ("High", 2.5, 3)]),
            [
                "scoring > bands 1: band 'Low' has max 1 below min 2",
                "scoring > bands: bands start at 2 but the overall score can be as low as 1",
            ],
            id="band-upside-down",
        ),
    ],
)
def test_cross_checks(data: dict[str, Any], expected: list[str]) -> None:
    assert problems(data) == expected


def test_a_duplicate_level_id_is_reported_first() -> None:
    # Later lines follow from it (`l2` is then undescribed everywhere); the first says why.
    found = problems(edit(lambda d: d["levels"][1].update(id="l1")))
    assert found[0] == "level 'l1' > id: level id 'l1' is used twice"


def test_the_tiny_framework_is_valid() -> None:
    fw = make_framework(domains=((1, 2), (1,)), bands=[("All", 1, 3)])
    assert list(fw.criteria) == ["d1.c1", "d1.c2", "d2.c3"]
    assert fw.level_ids == ["l1", "l2", "l3"]
    assert fw.ref == "tiny@1.0"


@settings(max_examples=max(20, settings.default.max_examples // 2))
@given(frameworks(texts=tricky_texts, ids=slugs))
def test_valid_frameworks_round_trip_through_yaml_unchanged(fw: Framework) -> None:
    text = yaml.safe_dump(fw.model_dump(mode="json", exclude_none=True))
    again = loading.validate(loading.parse(text, "f.yaml"), Framework)
    assert again == fw
    assert again.model_dump() == fw.model_dump()


def test_level_for_score_is_the_highest_level_reached() -> None:
    fw = make_framework(points=(0, 0.5, 1))
    assert [fw.level_for_score(s).id for s in (0, 0.49, 0.5, 0.99, 1, 7)] == [
        "l1",
        "l1",
        "l2",
        "l2",
        "l3",
        "l3",
    ]


def test_a_score_between_two_bands_takes_the_lower_one() -> None:
    fw = make_framework(bands=[("Low", 1, 1.99), ("High", 2, 3)])
    assert [fw.band_for(s) for s in (1, 1.995, 2, 3)] == ["Low", "Low", "High", "High"]
    assert make_framework().band_for(2) is None


def test_targets_fall_back_to_the_default() -> None:
    data = framework_data(domains=((1,), (1,)), default_target="l2")
    data["domains"][0]["target"] = "l3"
    fw = Framework.model_validate(data)
    assert (fw.target_for("d1"), fw.target_for("d2")) == ("l3", "l2")
    assert make_framework().target_for("d1") is None


@pytest.mark.parametrize(
    ("domain_rule", "overall_rule", "expected"),
    [
        ("mean", "mean", (1, 3)),
        ("sum", "mean", (1, 9)),  # domains of 3 and 1 criteria: 3 * 3 at most
        ("mean", "sum", (1, 6)),  # two domains of 1 to 3 each: 2 to 6, or 1 when one is n/a
        ("sum", "sum", (1, 12)),  # 4 criteria of 3 points
        ("staged", "minimum", (1, 3)),
    ],
)
def test_score_range(domain_rule: str, overall_rule: str, expected: tuple[float, float]) -> None:
    fw = make_framework(
        domains=((1, 1, 1), (1,)), domain_rule=domain_rule, overall_rule=overall_rule
    )
    assert fw.score_range() == expected


# ---------------------------------------------------------------------------------------------
# The built-in frameworks


@pytest.mark.parametrize("path", catalog.builtin_paths(), ids=lambda p: p.stem)
def test_every_builtin_framework_is_valid_and_named_after_its_file(path: Any) -> None:
    fw, _ = loading.load(path, Framework)
    assert fw.id == path.stem
    assert catalog.load_framework(fw.id) == fw
    assert catalog.load_framework(fw.ref) == fw


def test_there_are_at_least_two_builtin_frameworks() -> None:
    assert {"edi-maturity", "council-equality-3"} <= set(catalog.builtin_ids())


def test_edi_maturity_is_complete() -> None:
    fw = catalog.load_framework("edi-maturity")
    metrics = [ref for ref, (_, c) in fw.criteria.items() if c.metric is not None]
    assert len(fw.domains) >= 6
    assert len(fw.criteria) >= 24
    assert len(metrics) >= 4


def test_council_equality_3_is_staged_with_a_minimum_overall() -> None:
    fw = catalog.load_framework("council-equality-3")
    assert (fw.scoring.domain_rule.value, fw.scoring.overall_rule.value) == ("staged", "minimum")
    assert fw.level_ids == ["developing", "achieving", "excellent"]
