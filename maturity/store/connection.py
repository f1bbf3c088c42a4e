"""Opening a store: the engine, SQLite's settings, transactions with retries, and errors.

The default store is a SQLite file (`maturity.db`); any SQLAlchemy URL works, e.g.
`postgresql+psycopg://user@host/db`.

SQLite runs in WAL mode; writers take the lock up front (`BEGIN IMMEDIATE`), wait
on `busy_timeout` and retry, so several importers at once never see `database is locked`.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Self, TypeVar
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError

from maturity.core.errors import MaturityError

DEFAULT_STORE = "maturity.db"
BUSY_SECONDS = 60.0
T = TypeVar("T")


def sqlite_url(path: Path) -> URL:
    """The URL of a SQLite file, whatever its name holds: built, not written out, so a `?`
    or `#` in a folder or file name stays part of the name."""
    return URL.create("sqlite", database=str(path))


def sqlite_uri(path: Path, **options: str) -> URL:
    """The URL of a SQLite file opened with URI options (`mode="ro"`, `immutable="1"`).

    Built, not written out: SQLAlchemy would decode a written-out name before SQLite reads
    it as a URI, and a `?` or `#` in a folder or file name would end the name there.
    """
    return URL.create(
        "sqlite", database=f"file:{quote(str(path))}", query={**options, "uri": "true"}
    )


def _is_sqlite_busy(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", exc)
    text = str(orig).lower()
    return isinstance(orig, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


# Unique keys two importers can race for on PostgreSQL (SQLite lets one writer in at a
# time): the loser's transaction rolls back whole, and trying again finds the winner's row.
_RACES = ("uq_version", "uq_current", "frameworks_pkey", "uq_submission", "units_pkey")
# PostgreSQL's serialization failure and deadlock: the server rolled the transaction back.
_TRANSIENT = ("40001", "40P01")


def _is_conflict(exc: BaseException) -> bool:
    """A race with another writer that trying the whole transaction again resolves."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) in _TRANSIENT:
        return True
    if not isinstance(exc, IntegrityError):
        return False
    constraint = getattr(getattr(orig, "diag", None), "constraint_name", None)
    if constraint:
        return constraint in _RACES
    return any(name in str(orig) for name in _RACES)


class StoreBase:
    """The engine, the store's name for errors, and transactions with retries."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.name = name

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    # Transactions, retries and the one place database errors become one line.

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except MaturityError:
            raise
        except (DBAPIError, sqlite3.Error) as exc:
            raise MaturityError(self._explain(exc)) from None

    def _explain(self, exc: BaseException) -> str:
        orig = getattr(exc, "orig", exc)
        text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        low = text.lower()
        if "not a database" in low or "malformed" in low:
            return f"{self.name} is not a maturity store (not a SQLite database, or damaged)"
        if "readonly" in low or "read-only" in low or "read only" in low:
            return f"{self.name}: cannot write to the store (it is read-only); nothing was changed"
        if "unable to open" in low:
            return f"{self.name}: cannot open the store (check the folder exists and is writable)"
        if _is_sqlite_busy(exc):
            return f"{self.name} stayed busy for {BUSY_SECONDS:.0f} seconds; try again"
        return f"{self.name}: the store failed: {text}"

    def _run(self, work: Callable[[Connection], T], write: bool) -> T:
        """Run `work` in one transaction, retrying while another process holds the lock."""
        deadline = time.monotonic() + BUSY_SECONDS
        delay = 0.01
        with self._guard():
            while True:
                try:
                    with self.engine.connect() as conn:
                        conn.execution_options(maturity_write=write)
                        with conn.begin():
                            return work(conn)
                except DBAPIError as exc:
                    if not (_is_sqlite_busy(exc) or _is_conflict(exc)):
                        raise
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(delay * (1 + random.random()))
                    delay = min(delay * 2, 0.5)


def display_name(url: str) -> str:
    """How errors name a store: the file for SQLite, the URL without password otherwise."""
    if "://" not in url:
        return url
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return parsed.database
    return parsed.render_as_string(hide_password=True)


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below); pysqlite's implicit one is deferred and can fail
        # with "database is locked" when a reader later becomes a writer.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                with contextlib.suppress(sqlite3.OperationalError):  # read-only: stay as is
                    cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("maturity_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def connect(url: str | URL, create: bool) -> tuple[Engine, str]:
    """An engine for a SQLite file path or SQLAlchemy URL, and the store's display name.

    Without `create`, a SQLite file that does not exist yet is an error, and nothing is created.
    A `URL` object (see `sqlite_uri`) is used as it is.
    """
    if isinstance(url, URL):
        return _engine(url, url.render_as_string(hide_password=True))
    name = display_name(url)
    target: str | URL = url
    if "://" not in url:
        path = Path(url)
        if path.is_dir():
            raise MaturityError(f"{name} is a folder; give the store's file name")
        if not path.exists():
            if not create:
                raise MaturityError(
                    f"no store at {name}; import assessments first (maturity import PATH)"
                )
            parent = path.parent if str(path.parent) else Path()
            if not parent.is_dir():
                raise MaturityError(f"{name}: folder {parent} does not exist")
        elif path.stat().st_size and not _has_sqlite_header(path):
            raise MaturityError(f"{name} is not a maturity store (not a SQLite database)")
        target = sqlite_url(path)
    return _engine(target, name)


def _engine(target: str | URL, name: str) -> tuple[Engine, str]:
    try:
        engine = create_engine(target)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise MaturityError(f"{name}: cannot use this store URL ({exc})") from None
    if engine.dialect.name == "sqlite":
        _sqlite_events(engine)
    return engine, name


def _has_sqlite_header(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False
