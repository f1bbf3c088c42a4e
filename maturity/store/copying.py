"""Moving a store: copy every table to another store (any engine), and back up a SQLite file.

A copy takes every table of the schema (`schema.metadata`, so tables added later are
copied too) in foreign-key order, rows in primary-key order, in one transaction on the
destination; it reads the source in one snapshot, and before committing it compares
each table's row count and content hash (SHA-256 over its rows) on both sides.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, create_engine, delete, func, inspect, select, text

from maturity.core.errors import MaturityError
from maturity.store.connection import sqlite_uri
from maturity.store.schema import meta_table, metadata
from maturity.store.store import Store, open_store

BATCH = 500


@dataclass(frozen=True)
class TableDigest:
    """A table's row count and the SHA-256 of its rows in primary-key order."""

    rows: int
    sha256: str


def _ordered(table: Table) -> Any:
    return select(table).order_by(*table.primary_key.columns)


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def table_digest(conn: Connection, table: Table) -> TableDigest:
    """Count and hash one table's rows, read through the schema's types (engine-neutral)."""
    digest = hashlib.sha256()
    rows = 0
    for row in conn.execution_options(stream_results=True, yield_per=BATCH).execute(
        _ordered(table)
    ):
        line = json.dumps([_plain(v) for v in row], ensure_ascii=False, separators=(",", ":"))
        digest.update(line.encode("utf-8") + b"\n")
        rows += 1
    return TableDigest(rows, digest.hexdigest())


def digests(conn: Connection) -> dict[str, TableDigest]:
    """Every table's digest, by name."""
    return {table.name: table_digest(conn, table) for table in metadata.sorted_tables}


@contextlib.contextmanager
def _snapshot(store: Store) -> Iterator[Connection]:
    """One read transaction that sees the store as it was when it began."""
    with store.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def _unknown_tables(conn: Connection) -> set[str]:
    return (
        set(inspect(conn).get_table_names())
        - {t.name for t in metadata.tables.values()}
        - {"alembic_version"}
    )


def _held(conn: Connection) -> dict[str, int]:
    """Rows in each table that holds any, but `meta` (every new store has that)."""
    counts = {
        table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
        for table in metadata.sorted_tables
        if table is not meta_table
    }
    return {name: n for name, n in counts.items() if n}


def copy_store(source: Store, dest: Store, force: bool = False) -> dict[str, TableDigest]:
    """Copy everything from `source` into `dest`, checked; returns the tables' digests.

    A destination that holds anything is refused unless `force`, which replaces it.
    """
    with _snapshot(source) as src:
        unknown = _unknown_tables(src)
        if unknown:
            raise MaturityError(
                f"{source.name} has tables this maturity does not know "
                f"({', '.join(sorted(unknown))}): upgrade maturity"
            )
        expected = digests(src)

        def work(conn: Connection) -> dict[str, TableDigest]:
            held = _held(conn)
            if held and not force:
                what = ", ".join(f"{name} {n}" for name, n in held.items())
                raise MaturityError(
                    f"{dest.name} is not empty (rows: {what}); use --force to replace its contents"
                )
            for table in reversed(metadata.sorted_tables):
                conn.execute(delete(table))
            for table in metadata.sorted_tables:
                _copy_table(src, conn, table)
            copied = digests(conn)
            for name, want in expected.items():
                if copied[name] != want:
                    raise MaturityError(
                        f"copying to {dest.name} did not check out: table {name} has "
                        f"{copied[name].rows} rows (hash {copied[name].sha256[:12]}), the source "
                        f"{want.rows} (hash {want.sha256[:12]}); nothing was copied"
                    )
            return copied

        return dest._run(work, write=True)


def _copy_table(src: Connection, dest: Connection, table: Table) -> None:
    batch: list[dict[str, Any]] = []
    rows = src.execution_options(stream_results=True, yield_per=BATCH).execute(_ordered(table))
    for row in rows.mappings():
        batch.append(dict(row))
        if len(batch) == BATCH:
            dest.execute(table.insert(), batch)
            batch = []
    if batch:
        dest.execute(table.insert(), batch)
    if dest.dialect.name == "postgresql":
        # Rows came with their ids: move each id sequence past them, or the next insert
        # would be given an id already taken.
        column = table.autoincrement_column
        if column is not None:
            dest.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:t, :c), "
                    f"coalesce((SELECT max({column.name}) FROM {table.name}), 0) + 1, false) "
                    "WHERE pg_get_serial_sequence(:t, :c) IS NOT NULL"
                ),
                {"t": table.name, "c": column.name},
            )


def copy(source_url: str, dest_url: str, force: bool = False) -> dict[str, TableDigest]:
    """Open both stores (creating the destination) and copy; see `copy_store`."""
    with open_store(source_url) as source, open_store(dest_url, create=True) as dest:
        if _same(source, dest):
            raise MaturityError(f"{source.name} and {dest.name} are the same store")
        return copy_store(source, dest, force)


def _same(a: Store, b: Store) -> bool:
    if a.engine.dialect.name == "sqlite" and b.engine.dialect.name == "sqlite":
        pa, pb = a.engine.url.database, b.engine.url.database
        return bool(pa and pb and Path(pa).resolve() == Path(pb).resolve())
    return a.engine.url == b.engine.url


def backup(store_url: str, file: Path, force: bool = False) -> dict[str, TableDigest]:
    """Copy a SQLite store to `file` with SQLite's online backup, consistent while others
    write; the file appears only once it is complete and checked."""
    from maturity.files.output import atomic_path, check_writable

    check_writable(file, force)  # before the store is opened
    with open_store(store_url) as store:
        if store.engine.dialect.name != "sqlite" or not store.engine.url.database:
            raise MaturityError(
                f"{store.name}: backup is for SQLite stores; back up PostgreSQL with pg_dump"
            )
        source_path = store.engine.url.database
        name = store.name
    with atomic_path(file, force) as temp:
        source = sqlite3.connect(source_path)
        target = sqlite3.connect(temp)
        try:
            source.backup(target)  # every page in one step: one consistent snapshot
            # One self-contained file, without a write-ahead log beside it.
            target.execute("PRAGMA journal_mode = DELETE")
            if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise MaturityError(f"{name}: the backup failed its integrity check")
        except sqlite3.Error as exc:
            raise MaturityError(f"{name}: backup failed: {exc}") from None
        finally:
            target.close()
            source.close()
        # Read back as it will be opened, read-only so that it stays in rollback-journal mode.
        engine = create_engine(sqlite_uri(temp, mode="ro"))
        try:
            with engine.connect() as conn:
                return digests(conn)
        finally:
            engine.dispose()
