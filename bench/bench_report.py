"""Benchmark: `maturity report all` for many units, on 1 core and on 2.

Generates synthetic assessments (the built-in edi-maturity framework, two periods)
as YAML in a temporary folder, imports them into a temporary SQLite store, then
runs `maturity report all` with --jobs 1 and --jobs 2 and prints the wall time,
the time per document and the speed-up (target: at least 1.6x on 2 cores).

    python bench/bench_report.py            # 50 units
    python bench/bench_report.py --units 10
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from maturity.files.catalog import load_framework
from maturity.store import open_store
from maturity.store.importing import import_files

ROOT = Path(__file__).resolve().parent.parent
MATURITY = str(Path(sys.executable).parent / "maturity")
PERIODS = ["2024/25", "2025/26"]
LINE = re.compile(
    r"^\[\d+/\d+\] done (?P<name>.+) \((?P<pages>\d+) pages, (?P<s>[\d.]+) s, "
    r"CPU (?P<cpu>[\d.]+) s\)$"
)


def write_assessments(folder: Path, units: int, seed: int = 7, per_department: int = 5) -> None:
    """`units` services in departments of `per_department`, each assessed in every period."""
    fw = load_framework("edi-maturity")
    rng = random.Random(seed)
    for period in PERIODS:
        out = folder / period.replace("/", "-")
        out.mkdir(parents=True)
        for i in range(units):
            responses: dict[str, object] = {}
            for ref, (_, criterion) in fw.criteria.items():
                level = fw.level_ids[min(rng.randrange(4) + PERIODS.index(period), 4)]
                answer: dict[str, object] = {
                    "level": level,
                    "evidence": [f"Evidence for {ref}"],
                    "owner": f"Officer {i}",
                    "service_area": f"Service {i}",
                }
                if criterion.metric is not None:
                    answer = {"value": round(rng.uniform(0, 100), 1), "evidence": ["Dashboard"]}
                responses[ref] = answer
            data = {
                "framework": fw.ref,
                "unit": f"City Council/Department {i // per_department + 1}/Service {i + 1}",
                "period": period,
                "respondents": 1 + i % 4,
                "responses": responses,
            }
            text = yaml.safe_dump(data, sort_keys=False)
            (out / f"service-{i + 1}.yaml").write_text(text, encoding="utf-8")


Doc = tuple[str, float, int, float]


def report_all(store: Path, out: Path, jobs: int) -> tuple[float, list[Doc]]:
    """Run `maturity report all`; the wall time and each document's (name, s, pages, CPU s)."""
    start = time.perf_counter()
    result = subprocess.run(
        [
            MATURITY,
            "report",
            "all",
            "--period",
            PERIODS[-1],
            "--store",
            str(store),
            "-o",
            str(out),
            "--jobs",
            str(jobs),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"report all --jobs {jobs} failed ({result.returncode}):\n{result.stderr}")
    docs = []
    for line in result.stderr.splitlines():
        match = LINE.match(line)
        if match:
            docs.append(
                (match["name"], float(match["s"]), int(match["pages"]), float(match["cpu"]))
            )
    return wall, docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=50)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, units: {args.units}, periods: {', '.join(PERIODS)}")
    print(f"load average before: {os.getloadavg()[0]:.2f} (other work on the machine skews this)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_assessments(folder / "assessments", args.units)
        store = folder / "bench.db"
        with open_store(str(store), create=True) as opened:
            reports = import_files(opened, [folder / "assessments"])
        print(f"imported {sum(r.status == 'imported' for r in reports)} assessments")
        walls = {}
        for jobs in (1, 2):
            wall, docs = report_all(store, folder / f"out{jobs}", jobs)
            walls[jobs] = wall
            plans = [s for name, s, _, _ in docs if not name.startswith("board pack")]
            board = [s for name, s, _, _ in docs if name.startswith("board pack")]
            cpu = [c for name, _, _, c in docs if not name.startswith("board pack")]
            pages = sum(p for _, _, p, _ in docs)
            print(
                f"--jobs {jobs}: {wall:6.1f} s wall for {len(docs)} documents ({pages} pages); "
                f"{wall / len(docs):.2f} s wall per document"
            )
            print(
                f"    per document (worker time): board pack {board[0]:.1f} s; action plans "
                f"median {statistics.median(plans):.2f} s, min {min(plans):.2f} s, "
                f"max {max(plans):.2f} s; CPU per plan median {statistics.median(cpu):.2f} s"
            )
        print(f"speed-up with 2 cores: {walls[1] / walls[2]:.2f}x (target >= 1.6x)")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
