"""At most one current version per framework, unit and period, found by an index led by the unit.

Revision ID: 0002
Revises: 0001

Storing a file looks up the current version of its (framework, unit, period) and retires
it. Without statistics SQLite chose `ix_current (framework_id, current, period)` for that,
scanning every unit already stored in the period: importing grew with the square of the
units per period (10,000 units x 1 period ran at 54 files/s). This unique partial index
answers the lookup in one probe on both engines, and makes two concurrent importers unable
to leave two current versions of one key on PostgreSQL: the second one's insert fails,
its transaction is retried, and it finds the first one's version.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "uq_current",
        "assessment_versions",
        ["unit", "framework_id", "period"],
        unique=True,
        # Written as each engine renders `WHERE current` in the store's queries, so that
        # SQLite, which matches a partial index's condition by its form, uses it.
        sqlite_where=sa.text("current = 1"),
        postgresql_where=sa.text("current"),
    )
