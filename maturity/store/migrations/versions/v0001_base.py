"""The schema of the first release (schema 1): meta, frameworks, assessment_versions.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    meta = op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.create_table(
        "frameworks",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("version", sa.String(32), primary_key=True),
        sa.Column("definition", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "assessment_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("framework_id", sa.String(64), nullable=False),
        sa.Column("framework_version", sa.String(32), nullable=False),
        sa.Column("unit", sa.String(1000), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("current", sa.Boolean, nullable=False),
        sa.Column("imported_at", sa.String(32), nullable=False),
        sa.Column("imported_by", sa.String(200)),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("respondents", sa.Integer, nullable=False),
        sa.Column("overall_score", sa.Float),
        sa.Column("overall_level", sa.String(64)),
        sa.Column("assessment", sa.Text, nullable=False),
        sa.Column("score", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.UniqueConstraint("framework_id", "unit", "period", "version", name="uq_version"),
        sa.ForeignKeyConstraint(
            ["framework_id", "framework_version"], ["frameworks.id", "frameworks.version"]
        ),
    )
    op.create_index("ix_current", "assessment_versions", ["framework_id", "current", "period"])
    op.create_index("ix_unit", "assessment_versions", ["unit", "framework_id", "period"])
    op.bulk_insert(meta, [{"key": "schema_version", "value": "1"}])
