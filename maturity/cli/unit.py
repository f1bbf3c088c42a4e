"""`maturity unit ...`: the unit tree the store knows; renaming or moving a unit."""

from __future__ import annotations

import click

from maturity.cli.store import check_unit, open_store, store_option


@click.group()
def unit() -> None:
    """The units the store knows: list, add, rename or move.

    \b
    Example:
        maturity unit list
    """


@unit.command(name="list")
@store_option
def list_units(store_url: str) -> None:
    """List the units the store knows, as a tree.

    \b
    Example:
        maturity unit list --store maturity.db
    """
    with open_store(store_url) as store:
        paths = store.units()
    for path in paths:
        depth = path.count("/")
        click.echo("  " * depth + path.rsplit("/", 1)[-1])


@unit.command()
@click.argument("path")
@store_option
def add(path: str, store_url: str) -> None:
    """Add a unit (and the units above it), so that `import --strict-units` accepts it.

    \b
    Example:
        maturity unit add "City Council/Housing/Housing Options"
    """
    path = check_unit(path)
    with open_store(store_url, create=True) as store:
        new = store.add_unit(path)
    click.echo(f"{path}: {'added' if new else 'already known'}")


@unit.command()
@click.argument("old")
@click.argument("new")
@click.option("--by", help="Who renames it (kept with the change).")
@store_option
def rename(old: str, new: str, by: str | None, store_url: str) -> None:
    """Rename or move a unit, with the units below it and all their history.

    Results, submissions, review steps and moderation move to the new path; the
    change is recorded and shows in `maturity history`. Files that still name the old
    unit would bring it back as a new unit: update them too.

    \b
    Example:
        maturity unit rename "City Council/Housing" "City Council/Housing and Homes"
    """
    old, new = check_unit(old), check_unit(new)
    with open_store(store_url) as store:
        moved = store.rename_unit(old, new, by=by)
    click.echo(f"{old} -> {new}: {moved} records moved")
