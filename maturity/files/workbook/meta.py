"""The very hidden `_meta` sheet: what a workbook is, so reading it needs no guesswork.

One row per fact, its kind in column A:

    format     | maturity-workbook 1
    framework  | <id>        | <version>   | <name>
    level      | <name>      | <level id>              (lowest first, then Not applicable)
    cell       | <sheet>     | <cell>      | <field>  | <domain.criterion, or empty for a header>
    carried    | <domain.criterion> | <fingerprint of the answer as pre-filled>

Writing collects the rows while the other sheets are written; reading trusts nothing
in them it has not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from maturity.core.errors import InvalidFileError
from maturity.core.framework import NOT_APPLICABLE, Framework
from maturity.files.workbook.style import protect, put

FORMAT = "maturity-workbook 1"
META = "_meta"
NOT_APPLICABLE_NAME = "Not applicable"

HEADER_FIELDS = ("framework", "unit", "period", "completed_on", "respondents")
ANSWER_FIELDS = ("level", "value", "evidence", "notes", "owner", "reviewed")
REVIEWED = "Yes"
"""What the team chooses in a carried-over answer's `reviewed` cell to confirm it."""
# Answers typed into these stay text: no dates from 2025/26, no formulas.
TEXT_FIELDS = ("unit", "period", "evidence", "notes", "owner")
COORD = re.compile(r"^[A-Z]{1,3}[1-9][0-9]{0,6}$")

# (sheet, cell, field, ref): where one answer is; ref is "" for a header field.
AnswerCell = tuple[str, str, str, str]


@dataclass
class MetaRows:
    """The `_meta` sheet's rows for `fw`, added to as answer cells are written."""

    fw: Framework
    rows: list[tuple[str, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        fw = self.fw
        self.rows += [("format", FORMAT), ("framework", fw.id, fw.version, fw.name)]
        self.rows += [("level", level.name, level.id) for level in fw.levels]
        self.rows.append(("level", NOT_APPLICABLE_NAME, NOT_APPLICABLE))

    @property
    def levels_range(self) -> str:
        """The level names, for a dropdown: rows 3 onwards, Not applicable last."""
        return f"'{META}'!$B$3:$B${2 + len(self.fw.levels) + 1}"

    def record(self, ws: Worksheet, coord: str, field: str, ref: str = "") -> None:
        """Note that `field` of `ref` (or of the header) is in `coord` of `ws`."""
        self.rows.append(("cell", ws.title, coord, field, ref))

    def answer(self, ws: Worksheet, coord: str, field: str, ref: str, value: object) -> None:
        """Write an answer cell, pre-filled with `value`, and record where it is."""
        cell = put(ws, coord, value, "answer")
        if field in TEXT_FIELDS:
            cell.number_format = "@"
        self.record(ws, coord, field, ref)

    def carried(self, ref: str, fingerprint: str) -> None:
        """Note that `ref`'s answer was pre-filled; `fingerprint` is the answer as filled in."""
        self.rows.append(("carried", ref, fingerprint))

    def write(self, wb: Workbook) -> None:
        """Add the `_meta` sheet, last, very hidden and protected."""
        ws = wb.create_sheet(META)
        for row, values in enumerate(self.rows, start=1):
            for column, value in zip("ABCDE", values, strict=False):
                put(ws, f"{column}{row}", value)
        ws.sheet_state = "veryHidden"
        protect(ws)


@dataclass(frozen=True)
class Levels:
    names: list[str]  # as users see them, lowest first
    lookup: dict[str, str]  # casefolded name or id -> level id


@dataclass(frozen=True)
class Meta:
    framework: str  # id@version
    levels: Levels
    cells: list[AnswerCell]
    carried: dict[str, str] = field(default_factory=dict)  # ref -> fingerprint as pre-filled


def read_meta(wb: Workbook, name: str) -> Meta:
    """The framework ref, its levels, and the answer cells of the workbook `name`."""

    def fail(why: str) -> InvalidFileError:
        return InvalidFileError([f"{name}: {why}"])

    if META not in wb.sheetnames:
        raise fail(
            "not a maturity workbook (it has no _meta sheet); make one with `maturity workbook`"
        )
    rows = [
        [c if isinstance(c, str) else "" for c in row]
        for row in wb[META].iter_rows(max_col=5, values_only=True)
    ]
    if not rows or rows[0][:2] != ["format", FORMAT]:
        raise fail(f"not a workbook this version of maturity can read (expected {FORMAT})")
    framework = ""
    levels = Levels([], {})
    cells: list[AnswerCell] = []
    carried: dict[str, str] = {}
    for n, (kind, b, c, d, e) in enumerate(rows[1:], start=2):
        if kind == "framework" and b and c:
            framework = f"{b}@{c}"
        elif kind == "level" and b and c:
            if c != NOT_APPLICABLE:
                levels.names.append(b)
            levels.lookup[b.casefold()] = levels.lookup[c.casefold()] = c
        elif (
            kind == "cell"
            and b in wb.sheetnames
            and COORD.match(c)
            and ((d in HEADER_FIELDS and not e) or (d in ANSWER_FIELDS and e))
        ):
            cells.append((b, c, d, e))
        elif kind == "carried" and b and c:
            carried[b] = c
        else:
            raise fail(
                f"the workbook's {META} sheet is damaged at row {n}; make a fresh workbook "
                "with `maturity workbook`"
            )
    if not framework or not levels.names:
        raise fail(f"the workbook's {META} sheet does not name its framework and levels")
    return Meta(framework, levels, cells, carried)
