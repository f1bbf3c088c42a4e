"""Saving and loading action plans as YAML or CSV, so they can be edited and tracked.

YAML keeps everything, including progress updates. CSV is for spreadsheets: the
published columns first, then the item's context, then the plan's details repeated
on every row; lists (actions, measures) are one line each inside their cell. Every
cell is neutralised so a spreadsheet never runs it as a formula. Progress updates
are kept only in YAML.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from maturity.core.errors import InvalidFileError, MaturityError
from maturity.core.plan import COLUMNS, ActionPlan, PlanItem
from maturity.files.loading import load
from maturity.files.output import FORMULA_STARTS, csv_text, write_atomic

ITEM_EXTRA = [
    ("domain", "Domain"),
    ("title", "Criterion"),
    ("priority", "Priority"),
    ("current", "Current level"),
    ("target", "Target level"),
    ("lacks_evidence", "Lacks evidence"),
]
PLAN_FIELDS = [
    ("organisation", "Organisation"),
    ("unit", "Unit"),
    ("period", "Period"),
    ("framework", "Framework"),
    ("framework_name", "Framework name"),
    ("drafted_on", "Drafted on"),
    ("horizon_months", "Horizon (months)"),
    ("overall_level", "Overall level"),
    ("rating", "Rating"),
]
LIST_FIELDS = {"actions", "measures"}


def plan_yaml(plan: ActionPlan) -> str:
    """The plan as YAML text."""
    data = plan.model_dump(mode="json")
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def plan_csv(plan: ActionPlan) -> str:
    """The plan as CSV text (see the module docstring)."""
    fields = [*COLUMNS, *ITEM_EXTRA, *PLAN_FIELDS]
    head = plan.model_dump(mode="json", exclude={"items"})
    rows = []
    for item in plan.items:
        data = {**head, **item.model_dump(mode="json")}
        row = []
        for name, _ in fields:
            value = data[name]
            if isinstance(value, list):
                value = "\n".join(value)
            elif isinstance(value, bool):
                value = "yes" if value else "no"
            row.append("" if value is None else str(value))
        rows.append(row)
    return csv_text([heading for _, heading in fields], rows, crlf=True)


def save_plan(plan: ActionPlan, path: Path, fmt: str, force: bool = False) -> None:
    """Write the plan as `yaml` or `csv`, atomically."""
    text = plan_yaml(plan) if fmt == "yaml" else plan_csv(plan)
    write_atomic(path, text, force)


def load_plan(path: Path) -> ActionPlan:
    """Read a plan saved as YAML (`.yaml`/`.yml`) or CSV (`.csv`); errors name the line."""
    if path.suffix.lower() == ".csv":
        return _load_csv(path)
    plan, _ = load(path, ActionPlan)
    return plan


def _unneutralise(text: str) -> str:
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _load_csv(path: Path) -> ActionPlan:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MaturityError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise InvalidFileError([f"{path}:1: not UTF-8 text"]) from None
    by_heading = {heading: name for name, heading in [*COLUMNS, *ITEM_EXTRA, *PLAN_FIELDS]}
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise InvalidFileError([f"{path}:1: the file is empty"])
    missing = [h for h in by_heading if h not in header]
    if missing:
        raise InvalidFileError([f"{path}:1: missing columns: {', '.join(missing)}"])
    errors: list[str] = []
    items: list[PlanItem] = []
    head: dict[str, Any] = {}
    line = reader.line_num
    for row in reader:
        start, line = line + 1, reader.line_num
        cells = {
            by_heading[h]: _unneutralise(v)
            for h, v in zip(header, row, strict=False)
            if h in by_heading
        }
        item_data: dict[str, Any] = {}
        for name, _ in [*COLUMNS, *ITEM_EXTRA]:
            value: Any = cells.get(name, "")
            if name in LIST_FIELDS:
                value = [v for v in value.split("\n") if v.strip()]
            elif name == "priority":
                value = int(value) if value.strip().isdigit() else value
            elif name == "lacks_evidence":
                value = value.strip().lower() in {"yes", "true", "1"}
            item_data[name] = value
        try:
            items.append(PlanItem.model_validate(item_data))
        except ValidationError as exc:
            errors += [_row_error(path, start, cells.get("ref", ""), e) for e in exc.errors()]
        if not head:
            head = {name: cells.get(name) or None for name, _ in PLAN_FIELDS}
            horizon = head.get("horizon_months") or "24"
            head["horizon_months"] = int(horizon) if str(horizon).isdigit() else horizon
    if errors:
        raise InvalidFileError(errors)
    try:
        return ActionPlan.model_validate({**head, "items": items})
    except ValidationError as exc:
        raise InvalidFileError([_row_error(path, 2, "", e) for e in exc.errors()]) from None


def _row_error(path: Path, line: int, ref: str, error: Any) -> str:
    headings = dict([*COLUMNS, *ITEM_EXTRA, *PLAN_FIELDS])
    field = str(error["loc"][0]) if error["loc"] else ""
    where = f"item '{ref}' > " if ref else ""
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{path}:{line}: {where}column '{headings.get(field, field)}': {message}"
