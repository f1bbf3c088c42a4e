"""The assessment store: every imported assessment kept as an immutable, scored version.

An edge module over SQLAlchemy 2 (Core, no ORM). `Store` is composed of the parts in
the modules beside this one: `connection` (engine, retries, errors), `migrating`
(schema version), `writing` (adding versions), `reading` (history and scores) and
`consultations` (staff consultations).
"""

from __future__ import annotations

from maturity.store.connection import DEFAULT_STORE, connect
from maturity.store.consultations import Consulting
from maturity.store.migrating import Migrating
from maturity.store.reading import Reading
from maturity.store.writing import Writing


class Store(Writing, Reading, Consulting, Migrating):
    """An open store. Use `open_store`; close with `close()` or a `with` block."""


def open_store(url: str = DEFAULT_STORE, create: bool = False) -> Store:
    """Open a store by SQLite file path or SQLAlchemy URL, creating or migrating its schema.

    Without `create`, a store that does not exist yet is an error, and nothing is created.
    """
    engine, name = connect(url, create)
    store = Store(engine, name)
    try:
        store.migrate(create)
    except BaseException:
        store.close()
        raise
    return store
