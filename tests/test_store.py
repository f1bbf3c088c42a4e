"""The assessment store: versions, idempotent import, all-or-nothing, concurrency, export."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from maturity.cli import main
from maturity.store import display_name, open_store
from maturity.store.importing import import_files
from maturity.store.migrations import head

FW = "council-equality-3"
ROOT = Path(__file__).resolve().parent.parent


def write(
    folder: Path,
    name: str,
    unit: str = "City Council/Housing",
    period: str = "2025/26",
    level: str = "achieving",
    extra: str = "",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        textwrap.dedent(
            f"""\
            framework: {FW}
            unit: {unit}
            period: {period}
            respondents: 2
            submitted_by: Jo Bloggs
            responses:
              communities.community-data:
                level: {level}
                evidence: ["Community profile 2025"]
              workforce.recruitment:
                level: excellent
                evidence: ["Recruitment audit"]
            """
        )
        + extra,
        encoding="utf-8",
    )
    return path


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_import_then_identical_reimport_changes_nothing(tmp_path: Path, store_url: str) -> None:
    db = store_url
    path = write(tmp_path / "in", "housing.yaml")
    code, out, _ = run("import", str(path), "--store", db)
    assert code == 0
    assert f"imported   {path}: City Council/Housing 2025/26, version 1" in out
    assert out.splitlines()[-1] == "1 imported, 0 revised, 0 unchanged, 0 rejected; 1 new unit"
    code, out, _ = run("import", str(path), "--store", db)
    assert code == 0
    assert f"unchanged  {path}: City Council/Housing 2025/26, version 1" in out
    # Reformatting the file (comments, spacing, key order) is the same content.
    text = path.read_text(encoding="utf-8")
    path.write_text("# a comment\n\n" + text.replace("respondents: 2", "respondents:   2"))
    code, out, _ = run("import", str(path), "--store", db)
    assert "unchanged" in out
    with open_store(db) as store:
        assert len(store.history("City Council/Housing")) == 1


def test_revision_becomes_current_and_old_version_stays(tmp_path: Path, store_url: str) -> None:
    db = store_url
    write(tmp_path / "in", "housing.yaml")
    run("import", str(tmp_path / "in"), "--store", db)
    revised = write(tmp_path / "in2", "housing.yaml", level="excellent")
    code, out, _ = run("import", str(revised), "--store", db, "--by", "Kal Sandhu")
    assert code == 0
    assert f"revised    {revised}: City Council/Housing 2025/26, version 2 (was 1)" in out
    with open_store(db) as store:
        versions = store.history("City Council/Housing")
        assert [(v.version, v.current) for v in versions] == [(1, False), (2, True)]
        assert [v.imported_by for v in versions] == ["Jo Bloggs", "Kal Sandhu"]
        assert versions[0].content_hash != versions[1].content_hash
        (score,) = store.scores(FW, with_criteria=True)
        assert score.criterion("communities.community-data").level == "excellent"
        assert score.framework.version == "1.1"
    code, out, _ = run("history", "City Council/Housing", "--store", db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "City Council/Housing"
    assert lines[2].startswith("  2025/26    1  ")
    assert lines[3].strip() == "by Jo Bloggs, from housing.yaml"
    assert lines[4].startswith("* 2025/26    2  ")
    assert "council-equality-3@1.1    0.00  " in lines[4]
    assert lines[5].strip() == "by Kal Sandhu, from housing.yaml"
    assert lines[-1] == "* current version"
    assert max(len(line) for line in lines) <= 80
    # Going back to the first content is a new version, not a deletion.
    code, out, _ = run("import", str(tmp_path / "in" / "housing.yaml"), "--store", db)
    assert "version 3 (was 2)" in out


def test_rejected_file_stores_nothing_and_others_go_ahead(tmp_path: Path, store_url: str) -> None:
    db = store_url
    good = write(tmp_path / "in", "a-good.yaml", unit="City Council/Adults")
    bad = write(
        tmp_path / "in",
        "b-bad.yaml",
        extra="  workforce.recruting:\n    level: achieving\n",
    )
    code, out, err = run("import", str(tmp_path / "in"), "--store", db)
    assert code == 1
    assert f"imported   {good}: City Council/Adults 2025/26, version 1" in out
    assert (
        f"rejected   {bad}:14: response 'workforce.recruting': no such criterion; "
        "did you mean 'workforce.recruitment'?"
    ) in out
    assert out.splitlines()[-1] == "1 imported, 0 revised, 0 unchanged, 1 rejected; 1 new unit"
    assert err == "Error: 1 of 2 files rejected; nothing from them was stored\n"
    with open_store(db) as store:
        assert store.history("City Council/Housing") == []
        assert len(store.history("City Council/Adults")) == 1


def test_unknown_framework_is_rejected(tmp_path: Path, store_url: str) -> None:
    path = write(tmp_path, "x.yaml")
    path.write_text(path.read_text().replace(FW, "no-such-framework"))
    code, out, _ = run("import", str(path), "--store", store_url)
    assert code == 1
    assert "rejected   " in out and "no framework 'no-such-framework'" in out


def test_failure_inside_the_transaction_leaves_no_partial_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_url: str
) -> None:
    db = store_url
    write(tmp_path / "in", "housing.yaml")
    with open_store(db, create=True) as store:
        import_files(store, [tmp_path / "in"])
    revised = write(tmp_path / "in2", "housing.yaml", level="excellent")

    from maturity.store.schema import versions_table

    def failing() -> object:  # called after the old version lost `current`
        raise RuntimeError("power cut")

    monkeypatch.setattr(versions_table, "insert", failing)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # where the crash log goes
    with open_store(db) as store:
        [report] = import_files(store, [revised])
    assert report.crashed and "unexpected failure (RuntimeError)" in report.detail
    monkeypatch.undo()
    with open_store(db) as store:
        versions = store.history("City Council/Housing")
        assert [(v.version, v.current) for v in versions] == [(1, True)]


def test_import_killed_halfway_leaves_no_partial_assessment(tmp_path: Path, store_url: str) -> None:
    db = store_url
    write(tmp_path / "in", "housing.yaml")
    with open_store(str(db), create=True) as store:
        import_files(store, [tmp_path / "in"])
    revised = write(tmp_path / "in2", "housing.yaml", level="excellent")
    marker = tmp_path / "inside"
    child = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        import maturity.store.schema as s
        from maturity.store import open_store
        from maturity.store.importing import import_files
        real = s.versions_table.insert
        def slow():
            Path({str(marker)!r}).touch()
            time.sleep(60)
            return real()
        s.versions_table.insert = slow
        with open_store({str(db)!r}) as store:
            import_files(store, [Path({str(revised)!r})])
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", child], cwd=ROOT)
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert marker.exists()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with open_store(str(db)) as store:
        assert [(v.version, v.current) for v in store.history("City Council/Housing")] == [
            (1, True)
        ]
        # The lock died with the process: the next import goes ahead.
        (report,) = import_files(store, [revised])
        assert report.status == "revised"


def test_concurrent_importers_lose_nothing(tmp_path: Path, store_url: str) -> None:
    db = store_url
    shared = [
        write(tmp_path / "shared", f"s{i}.yaml", unit=f"City Council/Shared {i}") for i in range(5)
    ]
    procs = []
    for p in range(4):
        folder = tmp_path / f"p{p}"
        for i in range(10):
            write(folder, f"u{i}.yaml", unit=f"City Council/Team {p}/Unit {i}")
        args = [sys.executable, "-m", "maturity", "import", str(folder), *map(str, shared)]
        procs.append(
            subprocess.Popen(
                [*args, "--store", str(db)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "locked" not in (out + err).lower()
        imported = int(out.splitlines()[-1].split()[0])
        assert 10 <= imported <= 15  # its own 10, and the shared files it got to first
    with open_store(str(db)) as store:
        scores = store.scores(FW)
        assert len(scores) == 4 * 10 + 5
        for i in range(5):
            assert [v.version for v in store.history(f"City Council/Shared {i}")] == [1]


def test_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    write(tmp_path / "in", "housing.yaml")
    run("import", str(tmp_path / "in"), "--store", str(db))
    newer = head() + 1
    with sqlite3.connect(db) as conn:
        conn.execute(f"UPDATE meta SET value = '{newer}' WHERE key = 'schema_version'")
        conn.execute(f"UPDATE alembic_version SET version_num = '{newer:04d}'")
    conn.close()
    before = db.read_bytes()
    code, _, err = run("import", str(tmp_path / "in"), "--store", str(db))
    assert code == 1
    assert err == (
        f"Error: {db} was written by a newer maturity (schema {newer}; this one knows {head()}): "
        "upgrade maturity\n"
    )
    assert db.read_bytes() == before


def test_file_that_is_not_a_database(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("hello, not a database\n")
    code, _, err = run("history", "City Council", "--store", str(db))
    assert code == 1
    assert err == f"Error: {db} is not a maturity store (not a SQLite database)\n"
    assert db.read_text() == "hello, not a database\n"


def test_missing_store_is_not_created_by_readers(tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    code, _, err = run("benchmark", "--store", str(db))
    assert code == 1
    assert err == f"Error: no store at {db}; import assessments first (maturity import PATH)\n"
    assert not db.exists()


def test_read_only_store(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    write(tmp_path / "in", "housing.yaml")
    run("import", str(tmp_path / "in"), "--store", str(db))
    before = db.read_bytes()
    url = f"sqlite:///file:{db}?mode=ro&uri=true"
    revised = write(tmp_path / "in2", "housing.yaml", level="excellent")
    code, out, err = run("import", str(revised), "--store", url)
    assert code == 1
    assert err.count("\n") == 1
    assert "cannot write to the store (it is read-only); nothing was changed" in err
    assert db.read_bytes() == before
    code, out, _ = run("history", "City Council/Housing", "--store", url)
    assert code == 0 and "housing.yaml" in out


def test_a_store_whose_name_holds_url_characters_is_kept_where_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `?` and `#` once ended the name: the store went to `.../odd dir` instead.
    folder = tmp_path / "odd dir?#x"
    folder.mkdir()
    db, backup = folder / "m?a#b.db", folder / "b#k?.db"
    write(tmp_path / "in", "housing.yaml")
    assert run("import", str(tmp_path / "in"), "--store", str(db))[0] == 0
    code, out, err = run("store", "backup", str(backup), "--store", str(db))
    assert code == 0, err
    assert sorted(p.name for p in folder.iterdir()) == ["b#k?.db", "m?a#b.db"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "odd dir?#x"]
    # Read-only, as in a folder the user cannot write to: opened by URI, the name intact.
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    code, out, err = run("history", "City Council/Housing", "--store", str(backup))
    assert code == 0 and "housing.yaml" in out, err


def test_store_from_environment_and_bad_unit(tmp_path: Path, store_url: str) -> None:
    db = store_url
    write(tmp_path / "in", "housing.yaml")
    code, _, _ = run("import", str(tmp_path / "in"), env={"MATURITY_STORE": db})
    assert code == 0
    code, _, err = run("history", "City Council//Housing", env={"MATURITY_STORE": db})
    assert code == 1
    assert err == (
        "Error: unit 'City Council//Housing' is not a path such as 'City Council/Housing' "
        "(no empty parts between /)\n"
    )
    code, _, err = run("history", "Housing", env={"MATURITY_STORE": db})
    assert (
        err == f"Error: no assessments of 'Housing' in {display_name(db)}; "
        "did you mean 'City Council/Housing'?\n"
    )


def test_export_round_trip(
    tmp_path: Path, store_url: str, new_store_url: Callable[[], str]
) -> None:
    db = store_url
    write(tmp_path / "in", "a.yaml", unit="City Council/Housing", period="2024/25")
    write(tmp_path / "in", "b.yaml", unit="City Council/Housing")
    write(tmp_path / "in", "c.yaml", unit="City Council/Adults = Care", level="developing")
    run("import", str(tmp_path / "in"), "--store", db)
    write(tmp_path / "in2", "b.yaml", unit="City Council/Housing", level="excellent")
    run("import", str(tmp_path / "in2"), "--store", db)

    out_dir = tmp_path / "out"
    code, out, _ = run("export", "-o", str(out_dir), "--store", db)
    assert code == 0
    assert out == f"wrote 3 files for 3 submissions to {out_dir}\n"
    assert (out_dir / FW / "2025-26" / "city-council--housing.yaml").is_file()
    # Nothing is overwritten without --force.
    code, _, err = run("export", "-o", str(out_dir), "--store", db)
    assert code == 1 and "already exists; use --force to replace it" in err

    # Back into the same store: nothing changes. Into a new one: the same content.
    code, out, _ = run("import", str(out_dir), "--store", db)
    assert out.splitlines()[-1] == "0 imported, 0 revised, 3 unchanged, 0 rejected"
    fresh = new_store_url()
    code, out, _ = run("import", str(out_dir), "--store", fresh)
    assert out.splitlines()[-1] == "3 imported, 0 revised, 0 unchanged, 0 rejected; 2 new units"
    with open_store(db) as a, open_store(fresh) as b:
        assert {(x.info.unit, x.info.period, x.info.content_hash) for x in a.assessments()} == {
            (x.info.unit, x.info.period, x.info.content_hash) for x in b.assessments()
        }
        assert a.scores(FW, with_criteria=True) == b.scores(FW, with_criteria=True)

    # Every version: replaying the export rebuilds the history.
    all_dir = tmp_path / "all"
    run("export", "-o", str(all_dir), "--all-versions", "--store", db)
    replay = new_store_url()
    code, out, _ = run("import", str(all_dir), "--store", replay)
    assert out.splitlines()[-1] == "3 imported, 1 revised, 0 unchanged, 0 rejected; 2 new units"
    with open_store(db) as a, open_store(replay) as b:
        old = [(v.version, v.current, v.content_hash) for v in a.history("City Council/Housing")]
        new = [(v.version, v.current, v.content_hash) for v in b.history("City Council/Housing")]
        assert old == new


def test_export_csv(tmp_path: Path, store_url: str) -> None:
    db = store_url
    write(tmp_path / "in", "c.yaml", unit="=Adults")
    run("import", str(tmp_path / "in"), "--store", db)
    code, _, _ = run("export", "--format", "csv", "-o", str(tmp_path / "t"), "--store", db)
    assert code == 0
    versions = (tmp_path / "t" / "versions.csv").read_text().splitlines()
    assert versions[0].startswith("framework,framework_version,unit,period,version,current")
    assert versions[1].startswith(f"{FW},1.1,'=Adults,2025/26,1,yes,")
    responses = (tmp_path / "t" / "responses.csv").read_text().splitlines()
    assert len(responses) == 3
    assert "communities.community-data,achieving,,,Community profile 2025,," in responses[1]


def test_a_large_import_checked_in_two_processes_stores_what_one_process_would(
    tmp_path: Path, new_store_url: Callable[[], str]
) -> None:
    folder = tmp_path / "in"
    for i in range(70):  # above the size at which checking goes to worker processes
        write(folder, f"unit-{i:02d}.yaml", unit=f"City Council/Unit {i:02d}")
    write(folder, "unit-bad.yaml", level="achived")
    results = {}
    for jobs in (1, 2):
        with open_store(new_store_url(), create=True) as store:
            reports = import_files(store, [folder], jobs=jobs)
            results[jobs] = (
                [(r.path.name, r.status, r.detail) for r in reports],
                [
                    (a.info.unit, a.info.content_hash, a.info.overall_score)
                    for a in store.assessments()
                ],
            )
    assert results[1] == results[2]
    statuses = [status for _, status, _ in results[2][0]]
    assert statuses.count("imported") == 70 and statuses.count("rejected") == 1
