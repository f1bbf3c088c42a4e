"""Staff consultations: the consultations, their redacted responses, and officers'
corrections to the mapping of responses to a framework's criteria.

Revision ID: 0005
Revises: 0004

Only new tables: nothing already stored changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("period", sa.String(7)),
        sa.Column("unit", sa.String(1000)),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("group_columns", sa.Text, nullable=False),
        sa.Column("imported_at", sa.String(32), nullable=False),
        sa.Column("imported_by", sa.String(200)),
        sa.UniqueConstraint("name", name="uq_consultation_name"),
    )
    op.create_table(
        "consultation_responses",
        sa.Column("consultation_id", sa.Integer, primary_key=True),
        sa.Column("response_id", sa.String(200), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("groups", sa.Text, nullable=False),
        sa.Column("redactions", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"]),
    )
    op.create_table(
        "consultation_corrections",
        sa.Column("consultation_id", sa.Integer, primary_key=True),
        sa.Column("framework_id", sa.String(64), primary_key=True),
        sa.Column("response_id", sa.String(200), primary_key=True),
        sa.Column("criteria", sa.Text, nullable=False),
        sa.Column("reviewed_at", sa.String(32), nullable=False),
        sa.Column("reviewed_by", sa.String(200)),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"]),
    )
