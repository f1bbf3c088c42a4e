"""Rendering action plans: accessible PDFs, hostile evidence, atomic output and the CLI."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import yaml
from click.testing import CliRunner
from pdf_structure import structure
from plan_fixtures import assessment, framework

from maturity.cli import main
from maturity.core.errors import MaturityError
from maturity.core.gaps import Targets
from maturity.core.plan import PlanConfig
from maturity.core.scoring import score
from maturity.files.plan_file import load_plan
from maturity.reports.plan import (
    CHART,
    PlanReport,
    build_report,
    chart_svg,
    html_document,
    pdf_html,
)
from maturity.reports.render import GENERATED_SCHEME, make_fetcher, render_pdf, reports_dir

HOSTILE = [
    '<img src="file:///etc/passwd">',
    "<style>body { background: url(file:///etc/passwd) }</style>",
    "<script>alert('owned')</script>",
]
FW = framework()


def make_report(unit: str = "City Council/Housing") -> PlanReport:
    a = assessment(
        {
            "one.x": {"level": "grow", "evidence": HOSTILE, "owner": "<b>Jane</b> & Co"},
            "one.y": {"level": "firm"},
            "two.w": {"level": "start", "evidence": ["Panel minutes, May 2025"]},
        },
        unit=unit,
    )
    config = PlanConfig(drafted_on=date(2026, 11, 23), organisation="City Council")
    return build_report(FW, a, score(FW, a), Targets(), config, evidence=True)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PlanReport, Any]:
    report = make_report()
    fetcher = make_fetcher({CHART: lambda: (chart_svg(report), "image/svg+xml")})
    path = tmp_path_factory.mktemp("pdf") / "plan.pdf"
    render_pdf(pdf_html(report), path, fetcher=fetcher)
    return path, report, fetcher


def test_pdf_is_tagged_with_title_language_headings_table_headers_and_alt_text(
    rendered: tuple[Path, PlanReport, Any],
) -> None:
    path, _, _ = rendered
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        title = "Housing: equality action plan 2025/26"
        assert str(pdf.docinfo["/Title"]) == title
        assert pdf.open_metadata().get("dc:title") == title
        tags = structure(pdf)
        kinds = {str(t.S) for t in tags}
        assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/Figure"} <= kinds
        figures = [t for t in tags if t.S == "/Figure"]
        assert figures and all(str(f.get("/Alt", "")).startswith("Bar chart") for f in figures)
        headers = [t for t in tags if t.S == "/TH"]
        assert len(headers) >= 8


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; cannot extract text")
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return re.sub(r"\s+", " ", out)


def test_every_action_is_extractable_in_reading_order(
    rendered: tuple[Path, PlanReport, Any],
) -> None:
    path, report, _ = rendered
    text = pdf_text(path)
    names = {d.id: d.name for d in FW.domains}
    position = 0
    groups = sorted(report.plan.items, key=lambda i: ([*names].index(i.domain), i.priority))
    assert groups
    for item in groups:
        for action in item.actions:
            found = text.find(action, position)
            assert found >= 0, f"'{action}' missing or out of order"
            position = found


def test_hostile_evidence_is_literal_text_and_nothing_outside_the_bundle_is_read(
    rendered: tuple[Path, PlanReport, Any],
) -> None:
    path, _, fetcher = rendered
    # Narrow cells may break a line anywhere, so compare without whitespace.
    text = re.sub(r"\s", "", pdf_text(path))
    for hostile in [*HOSTILE, "<b>Jane</b> & Co"]:
        assert re.sub(r"\s", "", hostile) in text
    root = reports_dir().as_uri() + "/"
    assert fetcher.refused == []
    assert fetcher.served
    assert all(u.startswith(root) or u == f"{GENERATED_SCHEME}:{CHART}" for u in fetcher.served)


def test_html_escapes_untrusted_text() -> None:
    html = html_document(make_report())
    assert "<script>alert" not in html and '<img src="file:' not in html
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Jane&lt;/b&gt; &amp; Co" in html


def test_html_keeps_the_bundled_styles_quotes() -> None:
    html = html_document(make_report())
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert 'font-family: "DejaVu Sans", sans-serif;' in style
    assert 'content: "Page " counter(page)' in style
    assert "&#34;" not in style


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        (reports_dir() / ".." / "pyproject.toml").as_uri(),
        reports_dir().as_uri() + "/../pyproject.toml",
        reports_dir().as_uri() + "/%2e%2e/pyproject.toml",
        "https://example.org/tracker.png",
        "http://169.254.169.254/latest/meta-data/",
        "data:image/svg+xml;base64,PHN2Zy8+",
        f"{GENERATED_SCHEME}:not-generated.svg",
        "ftp://example.org/x",
    ],
)
def test_fetcher_refuses_everything_but_the_bundle(url: str) -> None:
    fetcher = make_fetcher()
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_bundled_styles() -> None:
    fetcher = make_fetcher()
    response = fetcher.fetch(reports_dir().as_uri() + "/base.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_failed_render_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint.document

    def broken(self: Any, target: Path, *args: Any, **kwargs: Any) -> None:
        Path(target).write_bytes(b"%PDF-half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", broken)
    path = tmp_path / "plan.pdf"
    with pytest.raises(RuntimeError):
        render_pdf("<html lang='en'><title>t</title><p>x</p></html>", path)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_chart_fails_the_render_and_leaves_no_file(tmp_path: Path) -> None:
    def broken() -> tuple[bytes, str]:
        raise MaturityError("drawing the summary chart failed: no fonts")

    path = tmp_path / "plan.pdf"
    with pytest.raises(MaturityError, match=r"^drawing the summary chart failed: no fonts$"):
        render_pdf(pdf_html(make_report()), path, resources={CHART: broken})
    assert list(tmp_path.iterdir()) == []


def write_council_assessment(folder: Path) -> Path:
    path = folder / "housing.yaml"
    data = {
        "framework": "council-equality-3@1.0",
        "unit": "City Council/Housing Services",
        "period": "2025/26",
        "responses": {
            "communities.engagement": {
                "level": "developing",
                "owner": "Jane Smith",
                "service_area": "Housing Strategy",
                "evidence": ['<img src="file:///etc/passwd">'],
            },
            "workforce.recruitment": {"level": "achieving", "evidence": ["Panel policy"]},
        },
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_cli_writes_pdf_with_default_name_and_refuses_to_overwrite(tmp_path: Path) -> None:
    source = write_council_assessment(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "plan.pdf"
    result = CliRunner().invoke(
        main, ["plan", str(source), "-o", str(target), "--date", "2026-11-23"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"{target}: action plan for City Council/Housing Services 2025/26, "
    )
    assert target.read_bytes().startswith(b"%PDF-1.7")
    before = target.read_bytes()
    again = CliRunner().invoke(main, ["plan", str(source), "-o", str(target)])
    assert again.exit_code == 1
    assert again.output == f"Error: {target} already exists; use --force to replace it\n"
    assert target.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["plan.pdf"]


def test_cli_default_name_and_data_formats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_council_assessment(tmp_path).resolve()
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    args = ["plan", str(source), "--target", "Excellent"]  # a level name, in any case
    result = CliRunner().invoke(main, [*args, "--format", "yaml"])
    assert result.exit_code == 0, result.output
    csv_result = CliRunner().invoke(main, [*args, "--format", "csv"])
    assert csv_result.exit_code == 0, csv_result.output
    assert sorted(p.name for p in here.iterdir()) == [
        "housing-services-2025-26-plan.csv",
        "housing-services-2025-26-plan.yaml",
    ]
    plan = load_plan(here / "housing-services-2025-26-plan.yaml")
    assert plan.items and all(i.target == "excellent" for i in plan.items)
    assert load_plan(here / "housing-services-2025-26-plan.csv") == plan


def test_cli_yaml_plan_loads_back(tmp_path: Path) -> None:
    source = write_council_assessment(tmp_path)
    target = tmp_path / "plan.yaml"
    result = CliRunner().invoke(
        main,
        [
            "plan",
            str(source),
            *("-o", str(target), "--format", "yaml", "--horizon", "12", "--date", "2026-03-01"),
        ],
    )
    assert result.exit_code == 0, result.output
    plan = load_plan(target)
    assert plan.organisation == "City Council" and plan.horizon_months == 12
    engagement = next(i for i in plan.items if i.ref == "communities.engagement")
    assert engagement.lead_officer == "Jane Smith"
    # Dated from --date, staged over the 12-month horizon.
    assert engagement.timeframe in {"by June 2026", "by September 2026", "by March 2027"}


def test_cli_rejects_unknown_target_level(tmp_path: Path) -> None:
    source = write_council_assessment(tmp_path)
    result = CliRunner().invoke(main, ["plan", str(source), "--target", "gold"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: --target: 'gold' is not a level of council-equality-3; "
        "use one of developing, achieving, excellent\n"
    )


def test_cli_needs_files_or_unit_and_period(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["plan", "--unit", "City Council/Housing"])
    assert result.exit_code == 2
    assert "give assessment files, or --unit and --period" in result.output


def test_cli_reads_the_current_assessment_from_the_store(tmp_path: Path) -> None:
    from maturity.files.intake import load_assessment
    from maturity.store import open_store

    a, fw = load_assessment(write_council_assessment(tmp_path))
    db = tmp_path / "maturity.db"
    with open_store(str(db), create=True) as store:
        store.add(a, fw, score(fw, a), source="housing.yaml")
    target = tmp_path / "plan.yaml"
    common = ["plan", "--store", str(db), "--period", "2025/26", "--format", "yaml"]
    result = CliRunner().invoke(
        main, [*common, "--unit", "City Council/Housing Services", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert load_plan(target).unit == "City Council/Housing Services"
    missing = CliRunner().invoke(main, [*common, "--unit", "City Council/Parks"])
    assert missing.exit_code == 1
    assert missing.output.startswith(
        f"Error: {db}: no assessment of 'City Council/Parks' for 2025/26"
    )
