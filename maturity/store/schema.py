"""The store's tables and indexes, and the schema version this maturity writes.

Each version row holds the assessment itself (canonical JSON of the `Assessment`
model), its `Score` computed on import, and the framework id and version that
produced it; the framework's definition is kept too, so old scores stay explainable.
One version per (framework, unit, period) is marked current; nothing is deleted.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = 2
"""1: assessments and frameworks; 2: consultations (`consultations.py`)."""

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
)
