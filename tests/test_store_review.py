"""The store's respondents, review, moderation, registered frameworks and units (library level)."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest

from maturity.core.errors import MaturityError
from maturity.core.review import ModerationRecord, ReviewError, Status
from maturity.files.catalog import load_framework
from maturity.files.intake import score_files
from maturity.store import open_store
from maturity.store.importing import check_file, import_files
from maturity.store.writing import Checked, RejectedError

ROOT = Path(__file__).resolve().parent.parent
ASC = "City Council/Social Care and Education/Adult Social Care"
ASC_FILES = [
    ROOT / "assessments/2025-26/adult-social-care.yaml",
    *sorted((ROOT / "assessments/respondents/2025-26").glob("adult-social-care-*.yaml")),
]
EDI = "edi-maturity"
AT = dt.datetime(2026, 4, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def asc(store_url: str) -> str:
    """A store holding Adult Social Care 2025/26's four files, on each engine."""
    db = store_url
    with open_store(db, create=True) as store:
        reports = import_files(store, ASC_FILES)
    assert [r.status for r in reports] == ["imported"] * 4
    return db


def test_respondents_merge_as_score_does_and_reimport_changes_nothing(asc: str) -> None:
    (expected,) = score_files(ASC_FILES)
    with open_store(asc) as store:
        (stored,) = store.scores(EDI, ["2025/26"], with_criteria=True)
        assert stored == expected
        assert stored.respondents == 8
        before = store.history(ASC)
        reports = import_files(store, ASC_FILES)
        assert [r.status for r in reports] == ["unchanged"] * 4
        assert store.history(ASC) == before
        current = store.submissions(EDI, ASC, "2025/26")
        assert [s.respondent for s in current] == [
            "adult-social-care",
            "adult-social-care-abernethy",
            "adult-social-care-mistry",
            "adult-social-care-ridley",
        ]
        spread = store.spread(EDI, ASC, "2025/26")
        assert spread is not None
        zero = next(c for c in spread.criteria if c.id == "environment.zero-tolerance")
        assert zero.levels["adult-social-care-mistry"] == "developing"
        assert zero.spread == stored.criterion("environment.zero-tolerance").spread


def test_withdrawal_is_a_new_version_and_no_longer_counts(asc: str) -> None:
    with open_store(asc) as store:
        outcome = store.withdraw(EDI, ASC, "2025/26", "adult-social-care-mistry", "Kal Sandhu")
        assert (outcome.version, outcome.previous, outcome.respondents) == (5, 4, 3)
        (stored,) = store.scores(EDI, ["2025/26"], with_criteria=True)
        assert stored == score_files([f for f in ASC_FILES if "mistry" not in f.name])[0]
        mistry = [
            (s.version, s.withdrawn, s.current)
            for s in store.submissions(EDI, ASC, "2025/26", all_versions=True)
            if s.respondent == "adult-social-care-mistry"
        ]
        assert mistry == [(1, False, False), (2, True, True)]
        with pytest.raises(MaturityError, match="already withdrawn"):
            store.withdraw(EDI, ASC, "2025/26", "adult-social-care-mistry", "Kal Sandhu")
        with pytest.raises(MaturityError, match=r"no submission by 'nobody'"):
            store.withdraw(EDI, ASC, "2025/26", "nobody", "Kal Sandhu")
        # Importing the file again brings the submission back, as a third version.
        (report,) = import_files(store, [f for f in ASC_FILES if "mistry" in f.name])
        assert report.status == "revised"
        assert store.scores(EDI, ["2025/26"], with_criteria=True) == score_files(ASC_FILES)


