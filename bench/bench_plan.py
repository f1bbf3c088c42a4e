"""Time `maturity plan` against WeasyPrint alone rendering the same final HTML.

Usage: python bench/bench_plan.py [ASSESSMENT] [--rounds N] [--target LEVEL]

Both are timed as fresh processes (interpreter start and imports included), in
alternating rounds, and the median of each is reported with their ratio. The
"WeasyPrint alone" run gets the plan's final HTML (chart inlined as a data: URL)
and the bundled stylesheet, with WeasyPrint's own default URL fetcher.
"""

from __future__ import annotations

import argparse
import base64
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from maturity.core.gaps import Targets  # noqa: E402
from maturity.core.plan import PlanConfig  # noqa: E402
from maturity.core.scoring import score  # noqa: E402
from maturity.files.intake import load_assessment  # noqa: E402
from maturity.reports.plan import CHART, build_report, chart_svg, pdf_html  # noqa: E402
from maturity.reports.render import GENERATED_SCHEME, base_url  # noqa: E402

WEASYPRINT_ALONE = """
import sys
from weasyprint import HTML
HTML(filename=sys.argv[1], base_url=sys.argv[2]).write_pdf(sys.argv[3], pdf_variant="pdf/ua-1")
"""


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=REPO)
    return time.perf_counter() - start


def pages(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "assessment", nargs="?", default=str(REPO / "assessments/2025-26/childrens-services.yaml")
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--target", default=None)
    args = parser.parse_args()

    source = Path(args.assessment)
    assessment, fw = load_assessment(source)
    config = PlanConfig(drafted_on=date.today(), organisation=assessment.unit.split("/")[0])
    report = build_report(fw, assessment, score(fw, assessment), Targets(level=args.target), config)
    chart = base64.b64encode(chart_svg(report)).decode("ascii")
    html = pdf_html(report).replace(
        f"{GENERATED_SCHEME}:{CHART}", f"data:image/svg+xml;base64,{chart}"
    )
    maturity = str(Path(sys.executable).parent / "maturity")
    with tempfile.TemporaryDirectory() as tmp:
        html_path = Path(tmp) / "plan.html"
        html_path.write_text(html, encoding="utf-8")
        plan_pdf, alone_pdf = Path(tmp) / "plan.pdf", Path(tmp) / "alone.pdf"
        plan_cmd = [maturity, "plan", str(source), "-o", str(plan_pdf), "--force"]
        if args.target:
            plan_cmd += ["--target", args.target]
        alone_cmd = [
            sys.executable,
            "-c",
            WEASYPRINT_ALONE,
            str(html_path),
            base_url(),
            str(alone_pdf),
        ]
        timed(plan_cmd)  # warm caches (font cache, framework cache, .pyc)
        timed(alone_cmd)
        plan_times, alone_times = [], []
        for _ in range(args.rounds):
            plan_times.append(timed(plan_cmd))
            alone_times.append(timed(alone_cmd))
        n_plan, n_alone = pages(plan_pdf), pages(alone_pdf)
    plan_s, alone_s = statistics.median(plan_times), statistics.median(alone_times)
    print(f"assessment:           {source} ({len(report.plan.items)} plan items)")
    print(f"pages:                maturity plan {n_plan}, WeasyPrint alone {n_alone}")
    print(
        f"maturity plan:        median {plan_s:.2f} s over {args.rounds} runs "
        f"(min {min(plan_times):.2f}, max {max(plan_times):.2f})"
    )
    print(
        f"WeasyPrint alone:     median {alone_s:.2f} s over {args.rounds} runs "
        f"(min {min(alone_times):.2f}, max {max(alone_times):.2f})"
    )
    print(f"ratio:                {plan_s / alone_s:.2f}x (goal: at most 1.25x)")


if __name__ == "__main__":
    main()
