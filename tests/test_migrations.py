"""Schema migrations by Alembic: one line of revisions, old stores upgrade and keep everything."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from maturity.cli import main
from maturity.store import migrations, open_store
from maturity.store.schema import metadata

V1_STORE = Path(__file__).resolve().parent / "data" / "store-v1.db"
V1_COLUMNS = "unit, period, version, current, imported_by, source, content_hash, assessment, score"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_revisions_form_one_line_numbered_as_their_files() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrations.config())
    assert script.get_heads() == [migrations.revision_id(migrations.head())]
    chain = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert chain == [migrations.revision_id(n) for n in migrations.numbers()]
    assert chain == [migrations.revision_id(n) for n in range(1, len(chain) + 1)]


def test_a_new_store_has_exactly_the_tables_of_the_schema_module(store_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with open_store(store_url, create=True) as store:
        assert store.schema_version() == migrations.head()
        with store.engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def v1_rows() -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"file:{V1_STORE}?mode=ro", uri=True) as conn:
        rows = conn.execute(f"SELECT {V1_COLUMNS} FROM assessment_versions ORDER BY id")
        result = [tuple(row) for row in rows]
    conn.close()
    return result


def make_v1_store(store_url: str, tmp_path: Path) -> str:
    """The store made by the first release (tests/data/store-v1.db), on the engine given.

    On PostgreSQL: schema 1 as that release created it (no alembic_version table), with
    every row of the SQLite file copied in.
    """
    if "://" not in store_url:
        shutil.copyfile(V1_STORE, store_url)
        return store_url
    engine = create_engine(store_url)
    with engine.begin() as conn:
        migrations.upgrade(conn, 0, to=1)
        conn.execute(text("DROP TABLE alembic_version"))
        source = sqlite3.connect(f"file:{V1_STORE}?mode=ro", uri=True)
        for table in ("frameworks", "assessment_versions"):
            cursor = source.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor]
            if table == "assessment_versions":
                for row in rows:
                    row["current"] = bool(row["current"])
            placeholders = ", ".join(f":{n}" for n in names)
            conn.execute(
                text(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({placeholders})"), rows
            )
        # Rows copied with their ids leave the id sequence behind; a real store's is not.
        conn.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('assessment_versions', 'id'), "
                "(SELECT max(id) FROM assessment_versions))"
            )
        )
        source.close()
    engine.dispose()
    return store_url


def test_a_store_of_the_first_release_upgrades_and_keeps_every_version(
    store_url: str, tmp_path: Path
) -> None:
    url = make_v1_store(store_url, tmp_path)
    expected = v1_rows()
    assert len(expected) == 5  # three units and periods; one of them revised twice
    head = migrations.head()
    if head > 1:
        code, _, err = run("history", "City Council/Housing", "--store", url)
        assert code == 1
        assert err == (
            f"Error: {_name(url)} needs upgrading (schema 1; this "
            f"maturity uses {head}): run maturity store upgrade --store {_name(url)}\n"
        )
    code, out, err = run("store", "upgrade", "--store", url)
    assert code == 0, err
    assert out == (
        f"{_name(url)}: upgraded from schema 1 to {head}\n"
        if head > 1
        else f"{_name(url)} is up to date (schema 1)\n"
    )
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT {V1_COLUMNS} FROM assessment_versions ORDER BY id"))
        assert [(*row[:3], bool(row[3]), *row[4:]) for row in rows] == [
            (*row[:3], bool(row[3]), *row[4:]) for row in expected
        ]
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            migrations.revision_id(head)
        )
        assert conn.execute(text("SELECT value FROM meta")).scalar() == str(head)
    engine.dispose()
    code, out, _ = run("store", "upgrade", "--store", url)
    assert (code, out) == (0, f"{_name(url)} is up to date (schema {head})\n")
    with open_store(url) as store:
        history = store.history("City Council/Housing")
        assert [(v.period, v.version, v.current) for v in history] == [
            ("2024/25", 1, True), ("2025/26", 1, False), ("2025/26", 2, False),
            ("2025/26", 3, True),
        ]  # fmt: skip


def _name(url: str) -> str:
    from maturity.store import display_name

    return display_name(url)


def test_a_new_revision_is_written_after_the_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from maturity.store.migrations.__main__ import main as migrations_main

    copy = tmp_path / "migrations"
    shutil.copytree(migrations.LOCATION, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrations, "LOCATION", copy)
    head = migrations.head()
    assert migrations_main(["new", "add respondents table"]) == 0
    assert migrations.head() == head + 1
    written = copy / "versions" / f"v{head + 1:04d}_add_respondents_table.py"
    source = written.read_text()
    assert f'\nrevision = "{head + 1:04d}"\n' in source
    assert f'\ndown_revision = "{head:04d}"\n' in source
    assert migrations_main(["new"]) == 2


def test_web_drafts_with_evidence_upgrade_to_drafts_per_respondent(store_url: str) -> None:
    """Revision 0006 rebuilds `web_drafts` on SQLite; the evidence pointing at its rows
    (foreign keys on, as the store runs) and the drafts themselves are kept."""
    url = store_url if "://" in store_url else f"sqlite:///{store_url}"
    engine = create_engine(url)
    with engine.begin() as conn:
        migrations.upgrade(conn, 0, to=4)
        conn.execute(
            text(
                "INSERT INTO web_drafts (id, framework, unit, period, status, version, assessment,"
                " carried, updated_at, updated_by) VALUES (7, 'edi-maturity@1.0', 'Housing',"
                " '2025/26', 'in_progress', 3, '{}', '[]', 'now', 'team@example.org')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO web_evidence (draft_id, ref, kind, text, added_by, added_at)"
                " VALUES (7, 'a.b', 'text', 'The policy', 'team@example.org', 'now')"
            )
        )
    engine.dispose()
    code, _, err = run("store", "upgrade", "--store", store_url)
    assert code == 0, err
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(url)
    with engine.connect() as conn:
        # The rebuilt tables are exactly the schema's, foreign keys included.
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        drafts = conn.execute(text("SELECT id, unit, version, respondent FROM web_drafts")).all()
        evidence = conn.execute(text("SELECT draft_id, text FROM web_evidence")).all()
        # A second respondent's draft of the same unit-period is allowed now.
        conn.execute(
            text(
                "INSERT INTO web_drafts (framework, unit, period, status, version, assessment,"
                " carried, updated_at, updated_by, respondent) VALUES ('edi-maturity@1.0',"
                " 'Housing', '2025/26', 'in_progress', 1, '{}', '[]', 'now', 'b@example.org',"
                " 'b@example.org')"
            )
        )
        conn.rollback()
    engine.dispose()
    assert [tuple(r) for r in drafts] == [(7, "Housing", 3, "")]
    assert [tuple(r) for r in evidence] == [(7, "The policy")]
