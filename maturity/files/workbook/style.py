"""How the workbook looks: cell styles, column widths, row heights, printing, protection."""

from __future__ import annotations

import math
from typing import Any

from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.worksheet import Worksheet

from maturity.files.output import FORMULA_STARTS

# Columns of a sheet: label, descriptor or answer, evidence guidance or help.
WIDTHS = {"A": 18, "B": 60, "C": 50}

NAVY, TEAL, PALE, ANSWER, GREY = "1F3864", "DCE6F1", "F2F2F2", "FFF2CC", "595959"

_WRAP = Alignment(wrap_text=True, vertical="top")
_EDGE = Side(style="thin", color="BF9000")

# Each style sets these attributes of a cell; "text" is the default.
STYLES: dict[str, dict[str, Any]] = {
    "title": {"font": Font(bold=True, size=14, color=NAVY)},
    "criterion": {
        "font": Font(bold=True, size=11, color="FFFFFF"),
        "fill": PatternFill("solid", fgColor=NAVY),
        "alignment": Alignment(vertical="center", wrap_text=True),
    },
    "head": {
        "font": Font(bold=True, size=10),
        "fill": PatternFill("solid", fgColor=TEAL),
        "alignment": _WRAP,
    },
    "label": {"font": Font(bold=True, size=10), "alignment": _WRAP},
    "hint": {"font": Font(italic=True, size=9, color=GREY), "alignment": _WRAP},
    "shade": {
        "font": Font(size=10),
        "fill": PatternFill("solid", fgColor=PALE),
        "alignment": _WRAP,
    },
    "answer": {
        "font": Font(size=10),
        "fill": PatternFill("solid", fgColor=ANSWER),
        "border": Border(left=_EDGE, right=_EDGE, top=_EDGE, bottom=_EDGE),
        "alignment": Alignment(wrap_text=True, vertical="top", horizontal="left"),
        "protection": Protection(locked=False),
    },
    "text": {"font": Font(size=10), "alignment": _WRAP},
}


def put(ws: Worksheet, coord: str, value: object, style: str = "text") -> Cell:
    """Write one cell; text that could start a formula is stored as plain text, flagged so."""
    cell = ws[coord]
    cell.value = value
    if isinstance(value, str):
        # openpyxl would store a leading '=' as a formula; keep it a string, and mark the
        # cell quote-prefixed so an office suite never re-reads it as one on edit.
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    for attribute, setting in STYLES[style].items():
        setattr(cell, attribute, setting)
    return cell


def span(ws: Worksheet, row: int, value: object, style: str = "text", first: str = "A") -> None:
    """Write `value` into one cell merged across columns `first` to C of `row`."""
    put(ws, f"{first}{row}", value, style)
    ws.merge_cells(f"{first}{row}:C{row}")


def lines(text: str, width: float) -> int:
    """Roughly how many lines `text` wraps to in a column `width` characters wide."""
    per_line = max(1.0, width * 1.15)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def protect(ws: Worksheet) -> None:
    """Lock every cell not unlocked explicitly; rows and columns may still be resized."""
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    ws.protection.selectLockedCells = False


def page(ws: Worksheet, title_rows: str) -> None:
    """Landscape A4, fitted to the page width, header rows repeated, page numbers in the footer."""
    for column, width in WIDTHS.items():
        ws.column_dimensions[column].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "&A, page &P of &N"
    ws.oddFooter.center.size = 8
