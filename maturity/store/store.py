"""The assessment store: every imported assessment kept as an immutable, scored version.

An edge module over SQLAlchemy 2 (Core, no ORM). `Store` is composed of the parts in
the modules beside this one: `connection` (engine, retries, errors), `migrating`
(schema version), `writing` (adding versions), `reading` (history and scores),
`reviewing` (submissions, withdrawals, review steps, moderation), `registry` (frameworks
registered with `maturity framework add`), `units` (the unit tree, renames) and
`consultations` (staff consultations).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from maturity.store.connection import DEFAULT_STORE, connect
from maturity.store.consultations import Consulting
from maturity.store.migrating import Migrating
from maturity.store.reading import Reading
from maturity.store.registry import Registry
from maturity.store.reviewing import Reviewing
from maturity.store.units import Units

if TYPE_CHECKING:
    from sqlalchemy.engine import URL


class Store(Reviewing, Registry, Units, Reading, Consulting, Migrating):
    """An open store. Use `open_store`; close with `close()` or a `with` block."""


def open_store(
    url: str | URL = DEFAULT_STORE, create: bool = False, upgrade: bool = False
) -> Store:
    """Open a store by SQLite file path or SQLAlchemy URL; with `create`, make it if new.

    Without `create`, a store that does not exist yet is an error, and nothing is created.
    A store of an older schema is an error that says to upgrade, unless `upgrade`.
    """
    engine, name = connect(url, create)
    store = Store(engine, name)
    try:
        store.migrate(create, upgrade)
    except BaseException:
        store.close()
        raise
    return store
