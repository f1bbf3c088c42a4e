"""Action-plan progress from the web: each status update on a plan item, appended.

Revision ID: 0007
Revises: 0006

Only a new table: nothing already stored changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_updates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("framework_id", sa.String(64), nullable=False),
        sa.Column("unit", sa.String(1000), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("ref", sa.String(200), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("by", sa.String(320), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
    op.create_index("ix_plan_updates_plan", "plan_updates", ["framework_id", "unit", "period"])
