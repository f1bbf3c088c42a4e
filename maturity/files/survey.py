"""Reading survey exports: a free-text question and demographic columns, from CSV or xlsx.

Microsoft Forms exports an .xlsx workbook (ID, Start time, Completion time, Email, Name, then
one column per question); Google Forms a .csv (Timestamp, then the questions). Only the
columns asked for are read: an Email or Name column is never kept. Columns are named by their
heading, or by the start of it when that is enough to tell it apart (`--text-column "If the"`).

Every problem is one line naming the file, the row and the column; a workbook goes through the
same safety checks as an assessment workbook, and formulas are refused, never evaluated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from maturity.core.consultation import Consultation, Response
from maturity.core.consultation.redaction import Redactor
from maturity.core.errors import InvalidFileError, MaturityError

MAX_ROWS = 100_000
MAX_TEXT = 20_000
MAX_GROUP = 200
MAX_BYTES = 20 * 2**20


@dataclass(frozen=True)
class Row:
    """One response as read: its id, its text (not yet redacted) and its demographic answers."""

    id: str
    text: str
    groups: dict[str, str]


@dataclass(frozen=True)
class Survey:
    """The responses read from one export, and the headings of the columns used."""

    rows: list[Row]
    text_column: str
    group_columns: list[str]
    blank: int
    """Rows whose answer to the question was empty (not kept)."""


class _Table:
    """A grid of cells read from CSV or a worksheet, with a way to name each cell in errors."""

    def __init__(self, name: str, header: list[str], rows: list[tuple[int, list[str]]]) -> None:
        self.name = name
        self.header = header
        self.rows = rows
        self.sheet: str | None = None

    def where(self, row: int, column: int) -> str:
        heading = self.header[column]
        if self.sheet is not None:
            from openpyxl.utils import get_column_letter

            return (
                f"{self.name}: sheet '{self.sheet}', cell {get_column_letter(column + 1)}{row} "
                f"('{_short(heading)}')"
            )
        return f"{self.name}: row {row}, column '{_short(heading)}'"


def _short(heading: str, length: int = 40) -> str:
    heading = " ".join(heading.split())
    return heading if len(heading) <= length else heading[: length - 3] + "..."


def read_survey(
    path: Path,
    text_column: str,
    id_column: str | None = None,
    group_columns: Sequence[str] = (),
) -> Survey:
    """Read the chosen columns of a survey export (see the module docstring)."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        table = _read_xlsx(path)
    elif path.suffix.lower() in {".csv", ".txt"}:
        table = _read_csv(path)
    else:
        raise MaturityError(f"{path}: give a .csv or .xlsx survey export")
    text_at = _column(table, text_column, "--text-column")
    id_at = _column(table, id_column, "--id-column") if id_column else None
    group_at = [_column(table, c, "--group") for c in group_columns]
    if len({*group_at, text_at}) != len(group_at) + 1:
        raise MaturityError(f"{path}: a column is chosen twice (--text-column and --group)")
    problems: list[str] = []
    rows: list[Row] = []
    first_seen: dict[str, int] = {}
    blank = 0
    for number, cells in table.rows:
        if not any(c.strip() for c in cells):
            continue  # an empty line at the end of an export
        text = cells[text_at].strip()
        if id_at is None:
            rid = str(len(rows) + blank + 1)
        else:
            rid = " ".join(cells[id_at].split())
            if not rid:
                problems.append(f"{table.where(number, id_at)}: the response id is empty")
                continue
            if rid in first_seen:
                problems.append(
                    f"{table.where(number, id_at)}: response id '{_short(rid)}' is used again "
                    f"(first at row {first_seen[rid]}); ids must be unique"
                )
                continue
            if len(rid) > 200:
                problems.append(f"{table.where(number, id_at)}: the id is over 200 characters")
                continue
            first_seen[rid] = number
        if len(text) > MAX_TEXT:
            problems.append(
                f"{table.where(number, text_at)}: the answer is {len(text):,} characters; "
                f"the limit is {MAX_TEXT:,}"
            )
            continue
        groups = {}
        for at in group_at:
            value = " ".join(cells[at].split())
            if len(value) > MAX_GROUP:
                problems.append(
                    f"{table.where(number, at)}: {len(value)} characters is too long for a "
                    f"demographic answer (at most {MAX_GROUP})"
                )
            groups[table.header[at]] = value
        if not text:
            blank += 1
            continue
        rows.append(Row(rid, text, groups))
    if problems:
        raise InvalidFileError(problems)
    if not rows:
        raise MaturityError(
            f"{path}: no responses: every answer in column '{_short(table.header[text_at])}' "
            "is empty"
        )
    return Survey(rows, table.header[text_at], [table.header[at] for at in group_at], blank)


