"""Checking a framework file in one round: type errors and cross-checks together.

pydantic runs the cross-field checks (`framework.cross_check`) only once every field
has validated, so a file with a mistyped weight and a missing descriptor elsewhere
would need two runs to show both. Here, when fields fail, each failing part is
replaced by a stand-in (a criterion, a domain's field, the scoring rule) and the
cross-checks run on the rest; their problems outside the replaced parts are reported
with the type errors. Errors in the levels stop there: every other check depends on them.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from maturity.core.errors import InvalidFileError, Loc, ProblemsError
from maturity.core.framework import Framework
from maturity.files.loading import Source, check_kind, explain, read

STAND_IN = "stand-in"
TOP_LEVEL = {"id": "stand-in", "name": STAND_IN, "description": STAND_IN, "version": "0"}


def check_framework(source: Source) -> Framework:
    """Validate parsed framework data; on failure, every problem found, each on one line."""
    check_kind(source, Framework)  # a file that is no framework at all is not quoted back
    try:
        return Framework.model_validate(source.data)
    except ValidationError as exc:
        lines = explain(source, exc)
        lines += [line for line in _problems_beyond(source, exc) if line not in lines]
        raise InvalidFileError(sorted(lines, key=_line_number)) from None


def load_framework_file(path: Path) -> tuple[Framework, Source]:
    """Read and check a framework file in one round."""
    source = read(path)
    return check_framework(source), source


def _line_number(line: str) -> int:
    parts = line.split(":", 2)
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else 0


def _problems_beyond(source: Source, exc: ValidationError) -> list[str]:
    """The cross-check problems of the parts that did validate (see the module docstring)."""
    errors = exc.errors()
    if not isinstance(source.data, dict) or any(_cross_check(e) for e in errors):
        return []  # the cross-checks already ran
    data = copy.deepcopy(source.data)
    replaced: list[Loc] = []
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "extra_forbidden" and _drop_key(data, loc):
            continue
        part = _stand_in(data, loc)
        if part is None:
            return []
        replaced.append(part)
    try:
        Framework.model_validate(data)
    except ValidationError as again:
        causes = [_cross_check(e) for e in again.errors()]
        if not all(causes):
            return []  # a stand-in did not take: say nothing rather than something wrong
        return [
            source.message(problem)
            for cause in causes
            if cause is not None
            for problem in cause.problems
            if not any(problem.loc[: len(part)] == part for part in replaced)
        ]
    return []


def _cross_check(error: Any) -> ProblemsError | None:
    cause = (error.get("ctx") or {}).get("error")
    return cause if isinstance(cause, ProblemsError) else None


def _drop_key(data: dict[str, Any], loc: Loc) -> bool:
    """Remove an unknown key; whether it was found."""
    parent: Any = data
    for key in loc[:-1]:
        try:
            parent = parent[key]
        except (KeyError, IndexError, TypeError):
            return False
    if isinstance(parent, dict) and loc and loc[-1] in parent:
        del parent[loc[-1]]
        return True
    return False


def _level_ids(data: dict[str, Any]) -> list[str] | None:
    levels = data.get("levels")
    if not isinstance(levels, list):
        return None
    ids = [lv["id"] for lv in levels if isinstance(lv, dict) and isinstance(lv.get("id"), str)]
    return ids if len(ids) == len(levels) else None


def _stand_in(data: dict[str, Any], loc: Loc) -> Loc | None:
    """Replace the part of `data` that failed at `loc`; the part replaced, or None if it can't."""
    if not loc:
        return None
    head = loc[0]
    if head in TOP_LEVEL and len(loc) == 1:
        data[head] = TOP_LEVEL[str(head)]
        return loc
    if head in ("scoring", "groups"):
        data.pop(str(head), None)
        return (head,)
    if head != "domains" or len(loc) < 3 or not isinstance(loc[1], int):
        return None  # levels, or the shape of the file itself: nothing sound to check
    domains = data.get("domains")
    if not isinstance(domains, list) or not isinstance(domains[loc[1]], dict):
        return None
    domain: dict[str, Any] = domains[loc[1]]
    if loc[2] == "criteria" and len(loc) >= 4 and isinstance(loc[3], int):
        ids = _level_ids(data)
        criteria = domain.get("criteria")
        if ids is None or not isinstance(criteria, list):
            return None
        criteria[loc[3]] = {
            "id": f"stand-in-{loc[1]}-{loc[3]}",
            "title": STAND_IN,
            "description": STAND_IN,
            "descriptors": dict.fromkeys(ids, STAND_IN),
        }
        return loc[:4]
    field = loc[2]
    if field in ("name", "description"):
        domain[str(field)] = STAND_IN
    elif field == "id":
        domain["id"] = f"stand-in-{loc[1]}"
    elif field in ("weight", "target"):
        domain.pop(str(field), None)
    else:
        return None
    return loc[:3]
