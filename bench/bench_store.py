"""Store and benchmark at scale, on SQLite and PostgreSQL, against the targets.

Generates seeded synthetic assessments of a built-in framework in a temporary folder,
then times through the CLI (a subprocess, as a user runs it), on each engine:
  - 1,000 units x 10 periods: `maturity import` of every file into a new store
    (target on SQLite: >= 300 assessments/s), then `maturity benchmark` for the latest
    period (target: < 1 s) and for all periods (< 3 s), each under 500 MB peak;
  - 10,000 units x 1 period: the same number of files in one period, where a per-file
    lookup that scans the period makes import quadratic.
PostgreSQL runs on a throwaway server started here (Debian's binaries, as the tests do),
or on `--postgresql URL`; peak memory is the maturity process's, not the server's.

    python bench/bench_store.py [--engines sqlite,postgresql] [--shapes 1000x10,10000x1]

Why the store phase is built as it is (profiled before changing it, 2 cores, busy machine):
storing 8,000 new units into one period one by one cost 2.2 ms/file for the first 2,000
and 9.4 ms/file by the last 2,000 on SQLite: the lookup of the current version
(framework, unit, period, current) used `ix_current (framework_id, current, period)`,
SQLite's choice without statistics, and scanned every unit already in the period (the
retire statement too). Migration 0002's unique partial index `uq_current (unit,
framework_id, period) WHERE current` made it 0.48 ms/file, flat to 8,000. PostgreSQL's
planner already used a unit-led index (`uq_version`) there. tests/test_store_scale.py
keeps it so, by counting work rather than time.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
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


TARGET_IMPORT_RATE = 300  # assessments/s, on SQLite
TARGET_ONE_PERIOD = 1.0  # seconds
TARGET_ALL_PERIODS = 3.0  # seconds
TARGET_PEAK = 500  # MB


def verdict(ok: bool) -> str:
    return "ok  " if ok else "MISS"


def run_shape(engine: str, url: str, folder: Path, n: int, shape: str, with_bench: bool) -> None:
    seconds, peak, tail = cli_peak("import", str(folder), "--store", url)
    rate = n / seconds
    target = f">= {TARGET_IMPORT_RATE}/s" if engine == "sqlite" else "(no target)"
    ok = rate >= TARGET_IMPORT_RATE if engine == "sqlite" else True
    print(f"{engine:<10} {shape:<8} import          {seconds:7.1f} s {rate:6.0f}/s  "
          f"peak {peak:4.0f} MB   target {target:<11} {verdict(ok and peak < TARGET_PEAK)}"
          f"  ({tail})", flush=True)  # fmt: skip
    if not with_bench:
        return
    for label, extra, limit in (
        ("latest period", [], TARGET_ONE_PERIOD),
        ("all periods", ["--period", "all"], TARGET_ALL_PERIODS),
    ):
        seconds, peak, _ = cli_peak("benchmark", "--store", url, "--format", "json", *extra)
        ok = seconds < limit and peak < TARGET_PEAK
        print(f"{engine:<10} {shape:<8} benchmark {label:<13} {seconds:5.2f} s         "
              f"peak {peak:4.0f} MB   target < {limit:.0f} s     {verdict(ok)}",
              flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--shapes", default="1000x10,10000x1", help="UNITSxPERIODS,...")
    parser.add_argument("--framework", default="edi-maturity")
    parser.add_argument("--postgresql", metavar="URL", help="An empty database to use.")
    args = parser.parse_args()
    engines = args.engines.split(",")
    shapes = [tuple(int(x) for x in shape.split("x")) for shape in args.shapes.split(",")]

    fw = load_framework(args.framework)
    with tempfile.TemporaryDirectory(prefix="maturity-bench-") as tmp, ExitStack() as stack:
        server = None
        if "postgresql" in engines and not args.postgresql:
            sys.path.insert(0, str(ROOT / "tests"))
            from pg_server import running_server

            try:
                server = stack.enter_context(running_server())
            except (FileNotFoundError, RuntimeError) as exc:
                print(f"!!! PostgreSQL NOT MEASURED: {exc}")
                engines.remove("postgresql")
        seconds, peak, _ = cli_peak("--help")
        print(f"CLI --help (start-up floor): {seconds:5.2f} s  peak {peak:4.0f} MB")
        for units, periods in shapes:
            shape = f"{units}x{periods}"
            folder = Path(tmp) / shape
            t = time.perf_counter()
            n = generate(folder, fw, units, periods)
            print(f"generated {n} assessments of {fw.ref} ({len(fw.criteria)} criteria), "
                  f"{shape}, in {time.perf_counter() - t:.1f} s", flush=True)  # fmt: skip
            for engine in engines:
                if engine == "sqlite":
                    url = str(Path(tmp) / f"{shape}.db")
                elif server is not None:
                    from pg_server import admin

                    admin(server, f"CREATE DATABASE bench_{units}_{periods}")
                    url = server.url(f"bench_{units}_{periods}")
                else:
                    url = args.postgresql
                    if len(shapes) > 1:
                        raise SystemExit("--postgresql URL: give one --shapes at a time")
                run_shape(engine, url, folder, n, shape, with_bench=periods > 1)
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