def _column(table: _Table, wanted: str, option: str) -> int:
    """The index of the column `wanted` names: its heading, or a start only it has."""
    key = " ".join(wanted.split()).casefold()
    headings = [" ".join(h.split()).casefold() for h in table.header]
    exact = [i for i, h in enumerate(headings) if h == key]
    found = exact or [i for i, h in enumerate(headings) if key and h.startswith(key)]
    if len(found) == 1:
        return found[0]
    names = ", ".join(f"'{_short(h)}'" for h in table.header if h.strip())
    if not found:
        raise MaturityError(f"{table.name}: {option} '{wanted}': no such column; it has {names}")
    which = ", ".join(f"'{_short(table.header[i])}'" for i in found)
    raise MaturityError(
        f"{table.name}: {option} '{wanted}' matches {len(found)} columns ({which}); "
        "give more of the heading"
    )


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 (with or without a byte order mark), else Windows-1252 as Excel saves CSV."""
    if b"\x00" in data:
        raise InvalidFileError([f"{path}: not a CSV file (it contains NUL bytes)"])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_csv(path: Path) -> _Table:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InvalidFileError([f"{path}: the file is over {MAX_BYTES // 2**20} MB"])
        data = path.read_bytes()
    except FileNotFoundError:
        raise MaturityError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise MaturityError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise MaturityError(f"{path}: cannot read the file ({exc.strerror})") from None
    reader = csv.reader(io.StringIO(_decode(path, data), newline=""))
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for cells in reader:
            line = reader.line_num
            if header is None:
                header = cells
                continue
            if len(rows) >= MAX_ROWS:
                raise InvalidFileError([f"{path}: more than {MAX_ROWS:,} responses"])
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                raise InvalidFileError(
                    [
                        f"{path}: row {line}: {len(cells)} cells, but the header has "
                        f"{len(header)} columns (is a comma missing its quotes?)"
                    ]
                )
            rows.append((line, [*cells, *[""] * (len(header) - len(cells))][: len(header)]))
    except csv.Error as exc:
        raise InvalidFileError([f"{path}: row {reader.line_num}: not valid CSV ({exc})"]) from None
    if not header or not any(h.strip() for h in header):
        raise InvalidFileError([f"{path}: no header row: the first row must name the columns"])
    return _Table(str(path), header, rows)


def _read_xlsx(path: Path) -> _Table:
    from maturity.files.workbook.safety import open_workbook

    wb = open_workbook(path)
    try:
        sheet = wb.worksheets[0]
        grid = list(sheet.iter_rows())
        if not grid:
            raise InvalidFileError([f"{path}: sheet '{sheet.title}' is empty"])
        if len(grid) > MAX_ROWS + 1:
            raise InvalidFileError([f"{path}: more than {MAX_ROWS:,} responses"])
        problems: list[str] = []

        def text(cell: object) -> str:
            value = getattr(cell, "value", None)
            if value is None:
                return ""
            if getattr(cell, "data_type", "") == "f" or (
                isinstance(value, str) and value.startswith("=")
            ):
                problems.append(
                    f"{path}: sheet '{sheet.title}', cell {getattr(cell, 'coordinate', '?')}: "
                    "a formula; survey exports hold values only, so it is refused"
                )
                return ""
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value)

        header = [text(c) for c in grid[0]]
        rows = [(i, [text(c) for c in r]) for i, r in enumerate(grid[1:], start=2)]
        if problems:
            raise InvalidFileError(problems)
    finally:
        wb.close()
    width = len(header)
    table = _Table(str(path), header, [(n, [*r, *[""] * width][:width]) for n, r in rows])
    table.sheet = sheet.title
    if not any(h.strip() for h in header):
        raise InvalidFileError(
            [f"{path}: sheet '{sheet.title}': no header row: row 1 must name the columns"]
        )
    return table


def consultation_from(
    survey: Survey,
    name: str,
    question: str,
    source: str,
    staff: Iterable[str] = (),
    period: str | None = None,
    unit: str | None = None,
) -> Consultation:
    """The consultation to store: every response redacted (the original text is dropped)."""
    redactor = Redactor(list(staff))
    responses = []
    for row in survey.rows:
        done = redactor.redact(row.text)
        count = done.count
        groups = {}
        for column, value in row.groups.items():
            # An `Other (please specify)` answer is free text too.
            group = redactor.redact(value)
            groups[column] = group.text
            count += group.count
        responses.append(Response(id=row.id, text=done.text, groups=groups, redactions=count))
    return Consultation(
        name=name,
        question=question,
        period=period,
        unit=unit,
        source=source,
        group_columns=survey.group_columns,
        responses=responses,
    )


def read_staff_list(path: Path) -> list[str]:
    """Names from a staff list: one a line (a CSV's first column), `#` lines ignored."""
    try:
        text = _decode(path, path.read_bytes())
    except FileNotFoundError:
        raise MaturityError(f"{path}: no such file") from None
    except OSError as exc:
        raise MaturityError(f"{path}: cannot read the staff list ({exc.strerror})") from None
    names = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if path.suffix.lower() == ".csv":
            line = next(csv.reader([line]), [""])[0].strip()
        if line.casefold() in {"name", "full name", "names"}:
            continue  # a header
        names.append(line)
    return names
