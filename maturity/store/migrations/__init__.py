"""The store's schema migrations, run by Alembic and configured from here (no alembic.ini).

Each revision is a file `versions/vNNNN_what_it_does.py` whose revision id is the
four-digit sequence number NNNN ("0001", "0002", ...), revising the one before it. The
number is also the store's schema version: it is written to `meta.schema_version`, so an
older maturity refuses a store that a newer one has upgraded, and the head is read from
the file names without importing Alembic (read-only commands stay fast).

How to add a revision (a new table, column or index):

1. Change the tables in `maturity/store/schema.py`: they are what a new store must have.
   Put a new table in its `metadata` (in a module of your own if you like, as long as it
   uses that `metadata`): `maturity store copy` copies, and checks, every table in it.
2. Write the step: `python -m maturity.store.migrations new "add respondents table"`
   creates `versions/vNNNN_add_respondents_table.py` revising the current head. Fill in
   `upgrade()` with `op.create_table(...)`, `op.add_column(...)`, `op.create_index(...)`;
   on SQLite, change an existing table's columns or constraints inside
   `with op.batch_alter_table("name") as batch:`. Spell the step out in full rather than
   importing tables from `schema.py`, which will keep changing after the step is written.
3. Run `pytest tests/test_migrations.py`: it checks that the revisions form one line
   (two branches that both added 0002 must renumber one of them when they meet), that a
   store made by the first release upgrades on every engine and keeps every version, and
   that upgrading gives exactly the tables, columns and indexes of `schema.py`.

A store is never downgraded: `maturity store backup` (SQLite) or `pg_dump` first.
`maturity store upgrade` runs the steps; every other command opening an older store says
so in one line, and a new store is created by running them all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection

LOCATION = Path(__file__).resolve().parent
_REVISION_FILE = re.compile(r"v(\d{4})_\w+\.py")


def head() -> int:
    """The newest schema version this maturity knows: the highest revision file's number."""
    return max(numbers()) if numbers() else 0


def numbers() -> list[int]:
    """The revision numbers found in `versions/`, in order."""
    found = (_REVISION_FILE.fullmatch(p.name) for p in (LOCATION / "versions").iterdir())
    return sorted(int(m[1]) for m in found if m)


def revision_id(number: int) -> str:
    return f"{number:04d}"


def config() -> Config:
    """Alembic's configuration, made in code: where the steps are and how files are named."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(LOCATION))
    cfg.set_main_option("file_template", "v%%(rev)s_%%(slug)s")
    return cfg


def upgrade(conn: Connection, current: int, to: int | None = None) -> None:
    """Run every step after schema version `current` (0: an empty database), in `conn`.

    Up to the head, or to schema version `to` (tests build old stores with it).
    The caller holds the transaction: on SQLite and PostgreSQL the DDL is transactional,
    so a failed step leaves the store as it was.
    """
    from alembic.runtime.environment import EnvironmentContext
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = config()
    script = ScriptDirectory.from_config(cfg)
    if current and MigrationContext.configure(conn).get_current_revision() is None:
        # A store made before migrations ran through Alembic (schema 1 had no
        # alembic_version table): record where it stands, then go on from there.
        MigrationContext.configure(conn).stamp(script, revision_id(current))

    def steps(revision: Any, _context: Any) -> Any:  # from where alembic_version says it is
        return script._upgrade_revs(destination, revision)

    destination = "head" if to is None else revision_id(to)
    with EnvironmentContext(cfg, script, fn=steps, destination_rev=destination) as env:
        env.configure(connection=conn)
        env.run_migrations()
