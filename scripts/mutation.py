"""Mutation testing of the core: each module against its own test file, with mutmut.

    python scripts/mutation.py                 # the core modules listed in MODULES
    python scripts/mutation.py scoring gaps    # only these

Each module runs in a scratch copy of the project (mutmut writes its `mutants/` folder
beside the code), mutating only `maturity/core/MODULE.py` and running only
`tests/test_MODULE.py`. Prints killed / all mutants per module and exits 1 when a
module scores under the bar. Slow: minutes per module.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ["scoring", "benchmark", "gaps", "suppression", "progress", "plan", "board"]
BAR = 0.95
COPY = ["maturity", "tests", "frameworks", "assessments", "reports", "pyproject.toml"]


def run_module(module: str) -> tuple[int, int]:
    """(killed, total) for one core module."""
    with tempfile.TemporaryDirectory(prefix=f"mutation-{module}-") as scratch:
        work = Path(scratch)
        for name in COPY:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, work / name)
        (work / "setup.cfg").write_text(
            "[mutmut]\n"
            # The whole package is copied (the tests must import the mutated copy, not the
            # installed one); only the one module is mutated.
            "source_paths=maturity\n"
            f"only_mutate=maturity/core/{module}.py\n"
            f"pytest_add_cli_args_test_selection=tests/test_{module}.py\n"
            "also_copy=\n  tests\n  frameworks\n  assessments\n  reports\n"
        )
        # mutmut reads [tool.mutmut] from pyproject.toml first; ours has none, so setup.cfg rules.
        env = {**os.environ, "MATURITY_HYPOTHESIS_EXAMPLES": "5"}
        jobs = str(os.cpu_count() or 1)
        mutmut = [sys.executable, "-m", "mutmut"]
        subprocess.run([*mutmut, "run", "--max-children", jobs], cwd=work, env=env, check=False)
        subprocess.run([*mutmut, "export-cicd-stats"], cwd=work, env=env, check=True)
        stats = json.loads((work / "mutants" / "mutmut-cicd-stats.json").read_text())
        survivors = subprocess.run(
            [*mutmut, "results"], cwd=work, env=env, capture_output=True, text=True, check=False
        ).stdout
        # Each survivor's diff, for whoever writes the test that kills it.
        diffs = [
            subprocess.run(
                [*mutmut, "show", line.split(":")[0].strip()],
                cwd=work, env=env, capture_output=True, text=True, check=False,
            ).stdout
            for line in survivors.splitlines()
            if line.strip().endswith(("survived", "no tests"))
        ]  # fmt: skip
        (ROOT / "out").mkdir(exist_ok=True)
        (ROOT / "out" / f"mutation-{module}.txt").write_text(survivors + "\n" + "\n".join(diffs))
    killed = int(stats["killed"]) + int(stats.get("timeout", 0))
    return killed, int(stats["total"]) - int(stats.get("skipped", 0))


def main(argv: list[str]) -> int:
    modules = argv or MODULES
    scores = {}
    for module in modules:
        killed, total = run_module(module)
        scores[module] = (killed, total)
    print("\nmodule        killed / mutants   score")
    low = []
    for module, (killed, total) in scores.items():
        score = killed / total if total else 1.0
        print(f"{module:<13} {killed:>6} / {total:<7}   {score:6.1%}")
        if score < BAR:
            low.append(module)
    if low:
        print(f"under {BAR:.0%}: {', '.join(low)} (survivors listed in out/mutation-MODULE.txt)")
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
