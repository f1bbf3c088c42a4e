"""`maturity consult` end to end on the sample consultation, and bad survey files."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pikepdf
import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO
from sqlalchemy import create_engine, inspect

from maturity.cli import main
from maturity.core.consultation.groups import quotable
from maturity.store import migrations, open_store

SAMPLE = REPO / "assessments" / "consultation"
QUESTION = "If the"
GROUPS = ["Which ethnic", "Do you consider", "Which grade"]
# Personal details written into the sample's responses; none may survive the import.
SECRETS = [
    "bloggs",
    "leicester.gov.uk",
    "454 1234",
    "104562",
    "900 461",
    "shah-patel",
    "e204518",
    "tom black",
    "adeyemi",
    "496 0321",
    "osei",
    "55231",
]


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.exit_code != 70, result.stderr
    return result.exit_code, result.stdout, result.stderr


def import_sample(db: Path, *extra: str) -> tuple[int, str, str]:
    groups = [a for g in GROUPS for a in ("--group", g)]
    return run(
        "consult", "import", SAMPLE / "responses.csv", "--name", "sce", "--text-column",
        QUESTION, "--id-column", "ID", *groups, "--staff-list", SAMPLE / "staff-list.txt",
        "--period", "2025/26", "--unit", "City Council/Social Care and Education",
        "--store", db, *extra,
    )  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("consult") / "m.db"
    code, out, err = import_sample(db)
    assert (code, out, err) == (0, "sce: 109 responses imported, 12 details redacted\n", "")
    return db


def no_secrets(text: str) -> None:
    low = text.lower()
    for secret in SECRETS:
        assert secret not in low, secret


def test_the_store_keeps_only_redacted_text(store: Path) -> None:
    with sqlite3.connect(store) as conn:
        dump = "\n".join(conn.iterdump())
    conn.close()
    no_secrets(dump)
    assert "[email]" in dump and "[phone]" in dump and "[staff number]" in dump
    assert "anonymous" not in dump  # the Email column was not asked for, so never read


def test_importing_the_same_name_again_needs_replace(store: Path, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    shutil.copy(store, db)
    code, _, err = import_sample(db)
    assert (code, err) == (
        1,
        f"Error: consultation 'sce' is already in {db}; use --replace to import it again\n",
    )
    assert import_sample(db, "--replace")[0] == 0


def test_map_csv_has_one_row_per_response_and_rank(store: Path) -> None:
    code, out, err = run("consult", "map", "sce", "--framework", "edi-maturity", "--format",
                         "csv", "--store", store)  # fmt: skip
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "response_id,rank,criterion,score,matched_terms"
    rows = [line.split(",") for line in lines[1:]]
    assert {r[0] for r in rows} == {str(i) for i in range(1, 110)}
    assert all(re.fullmatch(r"[a-z-]+\.[a-z-]+", r[2]) for r in rows if r[1])
    assert [r[1] for r in rows if r[0] == "1"] == ["1", "2", "3"]
    first = next(r for r in rows if r[0] == "34")
    assert first[2] == "workforce.interview-panels"
    assert {"interviews", "panel"} <= set(first[4].split())
    no_secrets(out)


def test_map_json_and_table_show_matched_words(store: Path) -> None:
    code, out, _ = run("consult", "map", "sce", "--framework", "edi-maturity", "--format",
                       "json", "--store", store)  # fmt: skip
    assert code == 0
    data = yaml.safe_load(out)
    assert data[0]["criteria"][0]["criterion"] == "environment.bystander-training"
    assert "bystander" in data[0]["criteria"][0]["matched_terms"]
    assert sum(d["uncovered"] for d in data) >= 5
    code, out, _ = run("consult", "map", "sce", "--framework", "edi-maturity", "--store", store)
    assert code == 0
    assert "  1. environment.bystander-training  " in out
    assert out.endswith(" uncovered\n")
    no_secrets(out)


def test_review_round_trip_keeps_corrections(store: Path, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    shutil.copy(store, db)
    review = tmp_path / "review.csv"
    code, out, _ = run("consult", "review", "sce", "--framework", "edi-maturity", "-o", review,
                       "--store", db)  # fmt: skip
    assert (code, out) == (0, f"{review}: 109 responses to review, 0 corrected before\n")
    text = review.read_text(encoding="utf-8")
    no_secrets(text)
    lines = text.splitlines()
    assert lines[0] == "response_id,text,suggested,criteria"
    lines = [
        line[: -len(",")] + ",workforce.inclusive-recruitment" if line.startswith("33,") else
        line[: -len(",")] + ",none" if line.startswith("1,") else line
        for line in lines
    ]  # fmt: skip
    review.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run("consult", "apply", "sce", review, "--framework", "edi-maturity",
                       "--store", db)  # fmt: skip
    assert (code, out) == (0, "sce: 2 corrections changed; 2 responses corrected in all\n")

    code, out, _ = run("consult", "map", "sce", "--framework", "edi-maturity", "--format",
                       "csv", "--store", db)  # fmt: skip
    assert "\n1,,,,\n" in out
    assert next(line for line in out.splitlines() if line.startswith("33,")).startswith(
        "33,1,workforce.inclusive-recruitment,"
    )
    # Written again, the file shows the corrections; as YAML too, and it reads back.
    again = tmp_path / "again.yaml"
    code, out, _ = run("consult", "review", "sce", "--framework", "edi-maturity", "-o", again,
                       "--store", db)  # fmt: skip
    assert out == f"{again}: 109 responses to review, 2 corrected before\n"
    entries = yaml.safe_load(again.read_text(encoding="utf-8"))
    by_id = {e["response_id"]: e for e in entries}
    assert by_id["33"]["criteria"] == "workforce.inclusive-recruitment"
    assert by_id["1"]["criteria"] == "none"
    assert by_id["2"]["criteria"] is None
    code, out, _ = run("consult", "apply", "sce", again, "--framework", "edi-maturity",
                       "--store", db)  # fmt: skip
    assert (code, out) == (0, "sce: 0 corrections changed; 2 responses corrected in all\n")
    with open_store(str(db)) as s:
        assert s.corrections("sce", "edi-maturity") == {
            "1": [],
            "33": ["workforce.inclusive-recruitment"],
        }


def test_a_bad_review_file_is_located_and_records_nothing(store: Path, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    shutil.copy(store, db)
    review = tmp_path / "review.csv"
    review.write_text(
        "response_id,text,suggested,criteria\n"
        "5,t,s,workforce.panels\n"
        "6,t,s,none; workforce.representation\n"
        "999,t,s,\n"
        "7,t,s,workforce.representation\n",
        encoding="utf-8",
    )
    code, _, err = run("consult", "apply", "sce", review, "--framework", "edi-maturity",
                       "--store", db)  # fmt: skip
    assert code == 1
    assert err.splitlines() == [
        f"Error: {review}: row 2, column 'criteria': 'workforce.panels' is not a criterion of "
        "edi-maturity; did you mean 'workforce.interview-panels'?",
        f"Error: {review}: row 3, column 'criteria': 'none' cannot be given with criteria",
        f"Error: {review}: row 4, column 'criteria': response '999' is not in consultation 'sce'",
    ]
    with open_store(str(db)) as s:
        assert s.corrections("sce", "edi-maturity") == {}


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; cannot extract text")
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return " ".join(out.split())


def test_report_is_tagged_and_never_quotes_a_small_group(store: Path, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    shutil.copy(store, db)
    assert run("import", REPO / "assessments" / "2025-26" / "childrens-services.yaml",
               "--store", db)[0] == 0  # fmt: skip
    unit = "City Council/Social Care and Education/Children's Services"
    pdf = tmp_path / "report.pdf"
    code, out, err = run("consult", "report", "sce", "--framework", "edi-maturity", "--unit",
                         unit, "--date", "2026-01-15", "-o", pdf, "--store", db)  # fmt: skip
    assert (code, err) == (0, "")
    assert out.startswith(f"{pdf}: consultation report for sce, against {unit} 2025/26, ")
    with pikepdf.open(pdf) as doc:
        assert doc.Root.MarkInfo.Marked
        assert str(doc.Root.Lang) == "en-GB"
    text = pdf_text(pdf)
    no_secrets(text)
    assert "109 staff responded" in text
    assert "Uncovered themes" in text and "For the moderator" in text
    assert "Arab" not in text  # a group of one: merged, never named
    with open_store(str(db)) as s:
        consultation = s.consultation("sce")
    allowed = quotable(consultation.responses, consultation.group_columns)
    assert "57" not in allowed
    hidden = [r for r in consultation.responses if r.id not in allowed]
    assert hidden
    for response in hidden:
        assert " ".join(response.text.split())[:60] not in text, response.id
    quoted = [r for r in consultation.responses if " ".join(r.text.split())[:60] in text]
    assert quoted  # the report does quote, from the groups it may


def test_plan_items_say_how_many_staff_raised_them(store: Path, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    shutil.copy(store, db)
    assert run("import", REPO / "assessments" / "2025-26" / "childrens-services.yaml",
               "--store", db)[0] == 0  # fmt: skip
    plan = tmp_path / "plan.yaml"
    code, _, err = run("plan", "--unit", "City Council/Social Care and Education/Children's "
                       "Services", "--period", "2025/26", "--consultation", "sce", "--format",
                       "yaml", "-o", plan, "--store", db)  # fmt: skip
    assert (code, err) == (0, "")
    items = yaml.safe_load(plan.read_text(encoding="utf-8"))["items"]
    assert all(isinstance(i["staff_responses"], int) for i in items)
    assert any(i["staff_responses"] > 0 for i in items)
    plain = tmp_path / "plain.yaml"
    run("plan", "--unit", "City Council/Social Care and Education/Children's Services",
        "--period", "2025/26", "--format", "yaml", "-o", plain, "--store", db)  # fmt: skip
    assert "staff_responses" not in plain.read_text(encoding="utf-8")


def test_a_store_from_before_consultations_is_upgraded_by_alembic(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    shutil.copyfile(REPO / "tests" / "data" / "store-v1.db", db)  # as the first release wrote it
    code, _, err = import_sample(db)
    assert code == 1
    assert err == (
        f"Error: {db} needs upgrading (schema 1; this maturity uses {migrations.head()}): "
        f"run maturity store upgrade --store {db}\n"
    )
    assert run("store", "upgrade", "--store", db)[0] == 0
    assert import_sample(db)[0] == 0
    with open_store(str(db)) as s:
        assert s.schema_version() == migrations.head()
        assert s.consultation_names() == ["sce"]
        history = s.history("City Council/Housing")
        assert [(v.period, v.version) for v in history] == [
            ("2024/25", 1), ("2025/26", 1), ("2025/26", 2), ("2025/26", 3),
        ]  # fmt: skip


def test_revision_0005_adds_the_consultation_tables_to_a_schema_4_store(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'four.db'}")
    with engine.begin() as conn:
        migrations.upgrade(conn, 0, to=4)
        before = set(inspect(conn).get_table_names())
        migrations.upgrade(conn, 4, to=5)
        added = set(inspect(conn).get_table_names()) - before
    engine.dispose()
    assert "consultations" not in before
    assert added == {"consultations", "consultation_responses", "consultation_corrections"}
