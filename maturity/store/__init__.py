"""The store: every assessment version, kept in SQLite or any SQLAlchemy database.

Callers write `from maturity.store import Store, open_store`. The parts: `schema` (the
tables), `connection` (engine, SQLite settings, retries, errors), `migrating` with the
Alembic steps in `migrations` (schema version, upgrades), `writing` (adding versions),
`reading` (history and scores), composed into `Store` in `store`; `importing` (files
into the store) and `copying` (store to store, SQLite backups) work on top of it.
"""

from maturity.store.connection import DEFAULT_STORE, display_name
from maturity.store.reading import StoredAssessment, Version
from maturity.store.reviewing import StoredStep, StoredSubmission
from maturity.store.store import Store, open_store
from maturity.store.units import UnitChange
from maturity.store.writing import Checked, Outcome, RejectedError, canonical_json, content_hash

__all__ = [
    "DEFAULT_STORE",
    "Checked",
    "Outcome",
    "RejectedError",
    "Store",
    "StoredAssessment",
    "StoredStep",
    "StoredSubmission",
    "UnitChange",
    "Version",
    "canonical_json",
    "content_hash",
    "display_name",
    "open_store",
]
