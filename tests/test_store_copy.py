"""Moving stores: copy between engines with checked hashes, and SQLite's online backup."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_store import ROOT, write

from maturity.cli import main
from maturity.store import copying, display_name, migrations, open_store
from maturity.store.copying import TableDigest, digests
from maturity.store.schema import metadata

V1_STORE = Path(__file__).resolve().parent / "data" / "store-v1.db"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def digests_of(url: str) -> dict[str, TableDigest]:
    with open_store(url) as store, store.engine.connect() as conn:
        return digests(conn)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> str:
    """The first release's store, upgraded, with one more unit: five versions, one revised;
    and a staff consultation of two responses, one of them corrected in review."""
    db = tmp_path / "source.db"
    shutil.copyfile(V1_STORE, db)
    assert run("store", "upgrade", "--store", str(db))[0] == 0
    path = write(tmp_path / "in", "parks.yaml", unit="City Council/Parks")
    assert run("import", str(path), "--store", str(db))[0] == 0
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "ID,Answer\nr1,Clear routes to promotion for Black staff\n"
        "r2,Leaders who talk about race openly\n",
        encoding="utf-8",
    )
    code, _, err = run("consult", "import", str(survey), "--name", "staff", "--text-column",
                       "Answer", "--id-column", "ID", "--store", str(db))  # fmt: skip
    assert code == 0, err
    review = tmp_path / "review.csv"
    review.write_text(
        "response_id,text,suggested,criteria\nr1,,,leadership.executive-sponsor\nr2,,,\n",
        encoding="utf-8",
    )
    code, _, err = run("consult", "apply", "staff", str(review), "--framework", "edi-maturity",
                       "--store", str(db))  # fmt: skip
    assert code == 0, err
    return str(db)


@pytest.mark.parametrize("new_store_url", ["postgresql"], indirect=True)
def test_copy_to_postgresql_and_back_keeps_every_hash(
    sqlite_store: str, store_url: str, tmp_path: Path
) -> None:
    code, out, err = run("store", "copy", sqlite_store, store_url)
    assert code == 0, err
    assert out == (
        f"copied {sqlite_store} to {display_name(store_url)}: rows: consultations 1, "
        "frameworks 2, meta 1, moderations 0, plan_updates 0, "
        "review_steps 0, unit_changes 0, units 4, "
        "web_audit 0, web_drafts 0, web_files 0, web_sign_in_failures 0, web_units 0, "
        "web_users 0, assessment_versions 6, consultation_corrections 1, "
        "consultation_responses 2, submissions 4, web_evidence 0\n"
        "checked: every table's row count and content hash match the source's\n"
    )
    back = str(tmp_path / "back.db")
    code, _, err = run("store", "copy", store_url, back)
    assert code == 0, err
    original = digests_of(sqlite_store)
    assert set(original) == set(metadata.tables)  # every table of the schema is compared
    assert digests_of(store_url) == original
    assert digests_of(back) == original
    # The copy is a working store: the next version gets the next number and a new id.
    revised = write(tmp_path / "in2", "parks.yaml", unit="City Council/Parks", level="excellent")
    for url in (store_url, back):
        code, out, err = run("import", str(revised), "--store", url)
        assert code == 0, err
        assert "revised    " in out and "version 2 (was 1)" in out


def test_a_destination_that_holds_anything_needs_force(
    sqlite_store: str, new_store_url: Callable[[], str], tmp_path: Path
) -> None:
    dest = new_store_url()
    other = write(tmp_path / "other", "x.yaml", unit="City Council/Other")
    assert run("import", str(other), "--store", dest)[0] == 0
    before = digests_of(dest)
    code, _, err = run("store", "copy", sqlite_store, dest)
    assert code == 1
    assert err == (
        f"Error: {display_name(dest)} is not empty (rows: frameworks 1, units 2, "
        "assessment_versions 1, submissions 1); use --force to replace its contents\n"
    )
    assert digests_of(dest) == before
    code, _, err = run("store", "copy", sqlite_store, dest, "--force")
    assert code == 0, err
    assert digests_of(dest) == digests_of(sqlite_store)


def test_a_copy_that_does_not_check_out_leaves_the_destination_as_it_was(
    sqlite_store: str, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = copying._copy_table

    def losing(src: object, dest: object, table: object) -> None:  # a row goes missing
        real(src, dest, table)  # type: ignore[arg-type]
        if getattr(table, "name", "") == "assessment_versions":
            dest.execute(table.delete().where(table.c.unit == "City Council/Parks"))  # type: ignore[attr-defined]

    monkeypatch.setattr(copying, "_copy_table", losing)
    code, _, err = run("store", "copy", sqlite_store, store_url)
    assert code == 1
    assert err.startswith(
        f"Error: copying to {display_name(store_url)} did not check out: table "
        "assessment_versions has 5 rows (hash "
    )
    assert err.endswith("), the source 6 (hash " + err.split("the source 6 (hash ")[1])
    assert "nothing was copied" in err
    monkeypatch.undo()
    assert digests_of(store_url)["assessment_versions"].rows == 0


def test_copy_refuses_an_old_store_and_itself(tmp_path: Path, sqlite_store: str) -> None:
    old = tmp_path / "old.db"
    shutil.copyfile(V1_STORE, old)
    code, _, err = run("store", "copy", str(old), str(tmp_path / "new.db"))
    assert (code, err) == (
        1,
        f"Error: {old} needs upgrading (schema 1; this maturity uses {migrations.head()}): "
        f"run maturity store upgrade --store {old}\n",
    )
    assert not (tmp_path / "new.db").exists()
    code, _, err = run("store", "copy", sqlite_store, sqlite_store)
    assert (code, err) == (1, f"Error: {sqlite_store} and {sqlite_store} are the same store\n")


def test_backup_while_an_importer_writes(sqlite_store: str, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    for i in range(150):
        write(folder, f"u{i:03d}.yaml", unit=f"City Council/Busy {i:03d}")
    importer = subprocess.Popen(
        [sys.executable, "-m", "maturity", "import", str(folder), "--store", sqlite_store,
         "--jobs", "1"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    backups = []
    try:
        while importer.poll() is None or not backups:
            target = tmp_path / f"backup-{len(backups)}.db"
            code, out, err = run("store", "backup", str(target), "--store", sqlite_store)
            assert code == 0, err
            assert out.startswith(
                f"backed up {sqlite_store} to {target}: rows: consultations 1, frameworks 2, "
            )
            backups.append(target)
    finally:
        _, err = importer.communicate(timeout=120)
    assert importer.returncode == 0, err
    seen: list[int] = []
    for target in backups:
        assert sorted(p.name for p in tmp_path.glob(f"{target.name}*")) == [target.name]
        with sqlite3.connect(target) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        conn.close()
        with open_store(str(target)) as store:
            assert len(store.history("City Council/Housing")) == 4  # whole, as of its moment
            stored = len(store.scores("council-equality-3"))
            assert 4 <= stored <= 4 + 150
            seen.append(stored - 4)
    # Once the writer has finished, a backup holds exactly what the store holds.
    final = tmp_path / "final.db"
    assert run("store", "backup", str(final), "--store", sqlite_store)[0] == 0
    assert digests_of(str(final)) == digests_of(sqlite_store)
    assert seen == sorted(seen)  # each a snapshot of its moment, later ones hold more


def test_backup_refuses_to_replace_a_file(sqlite_store: str, tmp_path: Path) -> None:
    target = tmp_path / "b.db"
    target.write_text("keep me")
    code, _, err = run("store", "backup", str(target), "--store", sqlite_store)
    assert (code, err) == (1, f"Error: {target} already exists; use --force to replace it\n")
    assert target.read_text() == "keep me"
    code, _, _ = run("store", "backup", str(target), "--store", sqlite_store, "--force")
    assert code == 0 and digests_of(str(target)) == digests_of(sqlite_store)


@pytest.mark.parametrize("new_store_url", ["postgresql"], indirect=True)
def test_backup_of_postgresql_points_to_pg_dump(store_url: str, tmp_path: Path) -> None:
    path = write(tmp_path / "in", "a.yaml")
    assert run("import", str(path), "--store", store_url)[0] == 0
    code, _, err = run("store", "backup", str(tmp_path / "b.db"), "--store", store_url)
    assert (code, err) == (
        1,
        f"Error: {display_name(store_url)}: backup is for SQLite stores; "
        "back up PostgreSQL with pg_dump\n",
    )
    assert not (tmp_path / "b.db").exists()
