"""Frameworks kept in spreadsheets: import from .xlsx or .csv, export to .xlsx.

One row per criterion. Columns, by their heading (any case, any order):

- `Title` (or `Criterion`): required; `Id`, `Description`, `Weight`, `Maps to` optional;
- `Domain` (the domain's name) and `Domain id`, optional: without them every criterion
  is in one domain named after the framework;
- `Evidence: <level>` and `Action: <level>`, optional: guidance per level (several
  actions on separate lines of the cell);
- every other column is a level, lowest first, its heading the level's name and its
  cells the criterion's descriptor at that level.

Every problem names the sheet (for a workbook) and the cell, e.g.
`council.xlsx: sheet 'Framework', cell D7: 'descriptors' ... missing descriptors for high`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maturity.core.errors import InvalidFileError, Loc, MaturityError, Problem
from maturity.core.framework import Framework
from maturity.files.loading import Source
from maturity.files.output import slug

MAX_CSV_BYTES = 5 * 2**20
FIXED = {"title", "criterion", "id", "description", "weight", "maps to", "domain", "domain id"}
SHEET = "Framework"


def column_letter(index: int) -> str:
    """`A` for 0, `AA` for 26, as spreadsheets name columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class SheetSource(Source):
    """A spreadsheet's framework data, with the cell each key path came from."""

    def __init__(self, name: str, sheet: str | None, data: Any, cells: dict[Loc, str]) -> None:
        super().__init__(name, data, {})
        self.sheet = sheet
        self.cells = cells

    def cell(self, loc: Loc) -> str | None:
        for end in range(len(loc), 0, -1):
            found = self.cells.get(loc[:end])
            if found is not None:
                return found
        return None

    def message(self, problem: Problem) -> str:
        cell = self.cell(problem.loc)
        sheet = f"sheet '{self.sheet}', " if self.sheet else ""
        at = f"{sheet}cell {cell}: " if cell else ""
        return f"{self.name}: {at}{self.where(problem.loc)}: {problem.message}"


