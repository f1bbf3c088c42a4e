"""The Instructions sheet: the header answers (unit, period, ...), how to fill in, the levels."""

from __future__ import annotations

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from maturity.core.framework import Framework
from maturity.files.workbook.meta import MetaRows
from maturity.files.workbook.style import lines, page, protect, put, span

INSTRUCTIONS = "Instructions"

STEPS = [
    "Each sheet after this one is a domain of the framework. For every criterion, read "
    "what each level looks like, then fill in the yellow cells; nothing else can be "
    "changed.",
    "Your level: choose from the dropdown the level your evidence shows today, not the "
    "one you are working towards. Choose Not applicable only if the criterion cannot "
    "apply to your service. Leave it empty if you have not assessed it.",
    "Measured value (some criteria only): the number itself, e.g. 12.4 for 12.4%.",
    "Evidence: one item per line (press Alt+Enter in Excel for a new line): the "
    "documents, data or links that show the level.",
    "Notes and lead officer: anything the moderators should know, and who leads on it.",
    "Save the file as .xlsx and send it back to the equalities team. Do not rename, add "
    "or remove sheets.",
]


def write_instructions(
    ws: Worksheet,
    fw: Framework,
    meta: MetaRows,
    unit: str | None,
    period: str | None,
    sheet_titles: list[str],
) -> None:
    """Fill `ws`: the header answers, then the steps, the levels and the domain sheets."""
    page(ws, "1:1")
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 90
    span(ws, 1, f"Self-assessment: {fw.name}", "title")
    ws.row_dimensions[1].height = 24
    rows: list[tuple[str, str, object, str]] = [
        ("Framework", "framework", f"{fw.id} version {fw.version}", "Do not change."),
        (
            "Unit assessed",
            "unit",
            unit,
            "The team or service, as a path from the organisation down, e.g. "
            "City Council/Housing/Homelessness.",
        ),
        ("Period", "period", period, "The financial year assessed, e.g. 2025/26."),
        ("Completed on", "completed_on", None, "The date you finished, e.g. 14/03/2026."),
        (
            "People who contributed",
            "respondents",
            None,
            "How many people contributed to the answers (1 if left empty).",
        ),
    ]
    for i, (label, field, value, hint) in enumerate(rows, start=3):
        put(ws, f"A{i}", label, "label")
        if field == "framework":
            put(ws, f"B{i}", value, "shade")
            meta.record(ws, f"B{i}", field)
        else:
            meta.answer(ws, f"B{i}", field, "", value)
        put(ws, f"C{i}", hint, "hint")
        ws.row_dimensions[i].height = 18
    ws["B6"].number_format = "dd/mm/yyyy"
    count = DataValidation(
        type="whole",
        operator="between",
        formula1="1",
        formula2="10000",
        allow_blank=True,
        showErrorMessage=True,
        error="Give a whole number, 1 or more.",
    )
    ws.add_data_validation(count)
    count.add("B7")

    steps = list(STEPS)
    if fw.scoring.evidence_required_from:
        from_level = fw.level(fw.scoring.evidence_required_from).name
        steps.insert(
            4,
            f"A claim of {from_level} or above counts only when evidence is given; without "
            "it, the claim counts one level lower.",
        )
    row = 10
    span(ws, row, "How to fill it in", "head")
    for n, step in enumerate(steps, start=1):
        row += 1
        put(ws, f"A{row}", f"{n}.", "label")
        span(ws, row, step, first="B")
        ws.row_dimensions[row].height = 14 * lines(step, 120) + 2
    row += 2
    span(ws, row, "The levels", "head")
    for level in fw.levels:
        row += 1
        put(ws, f"A{row}", level.name, "label")
        span(ws, row, " ".join(level.description.split()), first="B")
        ws.row_dimensions[row].height = 14 * lines(level.description, 120) + 2
    row += 2
    span(ws, row, "The sheets", "head")
    for domain, title in zip(fw.domains, sheet_titles, strict=True):
        row += 1
        put(ws, f"A{row}", title, "label")
        span(ws, row, f"{domain.name} ({len(domain.criteria)} criteria)", first="B")
    ws.freeze_panes = "A2"
    protect(ws)
