"""Benchmark: the board pack at 7, 50 and 300 units (a council has a few hundred).

Generates synthetic assessments (the built-in edi-maturity framework, two periods,
services in departments of ten) as YAML in a temporary folder, imports them into a
temporary SQLite store, then runs `maturity report board` once per size and prints
the wall time, the CPU time and the pages, with the time spent drawing the trend
charts measured in-process (target: 300 units in about 30 s).

    python bench/bench_board.py                  # 7, 50 and 300 units
    python bench/bench_board.py --units 300
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_report import PERIODS, write_assessments

from maturity.store.importing import import_files
from maturity.store.store import open_store

ROOT = Path(__file__).resolve().parent.parent
MATURITY = str(Path(sys.executable).parent / "maturity")
PER_DEPARTMENT = 10


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def trend_time(store: Path) -> tuple[float, int]:
    """Seconds to draw every trend page of the pack in this process, and the page count."""
    from maturity.cli.report import load_board
    from maturity.reports.board import body_trends
    from maturity.reports.board_charts import trend_chart, trend_pages

    with open_store(str(store)) as opened:
        pack = load_board(opened, PERIODS[-1], None, 5, None)
    trend_chart(pack, pack.trends[:1])  # import matplotlib outside the timing
    pages = trend_pages(body_trends(pack))
    start = time.perf_counter()
    for lines in pages:
        trend_chart(pack, lines)
    return time.perf_counter() - start, len(pages)


def run(units: int, folder: Path) -> None:
    write_assessments(folder / "assessments", units, per_department=PER_DEPARTMENT)
    store = folder / "bench.db"
    with open_store(str(store), create=True) as opened:
        import_files(opened, [folder / "assessments"])
    out = folder / "board.pdf"
    cpu = children_cpu()
    start = time.perf_counter()
    result = subprocess.run(
        [MATURITY, "report", "board", "--period", PERIODS[-1], "--store", str(store), "-o", out],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    wall = time.perf_counter() - start
    cpu = children_cpu() - cpu
    if result.returncode != 0:
        sys.exit(f"report board failed ({result.returncode}):\n{result.stderr}")
    pages = re.search(r"(\d+) pages", result.stdout)
    trend, trend_pages = trend_time(store)
    print(
        f"{units:4d} units: {wall:6.1f} s wall, {cpu:6.1f} s CPU, "
        f"{pages.group(1) if pages else '?'} pages; trend charts {trend:.1f} s "
        f"({trend_pages} page{'s' if trend_pages != 1 else ''})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, action="append", help="repeatable; default 7, 50, 300")
    args = parser.parse_args()
    sizes = args.units or [7, 50, 300]
    print(
        f"cores: {os.cpu_count()}, periods: {', '.join(PERIODS)}, {PER_DEPARTMENT} per department"
    )
    print(f"load average before: {os.getloadavg()[0]:.2f} (other work on the machine skews this)")
    for units in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            run(units, Path(tmp))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
