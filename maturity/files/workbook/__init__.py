"""Self-assessment workbooks: an Excel file a service team fills in, and reading it back.

Writing (`write`): an Instructions sheet, then one sheet per domain where every criterion
shows its level descriptors and evidence guidance beside yellow answer cells (a dropdown
for the level). A very hidden `_meta` sheet (`meta`) records the framework, its levels
and which cell holds which answer, so reading needs no guesswork. Everything but the
answer cells is protected.

Reading (`read`): the file is checked before openpyxl parses it (`safety`: a zip of sane
size, no XML entity or DOCTYPE declarations); cell values are read and formulas are never
evaluated (`answers`); every problem names the sheet and the cell.

Imports openpyxl: only the `workbook` command and reading a .xlsx file import this package.
"""

from __future__ import annotations

from maturity.files.workbook.read import CellMap, read_workbook, read_workbook_cells
from maturity.files.workbook.safety import check_archive
from maturity.files.workbook.write import build_workbook, write_workbook

__all__ = [
    "CellMap",
    "build_workbook",
    "check_archive",
    "read_workbook",
    "read_workbook_cells",
    "write_workbook",
]