def test_review_steps_are_recorded_and_none_skipped(asc: str, tmp_path: Path) -> None:
    with open_store(asc) as store:
        with pytest.raises(ReviewError, match="cannot go from draft to validated"):
            store.review(EDI, ASC, "2025/26", Status.VALIDATED, "Kal Sandhu")
        store.review(EDI, ASC, "2025/26", Status.SUBMITTED, "Ruth Abernethy", when=AT)
        step = store.review(
            EDI, ASC, "2025/26", Status.VALIDATED, "Kal Sandhu", "Evidence checked.", AT
        )
        assert (step.step.status, step.step.by, step.result_version) == (
            Status.VALIDATED,
            "Kal Sandhu",
            4,
        )
        assert store.review_statuses(EDI) == {(ASC, "2025/26"): Status.VALIDATED}
        # A new submission changes the validated result: it goes back, as a recorded step.
        extra = (
            ASC_FILES[1]
            .read_text(encoding="utf-8")
            .replace(
                "submitted_by: Ruth Abernethy",
                "submitted_by: Ruth Abernethy\nrespondent: Staff panel",
            )
        )
        path = tmp_path / "panel.yaml"
        path.write_text(extra, encoding="utf-8")
        import_files(store, [path], by="Jo Bloggs")
        steps = store.review_steps(EDI, ASC, "2025/26")
        assert [s.step.status for s in steps] == ["submitted", "validated", "returned"]
        assert steps[-1].step.by == "Jo Bloggs"
        assert steps[-1].result_version == 5
        assert steps[-1].step.comment == (
            "a new submission by Staff panel changed the validated result (now version 5); "
            "review it again"
        )
        # So does a withdrawal, once it is validated again.
        store.review(EDI, ASC, "2025/26", Status.SUBMITTED, "Ruth Abernethy", when=AT)
        store.review(EDI, ASC, "2025/26", Status.VALIDATED, "Kal Sandhu", when=AT)
        store.withdraw(EDI, ASC, "2025/26", "Staff panel", "Kal Sandhu")
        last = store.review_steps(EDI, ASC, "2025/26")[-1]
        assert (last.step.status, last.step.by, last.result_version) == (
            Status.RETURNED,
            "Kal Sandhu",
            6,
        )
        assert last.step.comment is not None
        assert last.step.comment.startswith("the withdrawal of Staff panel's submission changed")
        with pytest.raises(MaturityError, match="no current edi-maturity result"):
            store.review(EDI, ASC, "2019/20", Status.SUBMITTED, "Jo Bloggs")


def test_moderation_sits_beside_the_answers(asc: str) -> None:
    ref = "environment.zero-tolerance"
    record = ModerationRecord(
        criterion=ref,
        level="developing",
        reason="Staff survey does not bear it out.",
        moderator="Kal Sandhu",
        on=dt.date(2026, 4, 2),
    )
    with open_store(asc) as store:
        before = store.submissions(EDI, ASC, "2025/26")
        outcome = store.moderate(EDI, ASC, "2025/26", record)
        assert (outcome.version, outcome.previous) == (5, 4)
        assert store.submissions(EDI, ASC, "2025/26") == before
        assert store.moderations(EDI, ASC, "2025/26") == [record]
        result = store.current_score(EDI, ASC, "2025/26")
        assert result is not None
        assert result.criterion(ref).level == "developing"
        assert result.criterion(ref).claimed == "established"  # the team's merged claim stays
        with pytest.raises(MaturityError, match=r"has no criterion 'environment.nope'"):
            store.moderate(
                EDI, ASC, "2025/26", record.model_copy(update={"criterion": "environment.nope"})
            )
        with pytest.raises(MaturityError, match=r"'great' is not a level of edi-maturity@1.0"):
            store.moderate(EDI, ASC, "2025/26", record.model_copy(update={"level": "great"}))


def own_framework(folder: Path, name: str = "Inclusive recruitment") -> Path:
    text = (ROOT / "frameworks/council-equality-3.yaml").read_text(encoding="utf-8")
    text = text.replace("id: council-equality-3", "id: inclusive-recruitment", 1)
    text = text.replace(
        "name: Council Equality Framework (Developing / Achieving / Excellent)", f"name: {name}", 1
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name.replace(' ', '-').lower()}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def own_assessment(folder: Path, unit: str = "City Council/Housing") -> Path:
    path = folder / "housing.yaml"
    path.write_text(
        f"framework: inclusive-recruitment@1.1\nunit: {unit}\nperiod: 2025/26\n"
        "responses:\n  workforce.recruitment:\n    level: excellent\n"
        "    evidence: [Recruitment audit]\n",
        encoding="utf-8",
    )
    return path


def test_a_registered_framework_is_found_and_kept_immutably(store_url: str, tmp_path: Path) -> None:
    from maturity.core.framework import Framework
    from maturity.files.loading import load

    fw, _ = load(own_framework(tmp_path / "fw"), Framework)
    other, _ = load(own_framework(tmp_path / "fw2", "Another name"), Framework)
    with open_store(store_url, create=True) as store:
        (report,) = import_files(store, [own_assessment(tmp_path)])
        assert report.status == "rejected"
        assert "maturity framework add FILE" in report.detail
        assert store.register_framework(fw, by="Kal Sandhu") == "registered"
        assert store.register_framework(fw) == "already registered"
        with pytest.raises(RejectedError, match=r"already in .* with a different definition"):
            store.register_framework(other)
        assert store.registered_frameworks() == [fw]
        # Checked in worker processes, a registered framework travels with the file.
        checked = check_file(own_assessment(tmp_path), registered=[fw])
        assert isinstance(checked, Checked) and checked.registered
        assert pickle.loads(pickle.dumps(checked)) == checked
        (report,) = import_files(store, [own_assessment(tmp_path)])
        assert report.status == "imported"
        assert store.framework_ids() == ["inclusive-recruitment"]
        # A built-in framework the store already holds can be registered as it is.
        builtin = load_framework("council-equality-3")
        assert store.register_framework(builtin) == "registered"


