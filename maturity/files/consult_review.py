"""The review file: where an officer corrects how responses were mapped, in CSV or YAML.

One entry per response: its id, its (redacted) text, the criteria the ranking suggests, and
`criteria`, the officer's column:

- empty: use the ranking's criteria (the default; clearing a past correction restores it);
- `domain.criterion` ids, separated by `;`: the response raises these, in this order;
- `none`: the response raises no criterion of the framework (an uncovered theme).

Written with the corrections already recorded filled in, so a file can be edited, read back,
written again and edited again: later runs keep every correction.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from maturity.core.assessment import did_you_mean
from maturity.core.consultation import Consultation
from maturity.core.consultation.analysis import Mapped
from maturity.core.errors import InvalidFileError, MaturityError
from maturity.core.framework import Framework
from maturity.files.output import csv_text, neutralise

NONE = "none"
COLUMNS = ["response_id", "text", "suggested", "criteria"]

Corrections = dict[str, list[str] | None]
"""Response id -> its criteria (an empty list: none), or None to use the ranking again."""


def _cell(criteria: list[str] | None) -> str:
    if criteria is None:
        return ""
    return "; ".join(criteria) if criteria else NONE


def review_rows(
    consultation: Consultation, mapped: Sequence[Mapped], recorded: dict[str, list[str]]
) -> list[tuple[str, str, str, str]]:
    """(response id, text, suggested, criteria) for each response, in consultation order."""
    by_id = {m.response_id: m for m in mapped}
    rows = []
    for response in consultation.responses:
        m = by_id[response.id]
        suggested = "; ".join(m.raised) or NONE
        rows.append((response.id, response.text, suggested, _cell(recorded.get(response.id))))
    return rows


def review_text(rows: Sequence[tuple[str, str, str, str]], fmt: str) -> str:
    """The review file as CSV or YAML text."""
    if fmt == "csv":
        return csv_text(COLUMNS, rows)
    entries = [
        {"response_id": rid, "text": text, "suggested": suggested, "criteria": criteria or None}
        for rid, text, suggested, criteria in rows
    ]
    header = (
        "# Review of the consultation mapping. Fill in `criteria` where the suggestion is wrong:\n"
        "# domain.criterion ids separated by ';', or 'none'. Leave it empty to keep the\n"
        "# suggestion. Then: maturity consult apply NAME THIS-FILE --framework ID\n"
    )
    return header + yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100)


def read_review(path: Path, fw: Framework, consultation: Consultation) -> Corrections:
    """The corrections in a review file; every problem is one located line."""
    known = {r.id for r in consultation.responses}
    if path.suffix.lower() in {".yaml", ".yml"}:
        entries = _yaml_entries(path)
    elif path.suffix.lower() == ".csv":
        entries = _csv_entries(path)
    else:
        raise MaturityError(f"{path}: give a .csv or .yaml review file")
    problems: list[str] = []
    found: Corrections = {}
    first: dict[str, str] = {}
    refs = list(fw.criteria)
    for where, rid, cell in entries:
        if rid not in known:
            problems.append(
                f"{where}: response '{rid}' is not in consultation '{consultation.name}'"
            )
            continue
        if rid in first:
            problems.append(f"{where}: response '{rid}' is reviewed twice (first at {first[rid]})")
            continue
        first[rid] = where.rsplit(": ", 1)[-1]
        text = cell.strip()
        if not text:
            found[rid] = None
            continue
        if text.casefold() == NONE:
            found[rid] = []
            continue
        criteria: list[str] = []
        for ref in (r for r in re.split(r"[;,\s]+", text) if r):
            if ref.casefold() == NONE:
                problems.append(f"{where}: 'none' cannot be given with criteria")
            elif ref not in fw.criteria:
                problems.append(
                    f"{where}: '{ref}' is not a criterion of {fw.id}{did_you_mean(ref, refs)}"
                )
            elif ref not in criteria:
                criteria.append(ref)
        found[rid] = criteria
    if problems:
        raise InvalidFileError(problems)
    return found


def _csv_entries(path: Path) -> list[tuple[str, str, str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise MaturityError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InvalidFileError([f"{path}: not UTF-8 text ({exc.reason})"]) from None
    except OSError as exc:
        raise MaturityError(f"{path}: cannot read the file ({exc.strerror})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
        missing = [c for c in ("response_id", "criteria") if c not in header]
        if missing:
            raise InvalidFileError(
                [f"{path}: row 1: no column {', '.join(missing)}; the header must name "
                 f"{', '.join(COLUMNS)}"]
            )  # fmt: skip
        entries = []
        for row in reader:
            line = reader.line_num
            rid = _plain(row.get("response_id") or "")
            entries.append(
                (f"{path}: row {line}, column 'criteria'", rid, _plain(row.get("criteria") or ""))
            )
    except csv.Error as exc:
        raise InvalidFileError([f"{path}: row {reader.line_num}: not valid CSV ({exc})"]) from None
    return entries


def _plain(cell: str) -> str:
    """A cell as typed: the `'` our CSV writer put before text a spreadsheet could run, removed."""
    cell = cell.strip()
    if cell.startswith("'") and neutralise(cell[1:]) == cell:
        return cell[1:]
    return cell


def _yaml_entries(path: Path) -> list[tuple[str, str, str]]:
    from maturity.files.loading import read

    source = read(path)
    data: Any = source.data
    if not isinstance(data, list):
        raise InvalidFileError([f"{path}:1: a review file is a list of responses"])
    entries = []
    problems = []
    for i, entry in enumerate(data):
        where = f"{path}:{source.line((i,))}: response {i + 1}"
        if not isinstance(entry, dict) or "response_id" not in entry:
            problems.append(f"{where}: give each entry a response_id")
            continue
        criteria = entry.get("criteria")
        if isinstance(criteria, list) and all(isinstance(c, str) for c in criteria):
            cell = "; ".join(criteria) if criteria else NONE
        elif criteria is None or isinstance(criteria, str):
            cell = criteria or ""
        else:
            line = source.line((i, "criteria"))
            problems.append(f"{path}:{line}: response {i + 1}: criteria must be text or a list")
            continue
        entries.append((where, str(entry["response_id"]), cell))
    if problems:
        raise InvalidFileError(problems)
    return entries
