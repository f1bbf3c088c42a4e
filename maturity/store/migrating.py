"""Bringing a store's schema up to date, and refusing one from a newer maturity.

The schema version is kept in the `meta` table.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, inspect, select

from maturity.core.errors import MaturityError
from maturity.store.connection import StoreBase
from maturity.store.consultations import consultation_metadata, create_tables
from maturity.store.schema import SCHEMA_VERSION, meta_table, metadata


def _create_v1(conn: Connection) -> None:
    metadata.create_all(conn)


# schema version -> the step that brings a store from the version before up to it
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _create_v1, 2: create_tables}


class Migrating(StoreBase):
    """The schema version of an open store, and bringing it up to date."""

    def _schema(self, conn: Connection, create: bool) -> int:
        """The store's schema version, 0 for a new, empty database."""
        tables = set(inspect(conn).get_table_names())
        if "meta" not in tables:
            known = [*metadata.sorted_tables, *consultation_metadata.sorted_tables]
            if tables - {t.name for t in known}:
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
            for step in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[step](conn)
            if version == 0:
                conn.execute(meta_table.insert().values(key="schema_version", value="0"))
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
