"""Reading a filled-in workbook back into an assessment, every problem at its sheet and cell."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from pydantic import ValidationError

from maturity.core.assessment import Assessment, Response
from maturity.core.errors import InvalidFileError, Loc, Problem
from maturity.files.workbook.answers import answer, fingerprint
from maturity.files.workbook.meta import read_meta
from maturity.files.workbook.safety import open_workbook


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
    wb = open_workbook(path)
    try:
        return _read(str(path), wb)
    finally:
        wb.close()


def _read(name: str, wb: Workbook) -> tuple[Assessment, CellMap]:
    meta = read_meta(wb, name)
    cellmap = CellMap(name, {})
    data: dict[str, Any] = {"framework": meta.framework}
    responses: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for sheet, coord, field, ref in meta.cells:
        loc: Loc = ("responses", ref, field) if ref else (field,)
        cellmap.cells[loc] = (sheet, coord)
        if field == "level":
            cellmap.cells[("responses", ref)] = (sheet, coord)
        if field == "framework":
            continue  # shown to the user; the framework read is the one `_meta` names
        try:
            value = answer(wb[sheet][coord], field, meta.levels)
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
    _mark_carried_over(responses, meta.carried)
    data["responses"] = responses
    try:
        assessment = Assessment.model_validate(data)
    except ValidationError as exc:
        lines = [cellmap.message(Problem(tuple(e["loc"]), _explain(e))) for e in exc.errors()]
        raise InvalidFileError(lines) from None
    return assessment, cellmap


def _mark_carried_over(responses: dict[str, dict[str, Any]], carried: dict[str, str]) -> None:
    """Mark answers still as pre-filled, and not confirmed, as carried over."""
    for ref, found in responses.items():
        confirmed = found.pop("reviewed", False)
        if ref not in carried or confirmed:
            continue
        try:
            as_read = Response.model_validate(found)
        except ValidationError:
            continue  # changed into something invalid: reported when the assessment is checked
        if fingerprint(as_read) == carried[ref]:
            found["carried_over"] = True


def _explain(error: Any) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "string_too_long":
        return f"too long: at most {error['ctx']['max_length']} characters"
    msg = str(error["msg"])
    return msg[:1].lower() + msg[1:]
