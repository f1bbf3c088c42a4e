"""Respondents' submissions, review steps, moderation records, the unit tree, registered frameworks.

Revision ID: 0003
Revises: 0002

Nothing is lost: every result version stays as it was. Each unit-period's current
version becomes its respondent's first submission (the respondent it names, or the
file it came from), so re-importing that file is `unchanged` and the other
respondents' files join it; every unit stored, and each unit above it, is known.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePath

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("frameworks", sa.Column("registered_at", sa.String(32)))
    op.add_column("frameworks", sa.Column("registered_by", sa.String(200)))
    submissions = op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("framework_id", sa.String(64), nullable=False),
        sa.Column("framework_version", sa.String(32), nullable=False),
        sa.Column("unit", sa.String(1000), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("respondent", sa.String(200), nullable=False),
        sa.Column("respondent_group", sa.String(200)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("current", sa.Boolean, nullable=False),
        sa.Column("withdrawn", sa.Boolean, nullable=False),
        sa.Column("imported_at", sa.String(32), nullable=False),
        sa.Column("imported_by", sa.String(200)),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("assessment", sa.Text),
        sa.UniqueConstraint(
            "framework_id", "unit", "period", "respondent", "version", name="uq_submission"
        ),
        sa.ForeignKeyConstraint(
            ["framework_id", "framework_version"], ["frameworks.id", "frameworks.version"]
        ),
    )
    op.create_index("ix_submission", "submissions", ["framework_id", "unit", "period", "current"])
    op.create_table(
        "review_steps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("framework_id", sa.String(64), nullable=False),
        sa.Column("unit", sa.String(1000), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("result_version", sa.Integer),
    )
    op.create_index("ix_review", "review_steps", ["framework_id", "unit", "period"])
    op.create_table(
        "moderations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("framework_id", sa.String(64), nullable=False),
        sa.Column("unit", sa.String(1000), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("criterion", sa.String(200), nullable=False),
        sa.Column("level", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("moderator", sa.String(200), nullable=False),
        sa.Column("moderated_on", sa.String(10), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_moderation", "moderations", ["framework_id", "unit", "period"])
    units = op.create_table(
        "units",
        sa.Column("path", sa.String(1000), primary_key=True),
        sa.Column("added_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "unit_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("old_path", sa.String(1000), nullable=False),
        sa.Column("new_path", sa.String(1000), nullable=False),
        sa.Column("by", sa.String(200)),
        sa.Column("at", sa.String(32), nullable=False),
    )
    _seed(submissions, units)


def _seed(submissions: sa.Table, units: sa.Table) -> None:
    """Each current version becomes its respondent's first submission; every unit is known."""
    versions = sa.table(
        "assessment_versions",
        *(sa.column(name) for name in ("framework_id", "framework_version", "unit", "period",
                                       "imported_at", "imported_by", "source", "assessment",
                                       "current")),
    )  # fmt: skip
    rows = op.get_bind().execute(
        sa.select(
            versions.c.framework_id, versions.c.framework_version, versions.c.unit,
            versions.c.period, versions.c.imported_at, versions.c.imported_by,
            versions.c.source, versions.c.assessment,
        ).where(versions.c.current == sa.true())
    ).all()  # fmt: skip
    seeded = []
    known: dict[str, str] = {}
    for fid, fver, unit, period, at, by, source, text in rows:
        data = json.loads(text)
        # As an import names a respondent: the one the file names, else the file's name.
        data.setdefault("respondent", PurePath(source).stem or "respondent")
        stored = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        seeded.append(
            {"framework_id": fid, "framework_version": fver, "unit": unit, "period": period,
             "respondent": data["respondent"], "respondent_group": data.get("group"),
             "version": 1, "current": True, "withdrawn": False, "imported_at": at,
             "imported_by": by, "source": source, "assessment": stored,
             "content_hash": hashlib.sha256(stored.encode("utf-8")).hexdigest()}
        )  # fmt: skip
        parts = unit.split("/")
        for i in range(len(parts)):
            known.setdefault("/".join(parts[: i + 1]), at)
    if seeded:
        op.bulk_insert(submissions, seeded)
    if known:
        op.bulk_insert(units, [{"path": p, "added_at": at} for p, at in sorted(known.items())])
