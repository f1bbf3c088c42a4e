"""The store: every assessment version, kept in SQLite or any SQLAlchemy database.

Callers write `from maturity.store import Store, open_store`; the parts live in
`schema`, `connection`, `migrating`, `writing` and `reading`, composed in `store`.
"""

from maturity.store.connection import DEFAULT_STORE, display_name
from maturity.store.reading import StoredAssessment, Version
from maturity.store.store import Store, open_store
from maturity.store.writing import Checked, Outcome, RejectedError, canonical_json, content_hash

__all__ = [
    "DEFAULT_STORE",
    "Checked",
    "Outcome",
    "RejectedError",
    "Store",
    "StoredAssessment",
    "Version",
    "canonical_json",
    "content_hash",
    "display_name",
    "open_store",
]
