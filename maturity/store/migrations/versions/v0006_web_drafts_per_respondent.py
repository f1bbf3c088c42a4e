"""Web drafts per respondent: each person filling in a unit-period has their own answers.

Revision ID: 0006
Revises: 0005

`web_drafts` gains `respondent` (the user's email; '' for a team draft made before this
revision, which stays shared as it was), and its unique key becomes unit, period and
respondent. SQLite cannot drop a table's unique constraint, so there the table is
rebuilt (batch mode). The store runs with foreign keys on, and dropping the old table
would orphan the evidence register's rows, so on SQLite the register is set aside
first and put back, with the same ids, once the rebuilt table is in place.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

EVIDENCE = "id, draft_id, ref, kind, text, filename, media_type, sha256, size, added_by, added_at"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute(f"CREATE TEMPORARY TABLE evidence_0006 AS SELECT {EVIDENCE} FROM web_evidence")
        op.drop_table("web_evidence")
    with op.batch_alter_table("web_drafts") as batch:
        batch.add_column(sa.Column("respondent", sa.String(320), nullable=False, server_default=""))
        batch.drop_constraint("uq_web_draft", type_="unique")
        batch.create_unique_constraint("uq_web_draft", ["unit", "period", "respondent"])
    if sqlite:
        op.create_table(  # as revision 0004 made it
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
        op.execute(f"INSERT INTO web_evidence ({EVIDENCE}) SELECT {EVIDENCE} FROM evidence_0006")
        op.execute("DROP TABLE evidence_0006")
