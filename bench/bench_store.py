"""Store and benchmark at scale: 1,000 units x 10 periods of a built-in framework.

Generates seeded synthetic assessments in a temporary folder, then times, through the
CLI (a subprocess, as a user runs it) and in-process:
  - `maturity import` of every file into a new SQLite store (target: >= 300 per second),
  - `maturity benchmark` for the latest period (target: < 1 s) and all periods (< 3 s),
and reports each child's peak memory (target: < 500 MB).

    python bench/bench_store.py [--units 1000] [--periods 10] [--framework edi-maturity]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from maturity.core.framework import Framework  # noqa: E402
from maturity.files.catalog import load_framework  # noqa: E402


def generate(folder: Path, fw: Framework, units: int, periods: int, seed: int = 7) -> int:
    """Write one assessment per unit and period; levels drift upwards at random."""
    rng = random.Random(seed)
    refs = list(fw.criteria)
    levels = fw.level_ids
    count = 0
    first_year = 2026 - periods
    departments = max(1, units // 50)
    for u in range(units):
        unit = f"City Council/Department {u % departments:02d}/Service {u:04d}"
        state = {ref: rng.randrange(len(levels) - 1) for ref in refs}
        for p in range(periods):
            year = first_year + p
            period = f"{year}/{(year + 1) % 100:02d}"
            lines = [
                f"framework: {fw.ref}",
                f"unit: {unit}",
                f"period: {period}",
                f"respondents: {rng.randint(1, 6)}",
                f"submitted_by: Officer {u % 37}",
                "responses:",
            ]
            for ref in refs:
                if rng.random() < 0.3:
                    state[ref] = min(state[ref] + 1, len(levels) - 1)
                lines.append(f"  {ref}:")
                lines.append(f"    level: {levels[state[ref]]}")
                lines.append(f'    evidence: ["Evidence for {ref} in {period}"]')
            out = folder / period.replace("/", "-") / f"service-{u:04d}.yaml"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text("\n".join(lines) + "\n", encoding="utf-8")
            count += 1
    return count


def cli_peak(*args: str) -> tuple[float, float, str]:
    """Run `maturity ARGS`: (seconds, the child's own peak memory in MB, last line of output)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "maturity", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read().decode()
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"maturity {' '.join(args)} failed:\n{err}")
    tail = out.strip().splitlines()[-1] if out.strip() else ""
    return seconds, usage.ru_maxrss / 1024, tail


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--periods", type=int, default=10)
    parser.add_argument("--framework", default="edi-maturity")
    args = parser.parse_args()

    from maturity.core.benchmark import benchmark
    from maturity.store import open_store
    from maturity.store.importing import import_files

    fw = load_framework(args.framework)
    with tempfile.TemporaryDirectory(prefix="maturity-bench-") as tmp:
        folder = Path(tmp) / "assessments"
        t = time.perf_counter()
        n = generate(folder, fw, args.units, args.periods)
        print(f"generated {n} assessments of {fw.ref} ({len(fw.criteria)} criteria) "
              f"in {time.perf_counter() - t:.1f} s")  # fmt: skip
        db = str(Path(tmp) / "bench.db")

        seconds, peak, tail = cli_peak("import", str(folder), "--store", db)
        print(f"CLI import:            {seconds:6.2f} s  {n / seconds:7.0f} assessments/s  "
              f"peak {peak:5.0f} MB   ({tail})")  # fmt: skip
        seconds, peak, tail = cli_peak("import", str(folder), "--store", db)
        print(f"CLI re-import (same):  {seconds:6.2f} s  {n / seconds:7.0f} assessments/s  "
              f"peak {peak:5.0f} MB   ({tail})")  # fmt: skip
        for period in ("latest", "all"):
            extra = [] if period == "latest" else ["--period", "all"]
            for fmt in ("table", "json"):
                seconds, peak, _ = cli_peak("benchmark", "--store", db, "--format", fmt, *extra)
                print(f"CLI benchmark {period:<6} {fmt:<5}  {seconds:6.2f} s  peak {peak:5.0f} MB")
        seconds, peak, _ = cli_peak("--help")
        print(f"CLI --help (startup floor): {seconds:5.2f} s  peak {peak:5.0f} MB")

        # In-process: the library without interpreter start-up.
        sample = sorted(folder.rglob("*.yaml"))[: min(n, 1000)]
        fresh = str(Path(tmp) / "fresh.db")
        with open_store(fresh, create=True) as store:
            t = time.perf_counter()
            import_files(store, sample)
            seconds = time.perf_counter() - t
        print(f"in-process import of {len(sample)}: {seconds:5.2f} s  "
              f"{len(sample) / seconds:7.0f} assessments/s")  # fmt: skip
        with open_store(db) as store:
            periods = store.periods(fw.id)
            for label, chosen in (("latest", periods[-1]), ("all", None)):
                t = time.perf_counter()
                scores = store.benchmark_scores(fw.id, chosen)
                loaded = time.perf_counter() - t
                result = benchmark(scores, store.frameworks(fw.id), period=chosen)
                total = time.perf_counter() - t
                print(f"in-process benchmark {label:<6}: {total:5.2f} s "
                      f"(load {loaded:4.2f} s), {len(result.rows)} rows")  # fmt: skip
        size = Path(db).stat().st_size / 2**20
        print(f"store size: {size:.0f} MB for {n} assessments")


if __name__ == "__main__":
    main()