@dataclass
class _Reading:
    """The framework being built from rows, and where each part came from."""

    name: str
    sheet: str | None
    data: dict[str, Any]
    cells: dict[Loc, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def error(self, cell: str, message: str) -> None:
        sheet = f"sheet '{self.sheet}', " if self.sheet else ""
        self.problems.append(f"{self.name}: {sheet}cell {cell}: {message}")


def read_rows(path: Path) -> tuple[str | None, list[list[Any]]]:
    """The sheet's name (None for CSV) and its rows of cell values, formulas refused."""
    if path.suffix.lower() == ".csv":
        try:
            size = path.stat().st_size
            if size > MAX_CSV_BYTES:
                raise InvalidFileError([f"{path}: the file is over {MAX_CSV_BYTES // 2**20} MB"])
            text = path.read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            raise MaturityError(f"{path}: no such file") from None
        except UnicodeDecodeError:
            raise InvalidFileError([f"{path}: not UTF-8 text; save the CSV as UTF-8"]) from None
        return None, [list(row) for row in csv.reader(io.StringIO(text))]
    if path.suffix.lower() != ".xlsx":
        raise MaturityError(f"{path}: give a .xlsx workbook or a .csv file")
    from maturity.files.workbook.safety import open_workbook

    wb = open_workbook(path)
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows: list[list[Any]] = []
        formulas: list[str] = []
        for row in ws.iter_rows():
            values: list[Any] = []
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(
                        f"{path}: sheet '{ws.title}', cell {cell.coordinate}: a formula; "
                        "type the text itself"
                    )
                    values.append(None)
                else:
                    values.append(cell.value)
            rows.append(values)
        if formulas:
            raise InvalidFileError(formulas)
        return ws.title, rows
    finally:
        wb.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def framework_from_rows(
    name: str,
    sheet: str | None,
    rows: Sequence[Sequence[Any]],
    framework_id: str,
    title: str,
    version: str,
) -> Framework:
    """Build and validate a framework from a sheet's rows (the first is the headings)."""
    table = [list(r) for r in rows if any(_text(v) for v in r)]
    if not table:
        raise InvalidFileError([f"{name}: the sheet is empty; the first row holds the headings"])
    headings = [_text(h) for h in table[0]]
    keys = [h.casefold() for h in headings]
    reading = _Reading(
        name,
        sheet,
        {
            "id": framework_id,
            "name": title,
            "version": version,
            "description": f"{title}, imported from {Path(name).name}.",
            "levels": [],
            "domains": [],
        },
    )
    levels: list[tuple[int, str]] = []
    guidance: list[tuple[int, str, str]] = []  # (column, "evidence"|"actions", level name)
    for col, (heading, key) in enumerate(zip(headings, keys, strict=True)):
        where = f"{column_letter(col)}1"
        kind, _, level_name = key.partition(":")
        if not heading:
            continue
        if kind.strip() in {"evidence", "action", "actions"} and level_name.strip():
            what = "evidence" if kind.strip() == "evidence" else "actions"
            guidance.append((col, what, heading.split(":", 1)[1].strip()))
        elif key not in FIXED:
            levels.append((col, heading))
            reading.cells[("levels", len(levels) - 1)] = where
    if "title" not in keys and "criterion" not in keys:
        reading.error("A1", "no 'Title' column; name the column of criterion titles 'Title'")
    if len(levels) < 2:
        reading.error("A1", "fewer than two level columns; give one column per level, lowest first")
    if reading.problems:
        raise InvalidFileError(reading.problems)
    level_ids = {}
    for i, (_, level_name) in enumerate(levels):
        level_id = slug(level_name, 64)
        level_ids[level_name.casefold()] = level_id
        reading.data["levels"].append(
            {"id": level_id, "name": level_name, "description": level_name, "points": i + 1}
        )
    for col, _, level_name in guidance:
        if level_name.casefold() not in level_ids:
            reading.error(
                f"{column_letter(col)}1",
                f"'{level_name}' is not one of the level columns "
                f"({', '.join(n for _, n in levels)})",
            )
    if reading.problems:
        raise InvalidFileError(reading.problems)

    def col_of(*names: str) -> int | None:
        return next((keys.index(n) for n in names if n in keys), None)

    c_title, c_id = col_of("title", "criterion"), col_of("id")
    c_desc, c_weight, c_maps = col_of("description"), col_of("weight"), col_of("maps to")
    c_domain, c_domain_id = col_of("domain"), col_of("domain id")
    domains: dict[str, dict[str, Any]] = {}
    for r, row in enumerate(table[1:], start=2):
        row = row + [None] * (len(headings) - len(row))

        def cell(col: int | None, row: list[Any] = row, r: int = r) -> tuple[str, str]:
            if col is None:
                return "", ""
            return _text(row[col]), f"{column_letter(col)}{r}"

        domain_name, domain_cell = cell(c_domain)
        domain_id, domain_id_cell = cell(c_domain_id)
        domain_name = domain_name or title
        domain_id = domain_id or slug(domain_name, 64)
        if domain_id not in domains:
            di = len(domains)
            domains[domain_id] = {
                "id": domain_id,
                "name": domain_name,
                "description": domain_name,
                "criteria": [],
            }
            reading.cells[("domains", di)] = domain_id_cell or domain_cell or f"A{r}"
        di = list(domains).index(domain_id)
        criteria = domains[domain_id]["criteria"]
        ci = len(criteria)
        loc: Loc = ("domains", di, "criteria", ci)
        criterion_title, title_cell = cell(c_title)
        criterion_id, id_cell = cell(c_id)
        criterion: dict[str, Any] = {
            "id": criterion_id or slug(criterion_title, 64),
            "title": criterion_title,
            "description": cell(c_desc)[0] or criterion_title,
            "descriptors": {},
        }
        reading.cells[loc] = title_cell
        reading.cells[(*loc, "id")] = id_cell or title_cell
        reading.cells[(*loc, "title")] = title_cell
        if c_desc is not None:
            reading.cells[(*loc, "description")] = cell(c_desc)[1]
        weight, weight_cell = cell(c_weight)
        if weight:
            try:
                criterion["weight"] = float(weight)
            except ValueError:
                reading.error(weight_cell, f"weight '{weight}' is not a number")
            reading.cells[(*loc, "weight")] = weight_cell
        maps, maps_cell = cell(c_maps)
        if maps:
            criterion["maps_to"] = [line.strip() for line in maps.splitlines() if line.strip()]
            reading.cells[(*loc, "maps_to")] = maps_cell
        first_level = None
        for col, level_name in levels:
            text, where = cell(col)
            level_id = level_ids[level_name.casefold()]
            first_level = first_level or where
            reading.cells[(*loc, "descriptors", level_id)] = where
            if text:
                criterion["descriptors"][level_id] = text
        reading.cells[(*loc, "descriptors")] = first_level or title_cell
        for col, what, level_name in guidance:
            text, where = cell(col)
            level_id = level_ids[level_name.casefold()]
            reading.cells[(*loc, what, level_id)] = where
            reading.cells.setdefault((*loc, what), where)
            if not text:
                continue
            if what == "evidence":
                criterion.setdefault("evidence", {})[level_id] = text
            else:
                lines = [line.strip() for line in text.splitlines() if line.strip()]
                criterion.setdefault("actions", {})[level_id] = lines
        criteria.append(criterion)
    if reading.problems:
        raise InvalidFileError(reading.problems)
    reading.data["domains"] = list(domains.values())
    from maturity.files.framework_check import check_framework

    return check_framework(SheetSource(name, sheet, reading.data, reading.cells))


def import_framework(
    path: Path, framework_id: str | None, title: str | None, version: str
) -> Framework:
    """Read a framework from a .xlsx or .csv file (see the module docstring)."""
    sheet, rows = read_rows(path)
    return framework_from_rows(
        str(path),
        sheet,
        rows,
        framework_id or slug(path.stem, 64),
        title or path.stem.replace("-", " ").replace("_", " ").capitalize(),
        version,
    )


def export_rows(fw: Framework) -> list[list[str]]:
    """The framework as rows in the import layout: headings first, one row per criterion."""
    names = [level.name for level in fw.levels]
    head = ["Domain id", "Domain", "Id", "Title", "Description", "Weight", *names]
    head += [f"Evidence: {n}" for n in names[1:]]
    head += [f"Action: {n}" for n in names[:-1]]
    head.append("Maps to")
    rows = [head]
    for domain in fw.domains:
        for c in domain.criteria:
            row = [domain.id, domain.name, c.id, c.title, c.description, f"{c.weight:g}"]
            row += [c.descriptors.get(level.id, "") for level in fw.levels]
            row += [c.evidence.get(level.id, "") for level in fw.levels[1:]]
            row += ["\n".join(c.actions.get(level.id, [])) for level in fw.levels[:-1]]
            row.append("\n".join(c.maps_to))
            rows.append(row)
    return rows


def write_xlsx(fw: Framework, path: Path, force: bool = False) -> None:
    """Write the framework as a workbook in the import layout, atomically."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from maturity.files.output import write_with
    from maturity.files.workbook.style import put

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    for r, row in enumerate(export_rows(fw), start=1):
        for c, value in enumerate(row):
            cell = put(ws, f"{column_letter(c)}{r}", value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if r == 1:
                cell.font = Font(bold=True)
    for c in range(len(export_rows(fw)[0])):
        ws.column_dimensions[column_letter(c)].width = 14 if c < 3 or c == 5 else 40
    ws.freeze_panes = "E2"
    write_with(path, wb.save, force)
