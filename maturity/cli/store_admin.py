"""`maturity store upgrade|copy|backup`: looking after the store itself."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from maturity.cli.store import open_store, store_option

if TYPE_CHECKING:
    from maturity.store.copying import TableDigest


@click.group(name="store")
def store_group() -> None:
    """Look after the store: upgrade its schema, copy it, back it up.

    \b
    Example:
        maturity store upgrade --store maturity.db
    """


@store_group.command()
@store_option
def upgrade(store_url: str) -> None:
    """Bring the store's schema up to date; every version is kept.

    Other commands refuse a store made by an older maturity until it is upgraded. A
    store is never downgraded: back it up first (`maturity store backup`, or pg_dump).

    \b
    Example:
        maturity store upgrade --store maturity.db
    """
    from maturity.store import migrations

    with open_store(store_url, upgrade=True) as store:
        head = migrations.head()
        if store.schema_before == head:
            click.echo(f"{store.name} is up to date (schema {head})")
        else:
            click.echo(f"{store.name}: upgraded from schema {store.schema_before} to {head}")


def _summary(digests: dict[str, TableDigest]) -> str:
    return "rows: " + ", ".join(f"{name} {d.rows}" for name, d in digests.items())


@store_group.command()
@click.argument("source", metavar="SRC")
@click.argument("dest", metavar="DEST")
@click.option("--force", is_flag=True, help="Replace whatever DEST already holds.")
def copy(source: str, dest: str, force: bool) -> None:
    """Copy a store to another: SQLite to PostgreSQL, or back.

    SRC and DEST are SQLite files or SQLAlchemy URLs. Everything is copied (frameworks,
    every version of every assessment, and every other table), in one transaction; at
    the end each table's row count and content hash are compared with the source's,
    and DEST is left as it was if they differ. A DEST that holds anything is refused
    without --force. SRC may be in use meanwhile: it is read in one snapshot.

    \b
    Example:
        maturity store copy maturity.db postgresql+psycopg://maturity@db.example/maturity
    """
    from maturity.store.connection import display_name
    from maturity.store.copying import copy as copy_stores

    digests = copy_stores(source, dest, force)
    click.echo(f"copied {display_name(source)} to {display_name(dest)}: {_summary(digests)}")
    click.echo("checked: every table's row count and content hash match the source's")


@store_group.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@store_option
def backup(file: Path, force: bool, store_url: str) -> None:
    """Back up a SQLite store to FILE, even while others write to it.

    Uses SQLite's online backup; FILE appears only once it is complete and has passed
    SQLite's integrity check. For a PostgreSQL store use pg_dump instead.

    \b
    Example:
        maturity store backup backups/maturity-2026-03-31.db
    """
    from maturity.store.connection import display_name
    from maturity.store.copying import backup as backup_store

    digests = backup_store(store_url, file, force)
    click.echo(f"backed up {display_name(store_url)} to {file}: {_summary(digests)}")
