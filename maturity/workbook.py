"""Self-assessment workbooks: an Excel file a service team fills in, and reading it back.

Writing: an Instructions sheet, then one sheet per domain where every criterion shows
its level descriptors and evidence guidance beside yellow answer cells (a dropdown for
the level). A very hidden `_meta` sheet records the framework, its levels and which
cell holds which answer, so reading needs no guesswork. Everything but the answer
cells is protected.

Reading: the file is checked before openpyxl parses it (a zip of sane size, no XML
entity or DOCTYPE declarations); cell values are read and formulas are never
evaluated; every problem names the sheet and the cell.
"""

from __future__ import annotations

import math
import re
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from maturity.assessment import Assessment, Response, parse_period, parse_unit
from maturity.errors import InvalidFileError, Loc, MaturityError, Problem
from maturity.framework import NOT_APPLICABLE, Criterion, Framework, Unit
from maturity.output import FORMULA_STARTS, write_with

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

FORMAT = "maturity-workbook 1"
META = "_meta"
INSTRUCTIONS = "Instructions"
NOT_APPLICABLE_NAME = "Not applicable"

MAX_FILE_BYTES = 20 * 2**20
MAX_UNCOMPRESSED = 50 * 2**20
MAX_RATIO = 100
MAX_MEMBERS = 1000

# Columns of a domain sheet: label, descriptor or answer, evidence guidance or help.
WIDTHS = {"A": 18, "B": 60, "C": 50}
HEADER_FIELDS = ("framework", "unit", "period", "completed_on", "respondents")
ANSWER_FIELDS = ("level", "value", "evidence", "notes", "owner")
COORD = re.compile(r"^[A-Z]{1,3}[1-9][0-9]{0,6}$")

NAVY, TEAL, PALE, ANSWER, GREY = "1F3864", "DCE6F1", "F2F2F2", "FFF2CC", "595959"


# ---------------------------------------------------------------------------------------
# Writing


def write_workbook(
    fw: Framework,
    path: Path,
    unit: str | None = None,
    period: str | None = None,
    prefill: Assessment | None = None,
    force: bool = False,
) -> None:
    """Write a self-assessment workbook for `fw` to `path` (atomically; `force` replaces).

    `unit` and `period` are filled in when given; `prefill` (last year's assessment)
    fills the answer cells for the team to review.
    """
    try:
        unit = "/".join(parse_unit(unit)) if unit is not None else None
        if period is not None:
            parse_period(period)
    except ValueError as exc:
        raise MaturityError(str(exc)) from None
    if prefill is not None and prefill.framework_id != fw.id:
        raise MaturityError(
            f"the assessment to pre-fill from is for '{prefill.framework_id}', not '{fw.id}'"
        )
    wb = build_workbook(fw, unit, period, prefill)
    write_with(path, wb.save, force)


def build_workbook(
    fw: Framework, unit: str | None, period: str | None, prefill: Assessment | None
) -> Workbook:
    """The workbook in memory (see the module docstring for its layout)."""
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    wb = Workbook()
    meta = wb.active
    assert meta is not None
    meta.title = META
    writer = _Writer(fw, wb, meta)
    writer.meta_rows()
    guide = wb.create_sheet(INSTRUCTIONS, 0)
    if unit is None and prefill is not None:
        unit = prefill.unit
    writer.instructions(guide, unit, period)
    for domain, title in zip(fw.domains, _sheet_titles(fw), strict=True):
        writer.domain_sheet(wb.create_sheet(title), domain.id, prefill)
    wb.move_sheet(meta, len(wb.sheetnames) - 1 - wb.sheetnames.index(META))
    meta.sheet_state = "veryHidden"
    _protect(meta)
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    return wb


def _sheet_titles(fw: Framework) -> list[str]:
    """One short, unique, legal sheet title per domain, from its id: `workforce` -> `Workforce`."""
    taken = {INSTRUCTIONS.casefold(), META}
    titles = []
    for domain in fw.domains:
        base = domain.id.replace("-", " ").capitalize()[:28]
        title, n = base, 2
        while title.casefold() in taken:
            title, n = f"{base} {n}", n + 1
        taken.add(title.casefold())
        titles.append(title)
    return titles


