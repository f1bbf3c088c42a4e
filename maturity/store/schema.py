"""The store's tables and indexes: what a new store has after every migration has run.

Each version row holds the assessment itself (canonical JSON of the `Assessment`
model), its `Score` computed on import, and the framework id and version that
produced it; the framework's definition is kept too, so old scores stay explainable.
One version per (framework, unit, period) is marked current; nothing is deleted.

Schema 2 adds what lies behind a version: each respondent's `submissions` (versioned,
a withdrawal is a version without content), the `review_steps` and `moderations` of a
unit-period, the `units` the store knows, the `unit_changes` (renames and moves), and
frameworks `registered` with `maturity framework add`. An `assessment_versions` row is
then the merged result of a unit-period's current submissions, with moderation applied.

Schema 4 adds the web application's tables (`web_*`). Schema 5 adds staff consultations
(`maturity consult`, kept by `consultations.py`): `consultations`, their redacted
`consultation_responses` (the original text never reaches the store), and officers'
`consultation_corrections` to the mapping, per consultation and framework.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()
meta_table = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
)
frameworks_table = Table(
    "frameworks",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("version", String(32), primary_key=True),
    Column("definition", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    # Registered with `maturity framework add` (a council's own), not only used by an import.
    Column("registered_at", String(32)),
    Column("registered_by", String(200)),
)
versions_table = Table(
    "assessment_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("framework_id", String(64), nullable=False),
    Column("framework_version", String(32), nullable=False),
    Column("unit", String(1000), nullable=False),
    Column("period", String(7), nullable=False),
    Column("version", Integer, nullable=False),
    Column("current", Boolean, nullable=False),
    Column("imported_at", String(32), nullable=False),
    Column("imported_by", String(200)),
    Column("source", String(1000), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("respondents", Integer, nullable=False),
    Column("overall_score", Float),
    Column("overall_level", String(64)),
    Column("assessment", Text, nullable=False),
    Column("score", Text, nullable=False),
    Column("summary", Text, nullable=False),
    UniqueConstraint("framework_id", "unit", "period", "version", name="uq_version"),
    ForeignKeyConstraint(
        ["framework_id", "framework_version"], ["frameworks.id", "frameworks.version"]
    ),
    Index("ix_current", "framework_id", "current", "period"),
    Index("ix_unit", "unit", "framework_id", "period"),
    # One current version per key, and the per-file lookup's index (migration 0002).
    Index(
        "uq_current",
        "unit",
        "framework_id",
        "period",
        unique=True,
        sqlite_where=text("current = 1"),
        postgresql_where=text("current"),
    ),
)
submissions_table = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("framework_id", String(64), nullable=False),
    Column("framework_version", String(32), nullable=False),
    Column("unit", String(1000), nullable=False),
    Column("period", String(7), nullable=False),
    Column("respondent", String(200), nullable=False),
    Column("respondent_group", String(200)),
    Column("version", Integer, nullable=False),
    Column("current", Boolean, nullable=False),
    Column("withdrawn", Boolean, nullable=False),
    Column("imported_at", String(32), nullable=False),
    Column("imported_by", String(200)),
    Column("source", String(1000), nullable=False),
    Column("content_hash", String(64)),
    Column("assessment", Text),
    UniqueConstraint(
        "framework_id", "unit", "period", "respondent", "version", name="uq_submission"
    ),
    ForeignKeyConstraint(
        ["framework_id", "framework_version"], ["frameworks.id", "frameworks.version"]
    ),
    Index("ix_submission", "framework_id", "unit", "period", "current"),
)
review_table = Table(
    "review_steps",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("framework_id", String(64), nullable=False),
    Column("unit", String(1000), nullable=False),
    Column("period", String(7), nullable=False),
    Column("status", String(16), nullable=False),
    Column("by", String(200), nullable=False),
    Column("at", String(32), nullable=False),
    Column("comment", Text),
    Column("result_version", Integer),
    Index("ix_review", "framework_id", "unit", "period"),
)
moderations_table = Table(
    "moderations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("framework_id", String(64), nullable=False),
    Column("unit", String(1000), nullable=False),
    Column("period", String(7), nullable=False),
    Column("criterion", String(200), nullable=False),
    Column("level", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("moderator", String(200), nullable=False),
    Column("moderated_on", String(10), nullable=False),
    Column("recorded_at", String(32), nullable=False),
    Index("ix_moderation", "framework_id", "unit", "period"),
)
units_table = Table(
    "units",
    metadata,
    Column("path", String(1000), primary_key=True),
    Column("added_at", String(32), nullable=False),
)
unit_changes_table = Table(
    "unit_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("old_path", String(1000), nullable=False),
    Column("new_path", String(1000), nullable=False),
    Column("by", String(200)),
    Column("at", String(32), nullable=False),
)

# The web application's tables (revision 0004): accounts, sign-in failures, the audit log,
# units opened on the web, assessments being filled in, and their evidence register.
web_users_table = Table(
    "web_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("unit_prefix", String(1000)),
    Column("password_hash", String(200)),
    Column("token_hash", String(64)),
    Column("token_expires", String(32)),
    Column("created_at", String(32), nullable=False),
)
web_failures_table = Table(
    "web_sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(400), nullable=False),
    Column("at", Float, nullable=False),
    Index("ix_web_failures_key", "key", "at"),
)
web_audit_table = Table(
    "web_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("who", String(320), nullable=False),
    Column("action", String(100), nullable=False),
    Column("target", String(1000), nullable=False),
    Column("before", Text),
    Column("after", Text),
)
web_units_table = Table(
    "web_units",
    metadata,
    Column("unit", String(1000), primary_key=True),
    Column("framework", String(100), nullable=False),
)
web_drafts_table = Table(
    "web_drafts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("framework", String(100), nullable=False),
    Column("unit", String(1000), nullable=False),
    Column("period", String(7), nullable=False),
    Column("status", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("assessment", Text, nullable=False),
    Column("carried", Text, nullable=False),
    Column("comment", Text),
    Column("updated_at", String(32), nullable=False),
    Column("updated_by", String(320), nullable=False),
    # Whose answers these are (revision 0006): the user's email; '' for a shared team draft.
    Column("respondent", String(320), nullable=False, server_default=""),
    UniqueConstraint("unit", "period", "respondent", name="uq_web_draft"),
)
web_files_table = Table(
    "web_files",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("content", LargeBinary, nullable=False),
)
web_evidence_table = Table(
    "web_evidence",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("draft_id", Integer, ForeignKey("web_drafts.id"), nullable=False),
    Column("ref", String(200), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("filename", String(255)),
    Column("media_type", String(100)),
    Column("sha256", String(64), ForeignKey("web_files.sha256")),
    Column("size", Integer),
    Column("added_by", String(320), nullable=False),
    Column("added_at", String(32), nullable=False),
)

consultations_table = Table(
    "consultations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("question", Text, nullable=False),
    Column("period", String(7)),
    Column("unit", String(1000)),
    Column("source", String(1000), nullable=False),
    Column("group_columns", Text, nullable=False),
    Column("imported_at", String(32), nullable=False),
    Column("imported_by", String(200)),
    UniqueConstraint("name", name="uq_consultation_name"),
)
consultation_responses_table = Table(
    "consultation_responses",
    metadata,
    Column("consultation_id", Integer, primary_key=True),
    Column("response_id", String(200), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("groups", Text, nullable=False),
    Column("redactions", Integer, nullable=False),
    ForeignKeyConstraint(["consultation_id"], ["consultations.id"]),
)
consultation_corrections_table = Table(
    "consultation_corrections",
    metadata,
    Column("consultation_id", Integer, primary_key=True),
    Column("framework_id", String(64), primary_key=True),
    Column("response_id", String(200), primary_key=True),
    Column("criteria", Text, nullable=False),
    Column("reviewed_at", String(32), nullable=False),
    Column("reviewed_by", String(200)),
    ForeignKeyConstraint(["consultation_id"], ["consultations.id"]),
)
plan_updates_table = Table(
    "plan_updates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("framework_id", String(64), nullable=False),
    Column("unit", String(1000), nullable=False),
    Column("period", String(7), nullable=False),
    Column("ref", String(200), nullable=False),
    Column("status", String(40), nullable=False),
    Column("note", Text),
    Column("by", String(320), nullable=False),
    Column("at", String(32), nullable=False),
    Index("ix_plan_updates_plan", "framework_id", "unit", "period"),
)
