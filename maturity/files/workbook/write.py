"""Writing a self-assessment workbook: the sheets in order, protected, saved atomically."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.protection import WorkbookProtection

from maturity.core.assessment import Assessment, parse_period, parse_unit
from maturity.core.errors import MaturityError
from maturity.core.framework import Framework
from maturity.files.output import write_atomic
from maturity.files.workbook.domain_sheet import write_domain_sheet
from maturity.files.workbook.instructions import INSTRUCTIONS, write_instructions
from maturity.files.workbook.meta import META, MetaRows


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
    # Saved in memory first (a workbook is tens of KB): openpyxl's zip writer, failing on
    # a full disk, raises again when it is collected, and that traceback reaches the screen.
    data = io.BytesIO()
    wb.save(data)
    write_atomic(path, data.getvalue(), force)


def build_workbook(
    fw: Framework, unit: str | None, period: str | None, prefill: Assessment | None
) -> Workbook:
    """The workbook in memory: Instructions, one sheet per domain, then `_meta`."""
    wb = Workbook()
    meta = MetaRows(fw)
    guide = wb.active
    assert guide is not None
    guide.title = INSTRUCTIONS
    titles = sheet_titles(fw)
    if unit is None and prefill is not None:
        unit = prefill.unit
    write_instructions(guide, fw, meta, unit, period, titles)
    for domain, title in zip(fw.domains, titles, strict=True):
        write_domain_sheet(wb.create_sheet(title), fw, domain, meta, prefill)
    meta.write(wb)
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    return wb


def sheet_titles(fw: Framework) -> list[str]:
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
