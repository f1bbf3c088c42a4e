"""The web application's tables: users, sign-in failures, the audit log, units opened on
the web, assessments being filled in (with a version number), and their evidence register
with its files (kept in the store by content hash).

Revision ID: 0004
Revises: 0003

Only new tables: nothing already stored changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("unit_prefix", sa.String(1000)),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("token_hash", sa.String(64)),
        sa.Column("token_expires", sa.String(32)),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "web_sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_web_failures_key", "web_sign_in_failures", ["key", "at"])
    op.create_table(
        "web_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("who", sa.String(320), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("target", sa.String(1000), nullable=False),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text),
    )
    op.create_table(
        "web_units",
        sa.Column("unit", sa.String(1000), primary_key=True),
        sa.Column("framework", sa.String(100), nullable=False),
    )
    op.create_table(
        "web_drafts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("framework", sa.String(100), nullable=False),
        sa.Column("unit", sa.String(1000), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("assessment", sa.Text, nullable=False),
        sa.Column("carried", sa.Text, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("updated_by", sa.String(320), nullable=False),
        sa.UniqueConstraint("unit", "period", name="uq_web_draft"),
    )
    op.create_table(
        "web_files",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "web_evidence",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("web_drafts.id"), nullable=False),
        sa.Column("ref", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("filename", sa.String(255)),
        sa.Column("media_type", sa.String(100)),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("web_files.sha256")),
        sa.Column("size", sa.Integer),
        sa.Column("added_by", sa.String(320), nullable=False),
        sa.Column("added_at", sa.String(32), nullable=False),
    )
