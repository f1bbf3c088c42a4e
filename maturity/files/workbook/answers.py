"""What a filled-in answer cell means: its value as the assessment wants it, or why not."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date, datetime

from openpyxl.cell import Cell

from maturity.core.assessment import Response
from maturity.files.workbook.meta import REVIEWED, Levels


def answer(cell: Cell, field: str, levels: Levels) -> object:
    """The answer in `cell` as the assessment wants it; None when empty. ValueError if unusable."""
    value = cell.value
    if cell.data_type == "f" or not isinstance(value, str | int | float | date | type(None)):
        raise ValueError("holds a formula; type the answer itself (formulas are not read)")
    if value is None or (isinstance(value, str) and not value.strip()):
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
    if field == "reviewed":
        if text.strip().casefold() != REVIEWED.casefold():
            raise ValueError(f"'{value}' is not '{REVIEWED}'; choose {REVIEWED} or leave it empty")
        return True
    return text


def fingerprint(response: Response) -> str:
    """A short hash of an answer as a workbook reads it back, to see whether it changed.

    The fields are taken as the workbook would read them: evidence as non-empty lines,
    the lead officer without surrounding spaces.
    """
    evidence = [line.strip() for e in response.evidence for line in e.splitlines() if line.strip()]
    data = {
        "level": response.level,
        "value": response.value,
        "evidence": evidence,
        "notes": response.notes or None,
        "owner": response.owner.strip() if response.owner else None,
    }
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


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
