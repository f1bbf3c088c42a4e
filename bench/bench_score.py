"""Scoring speed: in-process throughput, and `maturity score FILE` against a bare import.

Targets: at least 2,000 assessments scored per second in-process for the built-in
framework (issue #3); `maturity score FILE` within 2.0x `python -c "import pydantic,
yaml, click"` (issue #10), as the median wall time of interleaved runs and, when
valgrind is installed, as instructions counted by callgrind, which machine load does
not change.

    .venv/bin/python bench/bench_score.py [--count 4000] [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from maturity.core.assessment import Assessment, Response
from maturity.core.framework import NOT_APPLICABLE, Framework
from maturity.core.scoring import score
from maturity.files.assessment_yaml import dump_assessment
from maturity.files.catalog import load_framework

BIN = Path(sys.executable).parent
TARGET = 2.0
# As the CLI runs: no pydantic plugins; .pyc files written, as an installed package has.
ENV = {**os.environ, "PYDANTIC_DISABLE_PLUGINS": "__all__"}
ENV.pop("PYTHONDONTWRITEBYTECODE", None)


def synthetic(fw: Framework, rng: random.Random, unit: int) -> Assessment:
    """A plausible random assessment: most criteria answered, some evidence, metric values."""
    responses: dict[str, Response] = {}
    for ref, (_, criterion) in fw.criteria.items():
        roll = rng.random()
        if roll < 0.05:
            continue
        level = NOT_APPLICABLE if roll < 0.08 else rng.choice(fw.level_ids)
        value = None
        if criterion.metric is not None and rng.random() < 0.8:
            value = round(rng.uniform(0, 100), 1)
        evidence = [f"Evidence item {i} for {ref}" for i in range(rng.randint(0, 2))]
        responses[ref] = Response(level=level, value=value, evidence=evidence, owner="A. Officer")
    return Assessment(
        framework=fw.ref,
        unit=f"City Council/Department {unit // 10}/Service {unit}",
        period="2025/26",
        respondents=rng.randint(1, 6),
        responses=responses,
    )


def median_wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def instructions(cmd: list[str]) -> int:
    """Instructions one run of `cmd` executes, counted by valgrind's callgrind."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**ENV, "PYTHONHASHSEED": "0"},
    )
    found = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count from valgrind:\n{done.stderr}")
    return int(found.group(1))


def verdict(ratio: float) -> str:
    return f"target <= {TARGET}x: {'met' if ratio <= TARGET else 'MISSED'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=4000, help="assessments to score in-process")
    parser.add_argument("--runs", type=int, default=15, help="repetitions of each command")
    args = parser.parse_args()

    fw = load_framework("edi-maturity")
    rng = random.Random(20261123)
    assessments = [synthetic(fw, rng, i) for i in range(args.count)]
    start = time.perf_counter()
    for assessment in assessments:
        score(fw, assessment)
    elapsed = time.perf_counter() - start
    rate = args.count / elapsed
    print(
        f"in-process scoring: {args.count} assessments in {elapsed:.3f} s = {rate:,.0f}/s "
        f"(target >= 2,000/s: {'met' if rate >= 2000 else 'MISSED'})"
    )

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "assessment.yaml"
        path.write_text(dump_assessment(assessments[0]), encoding="utf-8")
        bare = [sys.executable, "-c", "import pydantic, yaml, click"]
        # What a pydantic program pays for its first model: pydantic's internals, and its
        # plugin loader (importlib.metadata and more), which `maturity` skips with plugins off.
        one_model = [
            sys.executable,
            "-c",
            "import pydantic, yaml, click\nclass M(pydantic.BaseModel):\n    x: int",
        ]
        cli = [str(BIN / "maturity"), "score", str(path)]
        median_wall(cli, 2)  # warm the file cache, .pyc files and the framework cache
        # Interleave the commands so machine load affects them alike.
        times: dict[str, list[float]] = {"bare": [], "one": [], "cli": []}
        for _ in range(args.runs):
            times["bare"].append(median_wall(bare, 1))
            times["one"].append(median_wall(one_model, 1))
            times["cli"].append(median_wall(cli, 1))
        counts = None
        if shutil.which("valgrind"):
            counts = [instructions(cmd) for cmd in (bare, one_model, cli)]
    b, o, c = (statistics.median(times[k]) for k in ("bare", "one", "cli"))
    runs = f"over {args.runs} interleaved runs"
    print(f"python -c 'import pydantic, yaml, click':  median {b * 1000:.0f} ms {runs}")
    print(f"  ... plus one one-field pydantic model:   median {o * 1000:.0f} ms ({o / b:.2f}x)")
    print(f"maturity score FILE:                       median {c * 1000:.0f} ms")
    print(f"wall-time ratio {c / b:.2f}x ({verdict(c / b)})")
    if counts is None:
        print("instruction counts: valgrind is not installed (apt-get install valgrind)")
        return
    ib, io, ic = counts
    print(
        f"instructions (callgrind): bare {ib / 1e6:.0f}M, one model {io / 1e6:.0f}M "
        f"({io / ib:.2f}x), maturity score {ic / 1e6:.0f}M"
    )
    print(f"instruction ratio {ic / ib:.2f}x ({verdict(ic / ib)})")


if __name__ == "__main__":
    main()