def test_units_strict_and_renamed_with_their_history(store_url: str) -> None:
    with open_store(store_url, create=True) as store:
        import_files(store, ASC_FILES)
        assert "City Council/Social Care and Education" in store.units()
        (new,) = import_files(
            store, [ROOT / "assessments/2025-26/housing-services.yaml"], strict_units=True
        )
        assert new.status == "rejected"
        assert "is a new unit; check the unit, or import without --strict-units" in new.detail
        store.add_unit("City Council/Housing")
        moved = store.rename_unit(ASC, "City Council/Housing/Adult Care", by="Kal Sandhu")
        assert moved == 4 + 4  # four result versions, four submissions
        assert store.history(ASC) == []
        history = store.history("City Council/Housing/Adult Care")
        assert len(history) == 4
        (score,) = store.scores(EDI, ["2025/26"])
        assert score.unit == "City Council/Housing/Adult Care"
        (change,) = store.unit_changes("City Council/Housing/Adult Care")
        assert (change.old, change.new, change.by) == (
            ASC,
            "City Council/Housing/Adult Care",
            "Kal Sandhu",
        )
        with pytest.raises(MaturityError, match="is already a unit"):
            store.rename_unit("City Council/Housing/Adult Care", "City Council/Housing")
        with pytest.raises(MaturityError, match="no unit 'City Council/Nope'"):
            store.rename_unit("City Council/Nope", "City Council/Other")


def test_a_first_release_store_upgrades_to_respondents_and_units(
    store_url: str, tmp_path: Path
) -> None:
    from tests.test_migrations import make_v1_store, v1_rows

    url = make_v1_store(store_url, tmp_path)
    code, _, err = run("store", "upgrade", "--store", url)
    assert code == 0, err
    housing = "City Council/Housing"
    with open_store(url) as store:
        # Every version is kept as it was; each current one is its respondent's submission.
        assert [v.content_hash for v in store.history(housing)] == [
            row[6] for row in v1_rows() if row[0] == housing
        ]
        (only,) = store.submissions("council-equality-3", housing, "2025/26")
        assert (only.respondent, only.version, only.source) == ("h2", 1, "h2.yaml")
        assert store.units() == ["City Council", "City Council/Adults = Care", housing]
    exported = tmp_path / "out"
    assert run("export", "-o", str(exported), "--store", url)[0] == 0
    code, out, _ = run("import", str(exported), "--store", url)
    # The first release's files name `council-equality-3` without a version, so they now
    # resolve to the current built-in (1.1, which added lenses): a new version each, scores
    # unchanged.
    assert out.splitlines()[-1] == "0 imported, 3 revised, 0 unchanged, 0 rejected"
    # Another respondent joins the one carried over from the old store.
    other = exported / "council-equality-3" / "2025-26" / "city-council--housing.yaml"
    text = other.read_text(encoding="utf-8").replace("respondent: h2", "respondent: Staff panel")
    panel = tmp_path / "panel.yaml"
    panel.write_text(text, encoding="utf-8")
    code, out, err = run("import", str(panel), "--store", url)
    assert code == 0, err
    assert out.splitlines()[0].endswith(
        f"{housing} 2025/26, version 5 (was 4), 2 respondents merged"
    )


def run(*args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from maturity.cli import main

    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("new_store_url", ["postgresql"], indirect=True)
def test_writers_of_one_unit_period_take_turns(store_url: str) -> None:
    """On PostgreSQL a writer waits while another holds the unit-period, so that no merge
    is made without a submission being stored at the same moment."""
    import threading

    from maturity.store.importing import check_files
    from maturity.store.writing import Key

    first, second = check_files(ASC_FILES[:2])
    assert isinstance(first, Checked) and isinstance(second, Checked)
    with open_store(store_url, create=True) as store:
        store.store(first)
        done = threading.Event()

        def write_second() -> None:
            store.store(second)
            done.set()

        with store.engine.connect() as conn, conn.begin():
            Key(EDI, ASC, "2025/26").lock(conn)  # as another writer's transaction would
            writer = threading.Thread(target=write_second)
            writer.start()
            assert not done.wait(0.5)  # held back while the unit-period is taken
        writer.join(30)
        assert done.is_set()
        assert store.scores(EDI, ["2025/26"], with_criteria=True) == score_files(ASC_FILES[:2])