def _lines(text: str, width: float) -> int:
    """Roughly how many lines `text` wraps to in a column `width` characters wide."""
    per_line = max(1.0, width * 1.15)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _put(ws: Worksheet, coord: str, value: object, style: str = "text") -> Cell:
    """Write one cell; text that could start a formula is stored as plain text, flagged so."""
    cell = ws[coord]
    cell.value = value
    if isinstance(value, str):
        # openpyxl would store a leading '=' as a formula; keep it a string, and mark the
        # cell quote-prefixed so an office suite never re-reads it as one on edit.
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    _style(cell, style)
    return cell


def _style(cell: Cell, style: str) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    wrap = Alignment(wrap_text=True, vertical="top")
    if style == "title":
        cell.font = Font(bold=True, size=14, color=NAVY)
    elif style == "criterion":
        cell.font = Font(bold=True, size=11, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=NAVY)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    elif style == "head":
        cell.font = Font(bold=True, size=10)
        cell.fill = PatternFill("solid", fgColor=TEAL)
        cell.alignment = wrap
    elif style == "label":
        cell.font = Font(bold=True, size=10)
        cell.alignment = wrap
    elif style == "hint":
        cell.font = Font(italic=True, size=9, color=GREY)
        cell.alignment = wrap
    elif style == "shade":
        cell.font = Font(size=10)
        cell.fill = PatternFill("solid", fgColor=PALE)
        cell.alignment = wrap
    elif style == "answer":
        thin = Side(style="thin", color="BF9000")
        cell.font = Font(size=10)
        cell.fill = PatternFill("solid", fgColor=ANSWER)
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        cell.protection = Protection(locked=False)
    else:
        cell.font = Font(size=10)
        cell.alignment = wrap


def _protect(ws: Worksheet) -> None:
    """Lock every cell not unlocked explicitly; rows and columns may still be resized."""
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    ws.protection.selectLockedCells = False


def _page(ws: Worksheet, title_rows: str) -> None:
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


