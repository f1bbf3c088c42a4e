"""The assessment store: every imported assessment kept as an immutable, scored version.

An edge module over SQLAlchemy 2 (Core, no ORM). The default store is a SQLite file
(`maturity.db`); any SQLAlchemy URL works, e.g. `postgresql+psycopg://user@host/db`.
The schema is created and migrated here, and its version is kept in the `meta` table.

Each version row holds the assessment itself (canonical JSON of the `Assessment`
model), its `Score` computed on import, and the framework id and version that
produced it; the framework's definition is kept too, so old scores stay explainable.
One version per (framework, unit, period) is marked current; nothing is deleted.

The content hash is the SHA-256 of the canonical assessment JSON, not of the file's
bytes: re-saving a YAML file with other spacing or comments is `unchanged`, and an
exported store imports back as `unchanged`.

SQLite runs in WAL mode; writers take the lock up front (`BEGIN IMMEDIATE`), wait
on `busy_timeout` and retry, so several importers at once never see `database is locked`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    create_engine,
    event,
    func,
    inspect,
    select,
    true,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError

from maturity.core.assessment import Assessment
from maturity.core.errors import MaturityError
from maturity.core.framework import Framework
from maturity.core.scoring import Score

SCHEMA_VERSION = 1
DEFAULT_STORE = "maturity.db"
BUSY_SECONDS = 60.0
T = TypeVar("T")


class RejectedError(MaturityError):
    """The store refuses this one assessment; other imports may go ahead."""


metadata = MetaData()
meta_table = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
)
frameworks_table = Table(
    "frameworks",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("version", String(32), primary_key=True),
    Column("definition", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
)
versions_table = Table(
    "assessment_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("framework_id", String(64), nullable=False),
    Column("framework_version", String(32), nullable=False),
    Column("unit", String(1000), nullable=False),
    Column("period", String(7), nullable=False),
    Column("version", Integer, nullable=False),
    Column("current", Boolean, nullable=False),
    Column("imported_at", String(32), nullable=False),
    Column("imported_by", String(200)),
    Column("source", String(1000), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("respondents", Integer, nullable=False),
    Column("overall_score", Float),
    Column("overall_level", String(64)),
    Column("assessment", Text, nullable=False),
    Column("score", Text, nullable=False),
    Column("summary", Text, nullable=False),
    UniqueConstraint("framework_id", "unit", "period", "version", name="uq_version"),
    ForeignKeyConstraint(
        ["framework_id", "framework_version"], ["frameworks.id", "frameworks.version"]
    ),
    Index("ix_current", "framework_id", "current", "period"),
    Index("ix_unit", "unit", "framework_id", "period"),
)


# Statements used for every import, built once.
_KEY = (
    (versions_table.c.framework_id == bindparam("k_fid"))
    & (versions_table.c.unit == bindparam("k_unit"))
    & (versions_table.c.period == bindparam("k_period"))
)
_FRAMEWORK_HASH = select(frameworks_table.c.content_hash).where(
    (frameworks_table.c.id == bindparam("k_fid"))
    & (frameworks_table.c.version == bindparam("k_fver"))
)
_CURRENT = select(
    versions_table.c.version, versions_table.c.content_hash, versions_table.c.framework_version
).where(_KEY & versions_table.c.current)
_LATEST = select(func.max(versions_table.c.version)).where(_KEY)
_RETIRE = update(versions_table).where(_KEY & versions_table.c.current).values(current=False)


def _create_v1(conn: Connection) -> None:
    metadata.create_all(conn)


# schema version -> the step that brings a store from the version before up to it
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _create_v1}


def canonical_json(data: Any) -> str:
    """JSON with sorted keys and no spaces: equal content, equal text, equal hash."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(assessment: Assessment) -> str:
    """SHA-256 of the assessment's canonical JSON (see the module docstring)."""
    text = canonical_json(assessment.model_dump(mode="json"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Outcome:
    """What importing one assessment did."""

    status: Literal["imported", "unchanged", "revised"]
    version: int
    previous: int | None = None


@dataclass(frozen=True)
class Version:
    """One stored version of an assessment, without its content."""

    framework_id: str
    framework_version: str
    unit: str
    period: str
    version: int
    current: bool
    imported_at: str
    imported_by: str | None
    source: str
    content_hash: str
    respondents: int
    overall_score: float | None
    overall_level: str | None


@dataclass(frozen=True)
class StoredAssessment:
    """A version with its assessment, for export."""

    info: Version
    assessment: Assessment


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _is_sqlite_busy(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", exc)
    text = str(orig).lower()
    return isinstance(orig, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def _is_conflict(exc: BaseException) -> bool:
    """A unique-key race with another importer (PostgreSQL); trying again resolves it."""
    return isinstance(exc, IntegrityError) and "uq_version" in str(exc.orig)


class Store:
    """An open store. Use `open_store`; close with `close()` or a `with` block."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.name = name
        self._frameworks: dict[int, tuple[Framework, str, str]] = {}

    def __enter__(self) -> Store:
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

    # Import.

    def _definition(self, fw: Framework) -> tuple[str, str]:
        """The framework's canonical JSON and its hash, worked out once per framework."""
        known = self._frameworks.get(id(fw))
        if known is None or known[0] is not fw:
            definition = canonical_json(fw.model_dump(mode="json"))
            digest = hashlib.sha256(definition.encode("utf-8")).hexdigest()
            known = self._frameworks[id(fw)] = (fw, definition, digest)
        return known[1], known[2]

    def add(
        self,
        assessment: Assessment,
        fw: Framework,
        result: Score,
        source: str,
        by: str | None = None,
        when: dt.datetime | None = None,
    ) -> Outcome:
        """Store one scored assessment as a new version, in one transaction.

        Identical content already current (same hash, same framework version) is
        `unchanged` and writes nothing; otherwise the new version becomes current.
        """
        return self.store(Checked.of(Path(source), assessment, fw, result), by, when)

    def store(
        self, item: Checked, by: str | None = None, when: dt.datetime | None = None
    ) -> Outcome:
        """Store one checked file as a new version (see `add`), in one transaction."""
        fw = item.framework
        digest = item.content_hash
        definition, fw_hash = self._definition(fw)
        stamp = (when or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        keys = {"k_fid": fw.id, "k_unit": item.unit, "k_period": item.period}

        def work(conn: Connection) -> Outcome:
            known = conn.execute(_FRAMEWORK_HASH, {"k_fid": fw.id, "k_fver": fw.version}).scalar()
            if known is None:
                conn.execute(
                    frameworks_table.insert(),
                    {"id": fw.id, "version": fw.version, "definition": definition,
                     "content_hash": fw_hash},
                )  # fmt: skip
            elif known != fw_hash:
                raise RejectedError(
                    f"framework '{fw.id}' version {fw.version} differs from the one already in "
                    f"{self.name}; give a changed framework a new version"
                )
            current = conn.execute(_CURRENT, keys).first()
            if current is not None and (current[1], current[2]) == (digest, fw.version):
                return Outcome("unchanged", current[0])
            number = (conn.execute(_LATEST, keys).scalar() or 0) + 1
            if current is not None:
                conn.execute(_RETIRE, keys)
            row = {
                "framework_id": fw.id,
                "framework_version": fw.version,
                "unit": item.unit,
                "period": item.period,
                "version": number,
                "current": True,
                "imported_at": stamp,
                "imported_by": by or item.submitted_by,
                "source": item.path.name,
                "content_hash": digest,
                "respondents": item.respondents,
                "overall_score": item.overall_score,
                "overall_level": item.overall_level,
                "assessment": item.assessment_json,
                "score": item.score_json,
                "summary": item.summary_json,
            }
            conn.execute(versions_table.insert(), row)
            if current is None:
                return Outcome("imported", number)
            return Outcome("revised", number, current[0])

        return self._run(work, write=True)

    # Queries.

    def _versions(self, where: Any, columns: list[Any]) -> list[Any]:
        v = versions_table
        stmt = select(*columns).where(where).order_by(v.c.framework_id, v.c.period, v.c.version)
        return self._run(lambda conn: list(conn.execute(stmt)), write=False)

    def history(self, unit: str, framework_id: str | None = None) -> list[Version]:
        """Every version of a unit's assessments, oldest first within each period."""
        v = versions_table
        where = v.c.unit == unit
        if framework_id is not None:
            where = where & (v.c.framework_id == framework_id)
        return [_version(row) for row in self._versions(where, _INFO_COLUMNS)]

    def units_like(self, unit: str) -> list[str]:
        """Stored units under `unit` or whose last part matches it, for a helpful error."""
        v = versions_table
        last = unit.rsplit("/", 1)[-1].lower()

        def work(conn: Connection) -> list[str]:
            rows = conn.execute(select(v.c.unit).distinct().order_by(v.c.unit))
            return [
                r[0]
                for r in rows
                if r[0].startswith(unit + "/") or r[0].rsplit("/", 1)[-1].lower() == last
            ]

        return self._run(work, write=False)

    def framework_ids(self) -> list[str]:
        f = frameworks_table
        stmt = select(f.c.id).distinct().order_by(f.c.id)
        return self._run(lambda conn: [r[0] for r in conn.execute(stmt)], write=False)

    def frameworks(self, framework_id: str) -> list[Framework]:
        """Every stored version of a framework, as used by its scores."""
        f = frameworks_table
        stmt = select(f.c.definition).where(f.c.id == framework_id)
        rows = self._run(lambda conn: [r[0] for r in conn.execute(stmt)], write=False)
        return [Framework.model_validate_json(text, strict=False) for text in rows]

    def versions_in_use(self, framework_id: str) -> list[str]:
        """The framework versions behind the current scores."""
        v = versions_table
        stmt = (
            select(v.c.framework_version)
            .distinct()
            .where((v.c.framework_id == framework_id) & v.c.current)
        )
        return self._run(lambda conn: sorted(r[0] for r in conn.execute(stmt)), write=False)

    def periods(self, framework_id: str) -> list[str]:
        v = versions_table
        stmt = (
            select(v.c.period)
            .distinct()
            .where((v.c.framework_id == framework_id) & v.c.current)
            .order_by(v.c.period)
        )
        return self._run(lambda conn: [r[0] for r in conn.execute(stmt)], write=False)

    def scores(
        self,
        framework_id: str,
        periods: list[str] | None = None,
        with_criteria: bool = False,
    ) -> list[Score]:
        """The current scores of a framework, all periods or the ones given.

        Without criteria (the default) only domain and overall results are read: the
        benchmark needs no more, and it keeps a large store fast and small in memory.
        """
        v = versions_table
        column = v.c.score if with_criteria else v.c.summary
        where = (v.c.framework_id == framework_id) & v.c.current
        if periods is not None:
            where = where & v.c.period.in_(periods)
        stmt = select(column).where(where).order_by(v.c.period, v.c.unit)
        rows = self._run(lambda conn: [r[0] for r in conn.execute(stmt)], write=False)
        return [Score.model_validate_json(text) for text in rows]

    def benchmark_scores(self, framework_id: str, period: str | None = None) -> list[Score]:
        """What a benchmark of `period` (None: every period) needs, read as cheaply as it can be.

        One period: that period and the one before in full (for the change), and only the
        overall scores of earlier ones (for the trend). Several framework versions in use:
        every score with its criteria, so they can be compared on the criteria they share.
        """
        periods = self.periods(framework_id)
        several = len(self.versions_in_use(framework_id)) > 1
        if period is None or several:
            wanted = None if period is None else [p for p in periods if p <= period]
            return self.scores(framework_id, wanted, with_criteria=several)
        earlier = [p for p in periods if p < period]
        return self.overall_scores(framework_id, earlier[:-1]) + self.scores(
            framework_id, [*earlier[-1:], period]
        )

    def overall_scores(self, framework_id: str, periods: list[str]) -> list[Score]:
        """Current scores of the periods given with only their overall result filled in.

        Read from plain columns, without parsing the stored JSON: a trend across many
        periods needs no more, and a large store answers many times faster.
        """
        v = versions_table
        where = (v.c.framework_id == framework_id) & v.c.current & v.c.period.in_(periods)
        stmt = select(
            v.c.unit, v.c.period, v.c.respondents, v.c.overall_score, v.c.overall_level,
            v.c.framework_version,
        ).where(where).order_by(v.c.period, v.c.unit)  # fmt: skip
        rows = self._run(lambda conn: list(conn.execute(stmt)), write=False)
        # model_validate on small dicts runs in pydantic's compiled core: three times
        # quicker than model_construct.
        return [
            Score.model_validate(
                {
                    "framework": {"id": framework_id, "version": version},
                    "unit": unit,
                    "period": period,
                    "respondents": respondents,
                    "overall": {
                        "score": score,
                        "level": level,
                        "rating": None,
                        "completeness": 1.0,
                    },
                    "domains": [],
                    "criteria": [],
                }
            )
            for unit, period, respondents, score, level, version in rows
        ]

    def assessments(
        self, all_versions: bool = False, unit: str | None = None, period: str | None = None
    ) -> list[StoredAssessment]:
        """Stored assessments, current ones only unless `all_versions`; of one unit or period."""
        v = versions_table
        conditions: list[Any] = [] if all_versions else [v.c.current]
        if unit is not None:
            conditions.append(v.c.unit == unit)
        if period is not None:
            conditions.append(v.c.period == period)
        where = and_(true(), *conditions)
        rows = self._versions(where, [*_INFO_COLUMNS, v.c.assessment])
        return [
            StoredAssessment(
                _version(row[:-1]), Assessment.model_validate_json(row[-1], strict=False)
            )
            for row in rows
        ]


_INFO_COLUMNS = [
    versions_table.c.framework_id,
    versions_table.c.framework_version,
    versions_table.c.unit,
    versions_table.c.period,
    versions_table.c.version,
    versions_table.c.current,
    versions_table.c.imported_at,
    versions_table.c.imported_by,
    versions_table.c.source,
    versions_table.c.content_hash,
    versions_table.c.respondents,
    versions_table.c.overall_score,
    versions_table.c.overall_level,
]


def _version(row: Any) -> Version:
    values = dict(zip(Version.__dataclass_fields__, row, strict=True))
    values["current"] = bool(values["current"])
    return Version(**values)


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


def open_store(url: str = DEFAULT_STORE, create: bool = False) -> Store:
    """Open a store by SQLite file path or SQLAlchemy URL, creating or migrating its schema.

    Without `create`, a store that does not exist yet is an error, and nothing is created.
    """
    name = display_name(url)
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
        url = sqlite_url(path)
    try:
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise MaturityError(f"{name}: cannot use this store URL ({exc})") from None
    if engine.dialect.name == "sqlite":
        _sqlite_events(engine)
    store = Store(engine, name)
    try:
        store.migrate(create)
    except BaseException:
        store.close()
        raise
    return store


def _has_sqlite_header(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


@dataclass(frozen=True)
class Checked:
    """A file that passed every check, scored, kept as text ready to store.

    Text, not models: an import validates every file before storing any, and ten
    thousand scored models would take gigabytes where their JSON takes a hundred MB.
    """

    path: Path
    framework: Framework
    unit: str
    period: str
    respondents: int
    submitted_by: str | None
    assessment_json: str
    content_hash: str
    score_json: str
    summary_json: str
    overall_score: float | None
    overall_level: str | None

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent between processes with the framework by reference (`id@version`): a framework
        # is 100 KB of JSON, and the receiving process loads each one once.
        fields = {k: v for k, v in self.__dict__.items() if k != "framework"}
        return (_checked_from, (self.framework.ref, fields))

    @classmethod
    def of(cls, path: Path, assessment: Assessment, fw: Framework, result: Score) -> Checked:
        text = canonical_json(assessment.model_dump(mode="json"))
        return cls(
            path=path,
            framework=fw,
            unit=assessment.unit,
            period=assessment.period,
            respondents=assessment.respondents,
            submitted_by=assessment.submitted_by,
            assessment_json=text,
            content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            score_json=result.model_dump_json(),
            summary_json=result.model_copy(update={"criteria": []}).model_dump_json(),
            overall_score=result.overall.score,
            overall_level=result.overall.level,
        )


def _checked_from(framework_ref: str, fields: dict[str, Any]) -> Checked:
    from maturity.files.catalog import load_framework

    return Checked(framework=load_framework(framework_ref), **fields)
