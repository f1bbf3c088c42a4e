"""A domain's sheet: per criterion, what each level looks like beside the answer cells."""

from __future__ import annotations

from typing import NamedTuple

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from maturity.core.assessment import Assessment, Response
from maturity.core.framework import NOT_APPLICABLE, Criterion, Direction, Domain, Framework, Unit
from maturity.core.plan import format_number
from maturity.files.workbook.answers import fingerprint
from maturity.files.workbook.meta import NOT_APPLICABLE_NAME, REVIEWED, MetaRows
from maturity.files.workbook.style import WIDTHS, lines, page, protect, put, span


class _UnitRule(NamedTuple):
    """How a metric's unit is explained and checked in its Measured value cell."""

    hint: str
    kind: str  # the data validation type
    low: str
    high: str
    error: str


UNIT_RULES = {
    Unit.PERCENT: _UnitRule(
        "a percentage from 0 to 100 (type 12.4 for 12.4%)",
        "decimal",
        "0",
        "100",
        "Give a percentage from 0 to 100.",
    ),
    Unit.POINTS: _UnitRule(
        "a gap in percentage points from -100 to 100 (type 5.5 for 5.5 points)",
        "decimal",
        "-100",
        "100",
        "Give a gap in percentage points, from -100 to 100.",
    ),
    Unit.COUNT: _UnitRule(
        "a whole number", "whole", "0", "1000000000", "Give a whole number, 0 or more."
    ),
    Unit.RATIO: _UnitRule(
        "a ratio, e.g. 1.2", "decimal", "-1000000000", "1000000000", "Give a number."
    ),
}


def write_domain_sheet(
    ws: Worksheet, fw: Framework, domain: Domain, meta: MetaRows, prefill: Assessment | None
) -> None:
    """Fill `ws` with `domain`'s criteria, one block (and one printed page) each."""
    page(ws, "1:2")
    span(ws, 1, domain.name, "title")
    ws.row_dimensions[1].height = 24
    for column, text in zip(
        "ABC",
        ("Level", "What a team at this level can show", "Evidence that shows this level"),
        strict=True,
    ):
        put(ws, f"{column}2", text, "head")
    ws.freeze_panes = "A3"
    row = 3
    span(ws, row, " ".join(domain.description.split()), "hint")
    ws.row_dimensions[row].height = 13 * lines(domain.description, 140) + 4
    for n, criterion in enumerate(domain.criteria):
        ref = f"{domain.id}.{criterion.id}"
        response = prefill.responses.get(ref) if prefill is not None else None
        if n:
            # One criterion per printed page: a block is never split, whatever the client.
            ws.row_breaks.append(Break(id=row + 1))
        row = _criterion(ws, row + 2, fw, meta, ref, criterion, response)
    protect(ws)


def _criterion(
    ws: Worksheet,
    row: int,
    fw: Framework,
    meta: MetaRows,
    ref: str,
    criterion: Criterion,
    response: Response | None,
) -> int:
    """Write one criterion's block from `row`; return its last row."""
    span(ws, row, f"{criterion.title}  [{ref}]", "criterion")
    ws.row_dimensions[row].height = 20
    row += 1
    span(ws, row, " ".join(criterion.description.split()))
    ws.row_dimensions[row].height = 13 * lines(criterion.description, 140) + 4
    metric = criterion.metric
    for level in fw.levels:
        row += 1
        descriptor = " ".join(criterion.descriptors[level.id].split())
        evidence = " ".join(criterion.evidence.get(level.id, "").split())
        if metric is not None and level.id in metric.thresholds:
            reached = format_number(metric.thresholds[level.id], metric.unit)
            more = "or more" if metric.direction is Direction.HIGHER else "or less"
            evidence = f"{evidence}\nReached when the measured value is {reached} {more}.".strip()
        put(ws, f"A{row}", level.name, "label")
        put(ws, f"B{row}", descriptor, "shade")
        put(ws, f"C{row}", evidence or "-", "shade")
        height = max(lines(descriptor, WIDTHS["B"]), lines(evidence, WIDTHS["C"]))
        ws.row_dimensions[row].height = 13 * height + 4

    level_name = None
    if response is not None and response.level is not None:
        names = {lv.id: lv.name for lv in fw.levels} | {NOT_APPLICABLE: NOT_APPLICABLE_NAME}
        level_name = names.get(response.level)
    # (label, field, pre-filled value, hint, at least this many lines high)
    answers: list[tuple[str, str, object, str, int]] = [
        (
            "Your level",
            "level",
            level_name,
            "Choose from the list the level your evidence shows today.",
            1,
        ),
    ]
    if metric is not None:
        better = "higher" if metric.direction is Direction.HIGHER else "lower"
        answers.append(
            (
                "Measured value",
                "value",
                response.value if response else None,
                f"{metric.name}: {UNIT_RULES[metric.unit].hint}. "
                f"Target {format_number(metric.target, metric.unit)}; {better} is better.",
                1,
            )
        )
    answers += [
        (
            "Evidence",
            "evidence",
            ("\n".join(response.evidence) or None) if response else None,
            "One item per line: documents, data or links that show the level.",
            4,
        ),
        (
            "Notes",
            "notes",
            response.notes if response else None,
            "Anything else the moderators should know.",
            2,
        ),
        (
            "Lead officer",
            "owner",
            response.owner if response else None,
            "Who leads on this criterion.",
            1,
        ),
    ]
    carried = response is not None and response.answered
    if carried:
        assert response is not None
        answers.append(
            (
                "Reviewed",
                "reviewed",
                None,
                "Carried over from last time: choose Yes once you have checked that it still "
                "holds, or change the answer. Until then it counts as not yet reviewed.",
                1,
            )
        )
        meta.carried(ref, fingerprint(response))
    for label, field, value, hint, min_lines in answers:
        row += 1
        coord = f"B{row}"
        put(ws, f"A{row}", label, "label")
        meta.answer(ws, coord, field, ref, value)
        put(ws, f"C{row}", hint, "hint")
        text = value if isinstance(value, str) else ""
        height = max(min_lines, lines(text, WIDTHS["B"]), lines(hint, WIDTHS["C"] * 1.1))
        ws.row_dimensions[row].height = 14 * height + 4
        if field == "level":
            dv = _level_validation(meta.levels_range)
        elif field == "reviewed":
            dv = _reviewed_validation()
        elif field == "value" and metric is not None:
            dv = _number_validation(metric.unit)
        else:
            continue
        ws.add_data_validation(dv)
        dv.add(coord)
    return row


def _level_validation(levels_range: str) -> DataValidation:
    return DataValidation(
        type="list",
        formula1=levels_range,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a level",
        error="Choose a level from the list.",
        showInputMessage=True,
        promptTitle="Your level",
        prompt="Choose the level your evidence shows.",
    )


def _reviewed_validation() -> DataValidation:
    return DataValidation(
        type="list",
        formula1=f'"{REVIEWED}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Reviewed?",
        error=f"Choose {REVIEWED} once the answer is checked, or leave it empty.",
    )


def _number_validation(unit: Unit) -> DataValidation:
    rule = UNIT_RULES[unit]
    return DataValidation(
        type=rule.kind,
        operator="between",
        formula1=rule.low,
        formula2=rule.high,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a number",
        error=rule.error,
    )
