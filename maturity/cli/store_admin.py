"""`maturity store upgrade|copy|backup`: looking after the store itself."""

from __future__ import annotations

import click

from maturity.cli.store import open_store, store_option


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
    """Bring the store's schema up to date with this maturity; every version is kept.

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
