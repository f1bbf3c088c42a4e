"""The unit tree the store knows, and renaming or moving a unit with its history.

A unit is known once an import brings it (with the units above it) or it is added.
Renaming moves everything kept under the old path, and the units below it, to the
new path: versions, submissions, review steps and moderation. The content's unit is
rewritten too (and its hash worked out again), so an export names the new unit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import Connection, Table, or_, select, update

from maturity.core.errors import MaturityError
from maturity.store.schema import (
    moderations_table,
    review_table,
    submissions_table,
    unit_changes_table,
    units_table,
    versions_table,
)
from maturity.store.writing import Writing, canonical_json, utc_stamp


@dataclass(frozen=True)
class UnitChange:
    """A rename or move of a unit: from, to, who and when."""

    old: str
    new: str
    by: str | None
    at: str


def _moved(path: str, old: str, new: str) -> str:
    return new + path[len(old) :]


def _under(table: Table, old: str) -> object:
    column = table.c.path if table is units_table else table.c.unit
    return or_(column == old, column.startswith(old + "/", autoescape=True))


class Units(Writing):
    """The unit tree: list, add, rename or move."""

    def units(self) -> list[str]:
        """Every unit the store knows, sorted by path."""
        stmt = select(units_table.c.path).order_by(units_table.c.path)
        return self._run(lambda conn: list(conn.execute(stmt).scalars()), write=False)

    def add_unit(self, path: str, when: dt.datetime | None = None) -> bool:
        """Make a unit (and the units above it) known; whether it was new."""
        stamp = utc_stamp(when)

        def work(conn: Connection) -> bool:
            parts = path.split("/")
            paths = ["/".join(parts[: i + 1]) for i in range(len(parts))]
            u = units_table
            known = set(conn.execute(select(u.c.path).where(u.c.path.in_(paths))).scalars())
            missing = [p for p in paths if p not in known]
            if missing:
                conn.execute(u.insert(), [{"path": p, "added_at": stamp} for p in missing])
            return path not in known

        return self._run(work, write=True)

    def rename_unit(
        self, old: str, new: str, by: str | None = None, when: dt.datetime | None = None
    ) -> int:
        """Rename or move a unit and the units below it, history and all; rows moved.

        Refused when `old` is unknown, when `new` is already a unit, or when `new` lies
        under `old`. The change is recorded (see `unit_changes`).
        """
        stamp = utc_stamp(when)
        if new == old or new.startswith(old + "/"):
            raise MaturityError(f"cannot move '{old}' to '{new}': that is itself or below it")

        def work(conn: Connection) -> int:
            u = units_table
            if conn.execute(select(u.c.path).where(u.c.path == old)).first() is None:
                raise MaturityError(f"no unit '{old}' in {self.name}")
            if conn.execute(select(u.c.path).where(u.c.path == new)).first() is not None:
                raise MaturityError(
                    f"'{new}' is already a unit in {self.name}; units are not merged by a rename"
                )
            moved = 0
            for table, json_columns in (
                (versions_table, ("assessment", "score", "summary")),
                (submissions_table, ("assessment",)),
                (review_table, ()),
                (moderations_table, ()),
            ):
                rows = conn.execute(
                    select(table.c.id, table.c.unit, *(table.c[c] for c in json_columns)).where(
                        _under(table, old)  # type: ignore[arg-type]
                    )
                ).all()
                for row in rows:
                    unit = _moved(row[1], old, new)
                    values: dict[str, object] = {"unit": unit}
                    for name, text in zip(json_columns, row[2:], strict=True):
                        if text is None:
                            continue
                        data = json.loads(text)
                        data["unit"] = unit
                        values[name] = canonical_json(data)
                        if name == "assessment":
                            values["content_hash"] = hashlib.sha256(
                                values[name].encode("utf-8")  # type: ignore[attr-defined]
                            ).hexdigest()
                    conn.execute(update(table).where(table.c.id == row[0]).values(**values))
                moved += len(rows)
            below = list(conn.execute(select(u.c.path).where(_under(u, old))).scalars())  # type: ignore[arg-type]
            for path in below:
                conn.execute(update(u).where(u.c.path == path).values(path=_moved(path, old, new)))
            parts = new.split("/")
            for i in range(len(parts) - 1):
                parent = "/".join(parts[: i + 1])
                if conn.execute(select(u.c.path).where(u.c.path == parent)).first() is None:
                    conn.execute(u.insert(), {"path": parent, "added_at": stamp})
            self._units_seen.clear()  # the old paths are gone
            conn.execute(
                unit_changes_table.insert(),
                {"old_path": old, "new_path": new, "by": by, "at": stamp},
            )
            return moved

        return self._run(work, write=True)

    def unit_changes(self, unit: str) -> list[UnitChange]:
        """Renames and moves that led to `unit` or away from it, oldest first."""
        c = unit_changes_table
        stmt = (
            select(c.c.old_path, c.c.new_path, c.c.by, c.c.at)
            .where((c.c.new_path == unit) | (c.c.old_path == unit))
            .order_by(c.c.id)
        )
        rows = self._run(lambda conn: conn.execute(stmt).all(), write=False)
        return [UnitChange(*row) for row in rows]
