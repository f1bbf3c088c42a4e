"""Bringing a store's schema up to date, and refusing one from a newer maturity.

The schema version is kept in the `meta` table.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, inspect, select

from maturity.core.errors import MaturityError
from maturity.store.connection import StoreBase
from maturity.store.schema import (
    SCHEMA_VERSION,
    meta_table,
    metadata,
    submissions_table,
    units_table,
    versions_table,
)
from maturity.store.writing import canonical_json


def _upgrade_v2(conn: Connection) -> None:
    """Schema 2: submissions, review, moderation, units, registered frameworks.

    Nothing is lost: every version stays as it was. Each unit-period's current version
    becomes its respondent's first submission (the respondent named in it, or the file
    it came from), so re-importing that file is `unchanged`; every unit is known.
    """
    for column in ("registered_at VARCHAR(32)", "registered_by VARCHAR(200)"):
        conn.exec_driver_sql(f"ALTER TABLE frameworks ADD COLUMN {column}")
    metadata.create_all(conn)  # only the tables that are missing
    v = versions_table
    rows = conn.execute(
        select(v.c.framework_id, v.c.framework_version, v.c.unit, v.c.period, v.c.imported_at,
               v.c.imported_by, v.c.source, v.c.assessment).where(v.c.current)
    ).all()  # fmt: skip
    units: dict[str, str] = {}
    for fid, fver, unit, period, at, by, source, text in rows:
        data = json.loads(text)
        data.setdefault("respondent", Path(source).stem or "respondent")
        stored = canonical_json(data)
        conn.execute(
            submissions_table.insert(),
            {"framework_id": fid, "framework_version": fver, "unit": unit, "period": period,
             "respondent": data["respondent"], "respondent_group": data.get("group"),
             "version": 1, "current": True, "withdrawn": False, "imported_at": at,
             "imported_by": by, "source": source, "assessment": stored,
             "content_hash": hashlib.sha256(stored.encode("utf-8")).hexdigest()},
        )  # fmt: skip
        parts = unit.split("/")
        for i in range(len(parts)):
            units.setdefault("/".join(parts[: i + 1]), at)
    if units:
        conn.execute(
            units_table.insert(), [{"path": p, "added_at": at} for p, at in sorted(units.items())]
        )


# schema version -> the step that brings a store from the version before up to it; a new
# store is created at the latest version directly.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {2: _upgrade_v2}


class Migrating(StoreBase):
    """The schema version of an open store, and bringing it up to date."""

    def _schema(self, conn: Connection, create: bool) -> int:
        """The store's schema version, 0 for a new, empty database."""
        tables = set(inspect(conn).get_table_names())
        if "meta" not in tables:
            if tables - {t.name for t in metadata.sorted_tables}:
                raise MaturityError(
                    f"{self.name} is a database but not a maturity store (it has other tables)"
                )
            if not create:
                raise MaturityError(f"{self.name} is empty; import assessments first")
            return 0
        row = conn.execute(
            select(meta_table.c.value).where(meta_table.c.key == "schema_version")
        ).first()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise MaturityError(
                f"{self.name} was written by a newer maturity (schema {version}; this one "
                f"knows {SCHEMA_VERSION}): upgrade maturity"
            )
        return version

    def migrate(self, create: bool) -> None:
        """Create or bring the schema up to date; refuse a store from a newer maturity.

        The check is read-only, so an up-to-date store on a read-only disk opens for reading.
        """
        if self._run(lambda conn: self._schema(conn, create), write=False) == SCHEMA_VERSION:
            return

        def work(conn: Connection) -> None:
            version = self._schema(conn, create)  # again: another process may have migrated
            if version == SCHEMA_VERSION:
                return
            if version == 0:
                metadata.create_all(conn)
                conn.execute(meta_table.insert().values(key="schema_version", value="0"))
            else:
                for step in range(version + 1, SCHEMA_VERSION + 1):
                    MIGRATIONS[step](conn)
            conn.execute(
                meta_table.update()
                .where(meta_table.c.key == "schema_version")
                .values(value=str(SCHEMA_VERSION))
            )

        self._run(work, write=True)

    def schema_version(self) -> int:
        def work(conn: Connection) -> int:
            value = conn.execute(
                select(meta_table.c.value).where(meta_table.c.key == "schema_version")
            ).scalar_one()
            return int(value)

        return self._run(work, write=False)