@dataclass
class _Writer:
    fw: Framework
    wb: Workbook
    meta: Worksheet
    meta_row: int = 0
    levels_range: str = ""

    def _meta_line(self, *values: str) -> None:
        self.meta_row += 1
        for column, value in zip("ABCDE", values, strict=False):
            _put(self.meta, f"{column}{self.meta_row}", value, "plain")

    def meta_rows(self) -> None:
        """Format, framework and levels; the cell map follows as sheets are written."""
        fw = self.fw
        self._meta_line("format", FORMAT)
        self._meta_line("framework", fw.id, fw.version, fw.name)
        first = self.meta_row + 1
        for level in fw.levels:
            self._meta_line("level", level.name, level.id)
        self._meta_line("level", NOT_APPLICABLE_NAME, NOT_APPLICABLE)
        self.levels_range = f"'{META}'!$B${first}:$B${self.meta_row}"

    def _answer(self, ws: Worksheet, coord: str, field: str, ref: str, value: object) -> None:
        cell = _put(ws, coord, value, "answer")
        if field in ("unit", "period", "evidence", "notes", "owner"):
            # Text format: what is typed stays text (no dates from 2025/26, no formulas).
            cell.number_format = "@"
        self._meta_line("cell", ws.title, coord, field, ref)

    def instructions(self, ws: Worksheet, unit: str | None, period: str | None) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        fw = self.fw
        _page(ws, "1:1")
        ws.column_dimensions["A"].width = 22
        ws.column_dimensions["B"].width = 30
        ws.column_dimensions["C"].width = 90
        _put(ws, "A1", f"Self-assessment: {fw.name}", "title")
        ws.merge_cells("A1:C1")
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
            _put(ws, f"A{i}", label, "label")
            if field == "framework":
                _put(ws, f"B{i}", value, "shade")
                self._meta_line("cell", ws.title, f"B{i}", field, "")
            else:
                self._answer(ws, f"B{i}", field, "", value)
            _put(ws, f"C{i}", hint, "hint")
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

        steps = [
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
        if fw.scoring.evidence_required_from:
            from_level = fw.level(fw.scoring.evidence_required_from).name
            steps.insert(
                4,
                f"A claim of {from_level} or above counts only when evidence is given; without "
                "it, the claim counts one level lower.",
            )
        row = 10
        _put(ws, f"A{row}", "How to fill it in", "head")
        ws.merge_cells(f"A{row}:C{row}")
        for n, step in enumerate(steps, start=1):
            row += 1
            _put(ws, f"A{row}", f"{n}.", "label")
            _put(ws, f"B{row}", step)
            ws.merge_cells(f"B{row}:C{row}")
            ws.row_dimensions[row].height = 14 * _lines(step, 120) + 2
        row += 2
        _put(ws, f"A{row}", "The levels", "head")
        ws.merge_cells(f"A{row}:C{row}")
        for level in fw.levels:
            row += 1
            _put(ws, f"A{row}", level.name, "label")
            _put(ws, f"B{row}", " ".join(level.description.split()))
            ws.merge_cells(f"B{row}:C{row}")
            ws.row_dimensions[row].height = 14 * _lines(level.description, 120) + 2
        row += 2
        _put(ws, f"A{row}", "The sheets", "head")
        ws.merge_cells(f"A{row}:C{row}")
        for domain, title in zip(fw.domains, _sheet_titles(fw), strict=True):
            row += 1
            _put(ws, f"A{row}", title, "label")
            _put(ws, f"B{row}", f"{domain.name} ({len(domain.criteria)} criteria)")
            ws.merge_cells(f"B{row}:C{row}")
        ws.freeze_panes = "A2"
        _protect(ws)

    def domain_sheet(self, ws: Worksheet, domain_id: str, prefill: Assessment | None) -> None:
        from openpyxl.worksheet.pagebreak import Break

        domain = next(d for d in self.fw.domains if d.id == domain_id)
        _page(ws, "1:2")
        _put(ws, "A1", domain.name, "title")
        ws.merge_cells("A1:C1")
        ws.row_dimensions[1].height = 24
        for column, text in zip(
            "ABC",
            ("Level", "What a team at this level can show", "Evidence that shows this level"),
            strict=True,
        ):
            _put(ws, f"{column}2", text, "head")
        ws.freeze_panes = "A3"
        row = 3
        _put(ws, f"A{row}", " ".join(domain.description.split()), "hint")
        ws.merge_cells(f"A{row}:C{row}")
        ws.row_dimensions[row].height = 13 * _lines(domain.description, 140) + 4
        for n, criterion in enumerate(domain.criteria):
            ref = f"{domain.id}.{criterion.id}"
            response = prefill.responses.get(ref) if prefill is not None else None
            if n:
                # One criterion per printed page: a block is never split, whatever the client.
                ws.row_breaks.append(Break(id=row + 1))
            row = self._criterion(ws, row + 2, ref, criterion, response)
        _protect(ws)

    def _criterion(
        self, ws: Worksheet, row: int, ref: str, criterion: Criterion, response: Response | None
    ) -> int:
        """Write one criterion's block from `row`; return its last row."""
        fw = self.fw
        _put(ws, f"A{row}", f"{criterion.title}  [{ref}]", "criterion")
        ws.merge_cells(f"A{row}:C{row}")
        ws.row_dimensions[row].height = 20
        row += 1
        _put(ws, f"A{row}", " ".join(criterion.description.split()), "plain")
        ws.merge_cells(f"A{row}:C{row}")
        ws.row_dimensions[row].height = 13 * _lines(criterion.description, 140) + 4
        for level in fw.levels:
            row += 1
            descriptor = " ".join(criterion.descriptors[level.id].split())
            evidence = " ".join(criterion.evidence.get(level.id, "").split())
            metric = criterion.metric
            if metric is not None and level.id in metric.thresholds:
                reached = _number(metric.thresholds[level.id], metric.unit)
                more = "or more" if metric.direction.value == "higher" else "or less"
                evidence = (
                    f"{evidence}\nReached when the measured value is {reached} {more}.".strip()
                )
            _put(ws, f"A{row}", level.name, "label")
            _put(ws, f"B{row}", descriptor, "shade")
            _put(ws, f"C{row}", evidence or "-", "shade")
            lines = max(_lines(descriptor, WIDTHS["B"]), _lines(evidence, WIDTHS["C"]))
            ws.row_dimensions[row].height = 13 * lines + 4

        from openpyxl.worksheet.datavalidation import DataValidation

        level_name = None
        if response is not None and response.level is not None:
            names = {lv.id: lv.name for lv in fw.levels} | {NOT_APPLICABLE: NOT_APPLICABLE_NAME}
            level_name = names.get(response.level)
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
            better = "higher" if metric.direction.value == "higher" else "lower"
            answers.append(
                (
                    "Measured value",
                    "value",
                    response.value if response else None,
                    f"{metric.name}: {_unit_hint(metric.unit)}. "
                    f"Target {_number(metric.target, metric.unit)}; {better} is better.",
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
        for label, field, value, hint, min_lines in answers:
            row += 1
            coord = f"B{row}"
            _put(ws, f"A{row}", label, "label")
            self._answer(ws, coord, field, ref, value)
            _put(ws, f"C{row}", hint, "hint")
            text = value if isinstance(value, str) else ""
            lines = max(min_lines, _lines(text, WIDTHS["B"]), _lines(hint, WIDTHS["C"] * 1.1))
            ws.row_dimensions[row].height = 14 * lines + 4
            if field == "level":
                dv = DataValidation(
                    type="list",
                    formula1=self.levels_range,
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle="Not a level",
                    error="Choose a level from the list.",
                    showInputMessage=True,
                    promptTitle="Your level",
                    prompt="Choose the level your evidence shows.",
                )
            elif field == "value" and metric is not None:
                dv = _number_validation(metric.unit)
            else:
                continue
            ws.add_data_validation(dv)
            dv.add(coord)
        return row


def _number(value: float, unit: Unit) -> str:
    return f"{value:g}%" if unit is Unit.PERCENT else f"{value:g}"


def _unit_hint(unit: Unit) -> str:
    if unit is Unit.PERCENT:
        return "a percentage from 0 to 100 (type 12.4 for 12.4%)"
    if unit is Unit.COUNT:
        return "a whole number"
    return "a ratio, e.g. 1.2"


def _number_validation(unit: Unit) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    if unit is Unit.PERCENT:
        kind, low, high, error = "decimal", "0", "100", "Give a percentage from 0 to 100."
    elif unit is Unit.COUNT:
        kind, low, high, error = "whole", "0", "1000000000", "Give a whole number, 0 or more."
    else:
        kind, low, high, error = "decimal", "-1000000000", "1000000000", "Give a number."
    return DataValidation(
        type=kind,
        operator="between",
        formula1=low,
        formula2=high,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a number",
        error=error,
    )


# ---------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class CellMap:
    """Where each part of an assessment came from in a workbook, for cell-precise errors.

    Plays the part `loading.Source` plays for YAML: `message(problem)` turns a problem at
    a key path such as ("responses", "workforce.representation", "level") into one line.
    """

    name: str
    cells: dict[Loc, tuple[str, str]]

    def where(self, loc: Loc) -> tuple[str, str] | None:
        """The (sheet, cell) of the longest known prefix of `loc`."""
        for end in range(len(loc), 0, -1):
            found = self.cells.get(loc[:end])
            if found is not None:
                return found
        return None

    def message(self, problem: Problem) -> str:
        cell = self.where(problem.loc)
        if cell is None:
            return f"{self.name}: {problem.message}"
        return f"{self.name}: sheet '{cell[0]}', cell {cell[1]}: {problem.message}"


def read_workbook(path: Path) -> Assessment:
    """Read a filled-in workbook into an assessment (not yet checked against the framework)."""
    return read_workbook_cells(path)[0]


def read_workbook_cells(path: Path) -> tuple[Assessment, CellMap]:
    """Read a filled-in workbook; also return where each answer came from."""
    name = str(path)
    check_archive(path)
    wb = _open(path)
    try:
        return _Reader(name, wb).read()
    finally:
        wb.close()


def check_archive(path: Path) -> None:
    """Refuse, in one line, anything that is not a plain, reasonably sized .xlsx zip.

    Runs before any XML is parsed. zipfile stops at each member's declared size (and
    fails its CRC check beyond it), so checking the declared sizes bounds the work.
    """
    name = str(path)

    def refuse(why: str) -> MaturityError:
        return InvalidFileError([f"{name}: {why}"])

    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise MaturityError(f"{name}: no such file") from None
    if path.is_dir():
        raise MaturityError(f"{name}: is a folder, not a file")
    if size > MAX_FILE_BYTES:
        raise refuse(
            f"the file is {size / 2**20:.1f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB"
        )
    if not zipfile.is_zipfile(path):
        raise refuse("not an Excel workbook (.xlsx): the file is not a zip archive")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise refuse(f"refused: the archive has {len(members)} parts (limit {MAX_MEMBERS})")
            total = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members)
            if total > MAX_UNCOMPRESSED:
                raise refuse(
                    f"refused: the workbook expands to {total / 2**20:.0f} MB "
                    f"(limit {MAX_UNCOMPRESSED // 2**20} MB)"
                )
            if total > 2**20 and total > MAX_RATIO * max(packed, 1):
                raise refuse(
                    f"refused: the workbook expands {total // max(packed, 1)} times "
                    f"(limit {MAX_RATIO}); it looks like a zip bomb"
                )
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    data = archive.read(member)
                    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                        data = data.decode("utf-16", errors="replace").encode("utf-8")
                    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                        raise refuse(
                            f"refused: {member.filename} declares a DOCTYPE or XML entities, "
                            "which Excel never writes (a known attack)"
                        )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError) as exc:
        raise refuse(f"not a readable Excel workbook (.xlsx): {exc}") from None


def _open(path: Path) -> Workbook:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    name = str(path)
    if not openpyxl.xml.DEFUSEDXML:
        raise MaturityError(
            "refusing to read workbooks without defusedxml (is OPENPYXL_DEFUSEDXML=False set?)"
        )
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it drops (e.g. conditional formatting); we
            # only read values, so those warnings are noise to a user.
            warnings.simplefilter("ignore")
            # data_only=False: a formula stays a formula, so it is reported, never trusted.
            return openpyxl.load_workbook(path, read_only=False, data_only=False)
    except Exception as exc:
        # Only openpyxl runs here, on a file that passed the archive checks: whatever it
        # trips over (missing parts, XML syntax, defusedxml's refusals, dangling indexes)
        # is a damaged or hostile file, not a bug of ours.
        detail = str(exc).strip('"') if isinstance(exc, InvalidFileException | KeyError) else ""
        detail = detail or type(exc).__name__
        raise InvalidFileError(
            [f"{name}: not a readable Excel workbook (.xlsx): {detail[:200]}"]
        ) from None


@dataclass
class _Reader:
    name: str
    wb: Workbook

    def fail(self, why: str) -> InvalidFileError:
        return InvalidFileError([f"{self.name}: {why}"])

    def read(self) -> tuple[Assessment, CellMap]:
        framework, levels, cells = self._meta()
        cellmap = CellMap(self.name, {})
        data: dict[str, Any] = {"framework": framework}
        responses: dict[str, dict[str, Any]] = {}
        problems: list[Problem] = []
        for sheet, coord, field, ref in cells:
            loc: Loc = ("responses", ref, field) if ref else (field,)
            cellmap.cells[loc] = (sheet, coord)
            if field == "level":
                cellmap.cells[("responses", ref)] = (sheet, coord)
            if field == "framework":
                continue
            cell = self.wb[sheet][coord]
            try:
                value = _convert(cell, field, levels)
            except ValueError as exc:
                problems.append(Problem(loc, str(exc)))
                continue
            if value is None:
                continue
            if ref:
                responses.setdefault(ref, {})[field] = value
            else:
                data[field] = value
        for field, hint in (("unit", "e.g. City Council/Housing"), ("period", "e.g. 2025/26")):
            if field not in data and (field,) in cellmap.cells:
                problems.append(Problem((field,), f"the {field} is empty; fill it in ({hint})"))
        if problems:
            raise InvalidFileError([cellmap.message(p) for p in problems])
        data["responses"] = responses
        try:
            assessment = Assessment.model_validate(data)
        except ValidationError as exc:
            lines = [cellmap.message(Problem(tuple(e["loc"]), _explain(e))) for e in exc.errors()]
            raise InvalidFileError(lines) from None
        return assessment, cellmap

    def _meta(self) -> tuple[str, _Levels, list[tuple[str, str, str, str]]]:
        """The framework ref, its levels, and the answer cells."""
        if META not in self.wb.sheetnames:
            raise self.fail(
                "not a maturity workbook (it has no _meta sheet); make one with `maturity workbook`"
            )
        rows = [
            [c if isinstance(c, str) else "" for c in row]
            for row in self.wb[META].iter_rows(max_col=5, values_only=True)
        ]
        if not rows or rows[0][:2] != ["format", FORMAT]:
            raise self.fail(f"not a workbook this version of maturity can read (expected {FORMAT})")
        framework = ""
        levels = _Levels([], {})
        cells: list[tuple[str, str, str, str]] = []
        for n, (kind, b, c, d, e) in enumerate(rows[1:], start=2):
            if kind == "framework" and b and c:
                framework = f"{b}@{c}"
            elif kind == "level" and b and c:
                if c != NOT_APPLICABLE:
                    levels.names.append(b)
                levels.lookup[b.casefold()] = levels.lookup[c.casefold()] = c
            elif (
                kind == "cell"
                and b in self.wb.sheetnames
                and COORD.match(c)
                and ((d in HEADER_FIELDS and not e) or (d in ANSWER_FIELDS and e))
            ):
                cells.append((b, c, d, e))
            else:
                raise self.fail(
                    f"the workbook's {META} sheet is damaged at row {n}; make a fresh workbook "
                    "with `maturity workbook`"
                )
        if not framework or not levels.names:
            raise self.fail(f"the workbook's {META} sheet does not name its framework and levels")
        return framework, levels, cells


@dataclass(frozen=True)
class _Levels:
    names: list[str]  # as users see them, lowest first
    lookup: dict[str, str]  # casefolded name or id -> level id


def _convert(cell: Cell, field: str, levels: _Levels) -> object:
    """The answer in `cell` as the assessment wants it; None when empty. ValueError if unusable."""
    value = cell.value
    if cell.data_type == "f" or not isinstance(value, str | int | float | date | type(None)):
        raise ValueError("holds a formula; type the answer itself (formulas are not read)")
    if isinstance(value, str) and not value.strip():
        return None
    if value is None:
        return None
    if field == "level":
        found = levels.lookup.get(str(value).strip().casefold())
        if found is None or not isinstance(value, str):
            names = ", ".join(levels.names)
            raise ValueError(f"'{value}' is not a level of this framework ({names})")
        return found
    if field == "value":
        return _as_number(cell, value)
    if field == "respondents":
        number = _as_number(cell, value)
        if number != int(number) or number < 1:
            raise ValueError(f"'{value}' is not a number of people (a whole number, 1 or more)")
        return int(number)
    if field == "completed_on":
        return _as_date(value)
    text = _as_text(value)
    if field == "evidence":
        items = [line.strip() for line in text.splitlines()]
        return [item for item in items if item] or None
    if field in ("unit", "owner"):
        return text.strip()
    return text


def _as_number(cell: Cell, value: object) -> float:
    if isinstance(value, bool | date):
        raise ValueError(f"'{value}' is not a number")
    if isinstance(value, int | float):
        number = float(value)
        # A value typed as 12% is stored as 0.12 in a percent-formatted cell.
        return number * 100 if "%" in str(cell.number_format) else number
    text = str(value).strip().replace(",", "")
    try:
        number = float(text.removesuffix("%").strip())
    except ValueError:
        raise ValueError(f"'{value}' is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"'{value}' is not a number")
    return number


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{value}' is not a date such as 14/03/2026")


def _as_text(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _explain(error: Any) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "string_too_long":
        return f"too long: at most {error['ctx']['max_length']} characters"
    msg = str(error["msg"])
    return msg[:1].lower() + msg[1:]
