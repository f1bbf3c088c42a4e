"""Drafting action plans, and saving and loading them as YAML and CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from plan_fixtures import assessment, framework

from maturity.core.errors import InvalidFileError, MaturityError
from maturity.core.framework import Unit
from maturity.core.gaps import Targets, find_gaps
from maturity.core.plan import (
    COLUMNS,
    ActionPlan,
    PlanConfig,
    Status,
    aim_refs,
    draft_plan,
    format_number,
    letters,
    timeframe,
)
from maturity.core.scoring import score
from maturity.files.plan_file import load_plan, plan_csv, save_plan

FW = framework()
CONFIG = PlanConfig(drafted_on=date(2026, 11, 23), organisation="City Council")


def draft(
    responses: dict[str, object], targets: Targets | None = None, **config: object
) -> ActionPlan:
    a = assessment(responses)
    s = score(FW, a)
    return draft_plan(FW, a, s, find_gaps(FW, s, targets), CONFIG.model_copy(update=config))


def test_columns_are_the_councils_in_order() -> None:
    assert [heading for _, heading in COLUMNS] == [
        "Ref",
        "Desired outcome",
        "Action",
        "Lead service area",
        "Lead officer",
        "Timeframe",
        "How will we measure success?",
        "Status",
    ]
    fields = list(ActionPlan.model_fields["items"].annotation.__args__[0].model_fields)  # type: ignore[union-attr]
    assert fields[:8] == [name for name, _ in COLUMNS]


@pytest.mark.parametrize(
    ("steps", "start", "horizon", "expected"),
    [
        (1, date(2026, 3, 1), 24, "by September 2026"),
        (2, date(2026, 3, 31), 24, "by March 2027"),
        (3, date(2026, 3, 15), 24, "by March 2028"),
        (5, date(2026, 3, 15), 24, "by March 2028"),
        (1, date(2026, 11, 23), 12, "by February 2027"),
        (2, date(2026, 12, 1), 36, "by June 2028"),
        (1, date(2026, 7, 1), 4, "by August 2026"),
    ],
)
def test_timeframe_is_dated_from_the_plan_and_grows_with_the_step_and_horizon(
    steps: int, start: date, horizon: int, expected: str
) -> None:
    assert timeframe(steps, start, horizon) == expected


def test_refs_number_aims_and_letter_criteria_in_framework_order() -> None:
    refs = aim_refs(FW)
    assert [refs[r] for r in FW.criteria] == ["1a", "1b", "2a", "2b"]
    assert [letters(n) for n in (0, 1, 25, 26, 27, 51, 52)] == [
        "a", "b", "z", "aa", "ab", "az", "ba"
    ]  # fmt: skip


def test_item_takes_outcome_actions_leads_measures_and_status() -> None:
    plan = draft(
        {
            "one.x": {
                "level": "grow",
                "evidence": ["A report"],
                "owner": "Jane Smith",
                "service_area": "Housing Strategy",
                "actions": ["Our own action"],
            }
        },
        Targets(criteria={"one.x": "lead"}),
    )
    item = next(i for i in plan.items if i.ref == "one.x")
    assert item.desired_outcome == "x at lead."
    assert item.actions == [
        "x: act from grow 1",
        "x: act from grow 2",
        "x: act from firm 1",
        "x: act from firm 2",
        "Our own action",
    ]
    assert (item.lead_service_area, item.lead_officer) == ("Housing Strategy", "Jane Smith")
    assert item.timeframe == "by November 2027"  # two steps from a plan of November 2026
    assert item.measures == ["Evidence of x at lead."]
    assert item.status is Status.NOT_YET_COMMENCED
    assert item.updates == []


def test_unowned_items_are_to_be_assigned_and_metric_targets_are_measures() -> None:
    plan = draft({"two.z": {"value": 45}})
    item = next(i for i in plan.items if i.ref == "two.z")
    assert (item.lead_service_area, item.lead_officer) == ("To be assigned", "To be assigned")
    assert item.measures == ["Evidence of z at lead.", "Staff declared: target 80% (now 45%)"]
    assert item.timeframe == "by November 2027"  # grow -> lead is two steps
    assert item.current == "grow"


def test_items_are_numbered_in_priority_order() -> None:
    plan = draft({})
    assert [i.priority for i in plan.items] == list(range(1, len(plan.items) + 1))
    assert plan.items[0].ref == "two.z"


def test_statuses_are_the_councils_words() -> None:
    assert [s.value for s in Status] == [
        "Not yet commenced",
        "On track",
        "In place",
        "Complete",
        "At risk",
        "Delayed",
    ]


def test_yaml_round_trip_keeps_everything(tmp_path: Path) -> None:
    plan = draft({"one.x": {"level": "grow", "owner": '=HYPERLINK("x")'}})
    path = tmp_path / "plan.yaml"
    save_plan(plan, path, "yaml")
    assert load_plan(path) == plan


def test_csv_round_trip_and_cells_cannot_be_formulas(tmp_path: Path) -> None:
    plan = draft(
        {"one.x": {"level": "grow", "owner": '=HYPERLINK("http://x")', "actions": ["-1+2"]}}
    )
    text = plan_csv(plan)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:8] == [heading for _, heading in COLUMNS]
    x = next(r for r in rows[1:] if r[0] == "one.x")
    assert x[4] == '\'=HYPERLINK("http://x")'
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    path = tmp_path / "plan.csv"
    save_plan(plan, path, "csv")
    assert load_plan(path) == plan


def test_csv_errors_name_the_line_and_column(tmp_path: Path) -> None:
    plan = draft({"one.x": {"level": "grow"}})
    path = tmp_path / "plan.csv"
    path.write_text(plan_csv(plan).replace("Not yet commenced", "Finished", 1), encoding="utf-8")
    with pytest.raises(InvalidFileError) as exc:
        load_plan(path)
    assert len(exc.value.lines) == 1
    line = exc.value.lines[0]
    assert line.startswith(
        f"{path}:2: item '{plan.items[0].ref}' > column 'Status': Input should be"
    )


def test_saving_never_overwrites_without_force(tmp_path: Path) -> None:
    plan = draft({})
    path = tmp_path / "plan.yaml"
    path.write_text("keep me")
    with pytest.raises(MaturityError, match="already exists; use --force"):
        save_plan(plan, path, "yaml")
    assert path.read_text() == "keep me"
    save_plan(plan, path, "yaml", force=True)
    assert load_plan(path) == plan


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [(12.5, Unit.PERCENT, "12.5%"), (16.0, Unit.PERCENT, "16%"), (40.0, Unit.COUNT, "40"),
     (0.8, Unit.RATIO, "0.8"), (5.5, Unit.POINTS, "5.5 points"), (1.0, Unit.POINTS, "1 point"),
     (-2.0, Unit.POINTS, "-2 points")],
)  # fmt: skip
def test_metric_numbers_read_as_reports_show_them(value: float, unit: Unit, shown: str) -> None:
    assert format_number(value, unit) == shown
