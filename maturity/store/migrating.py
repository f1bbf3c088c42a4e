"""A store's schema version, and bringing it up to date with the Alembic steps in `migrations`.

The version is the number of the last Alembic revision run (`alembic_version`), also kept
in `meta.schema_version` for releases that predate Alembic (and so refuse newer stores).
Checking it reads two small tables and imports no Alembic: only upgrading does.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, select, text

from maturity.core.errors import MaturityError
from maturity.store import migrations
from maturity.store.connection import DEFAULT_STORE, StoreBase
from maturity.store.schema import meta_table, metadata

# Any constant: the key of PostgreSQL's advisory lock held while a store is upgraded, so
# that importers starting together on an empty database create its tables once.
_UPGRADE_LOCK = 0x6D617475


class Migrating(StoreBase):
    """The schema version of an open store, and bringing it up to date."""

    schema_before: int = 0
    """The schema version the store had when opened (0: it was created)."""

    def _schema(self, conn: Connection, create: bool) -> tuple[int, bool]:
        """The store's schema version (0: a new, empty database), and whether Alembic's
        `alembic_version` table records it (not in stores made before Alembic)."""
        tables = set(inspect(conn).get_table_names())
        if "meta" not in tables:
            if tables - {t.name for t in metadata.sorted_tables} - {"alembic_version"}:
                raise MaturityError(
                    f"{self.name} is a database but not a maturity store (it has other tables)"
                )
            if not create:
                raise MaturityError(f"{self.name} is empty; import assessments first")
            return 0, False
        row = conn.execute(
            select(meta_table.c.value).where(meta_table.c.key == "schema_version")
        ).first()
        version = int(row[0]) if row else 0
        if "alembic_version" in tables:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if revision is not None and not revision.isdigit():
                raise MaturityError(
                    f"{self.name} has schema revision '{revision}', unknown to this maturity: "
                    "upgrade maturity"
                )
            version = max(version, int(revision or 0))
        if version > migrations.head():
            raise MaturityError(
                f"{self.name} was written by a newer maturity (schema {version}; this one "
                f"knows {migrations.head()}): upgrade maturity"
            )
        return version, "alembic_version" in tables

    def migrate(self, create: bool, upgrade: bool = False) -> int:
        """Check the schema; create a new store, or upgrade an older one if `upgrade`.

        Returns the version the store had (0: it was created). An older store without
        `upgrade` is refused in one line that says what to run. The check is read-only,
        so an up-to-date store on a read-only disk opens for reading.
        """
        head = migrations.head()
        found, stamped = self._run(lambda conn: self._schema(conn, create), write=False)
        self.schema_before = found
        if found == head and (stamped or not upgrade):
            return found
        if found and not upgrade:
            option = "" if self.name == DEFAULT_STORE else f" --store {self.name}"
            raise MaturityError(
                f"{self.name} needs upgrading (schema {found}; this maturity uses {head}): "
                f"run maturity store upgrade{option}"
            )

        def work(conn: Connection) -> int:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK})
            # Again, under the lock: another process may have upgraded it meanwhile.
            version, stamped = self._schema(conn, create)
            self.schema_before = version
            if version == head and (stamped or not upgrade):
                return version
            if version and not upgrade:  # another process created it at an older schema
                raise MaturityError(f"{self.name} needs upgrading: run maturity store upgrade")
            migrations.upgrade(conn, version)
            conn.execute(
                meta_table.update()
                .where(meta_table.c.key == "schema_version")
                .values(value=str(head))
            )
            return version

        return self._run(work, write=True)

    def schema_version(self) -> int:
        """The store's schema version."""
        return self._run(lambda conn: self._schema(conn, create=False)[0], write=False)
