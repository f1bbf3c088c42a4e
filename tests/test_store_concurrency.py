"""Eight importers and two benchmark readers at once on PostgreSQL: nothing lost, no gaps.

Every importer stores its own units and revises the same shared ones, so they race for
the same keys; the readers run `maturity benchmark` over the store meanwhile. (SQLite
lets one writer in at a time; its concurrency test is in test_store.py.)
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from test_store import FW, ROOT, write

from maturity.store import open_store

IMPORTERS = 8
READERS = 2
OWN = 5
SHARED = 5
LEVELS = ("developing", "achieving", "excellent")


def maturity(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "maturity", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("new_store_url", ["postgresql"], indirect=True)
def test_importers_and_readers_at_once_lose_nothing(tmp_path: Path, store_url: str) -> None:
    seed = write(tmp_path / "seed", "seed.yaml", unit="City Council/Seed")
    assert maturity("import", str(seed), "--store", store_url).wait(60) == 0
    folders = []
    for p in range(IMPORTERS):
        folder = tmp_path / f"importer-{p}"
        for i in range(OWN):
            write(folder, f"own-{i}.yaml", unit=f"City Council/Team {p}/Unit {i}")
        for i in range(SHARED):  # the same keys in every importer, with differing content
            level = LEVELS[(p + i) % len(LEVELS)]
            write(folder, f"shared-{i}.yaml", unit=f"City Council/Shared {i}", level=level)
        folders.append(folder)

    importers = [maturity("import", str(f), "--store", store_url) for f in folders]
    reads = 0
    while any(proc.poll() is None for proc in importers) or reads < 2 * READERS:
        readers = [maturity("benchmark", "--store", store_url, "--format", "json")
                   for _ in range(READERS)]  # fmt: skip
        for reader in readers:
            out, err = reader.communicate(timeout=120)
            assert reader.returncode == 0, err
            assert {row["unit"] for row in json.loads(out)} >= {"City Council/Seed"}
            reads += 1
        time.sleep(0.05)

    written: Counter[str] = Counter()  # versions each importer says it stored, per unit
    for proc in importers:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert err == ""  # no deadlock or serialization failure reached the user
        for line in out.splitlines()[:-1]:
            status, rest = line.split(maxsplit=1)
            assert status in ("imported", "revised", "unchanged"), line
            if status != "unchanged":
                written[rest.split(": ", 1)[1].rsplit(" 2025/26", 1)[0]] += 1

    with open_store(store_url) as store:
        for p in range(IMPORTERS):
            for i in range(OWN):
                history = store.history(f"City Council/Team {p}/Unit {i}")
                assert [(v.version, v.current) for v in history] == [(1, True)]
        for i in range(SHARED):
            unit = f"City Council/Shared {i}"
            history = store.history(unit)
            numbers = [v.version for v in history]
            assert numbers == list(range(1, len(numbers) + 1))  # no gaps, no duplicates
            assert [v.current for v in history] == [False] * (len(numbers) - 1) + [True]
            assert len(numbers) == written[unit]  # every version reported was kept
            assert 2 <= len(numbers) <= IMPORTERS  # differing content: revised under contention
        assert len(store.scores(FW)) == IMPORTERS * OWN + SHARED + 1
    assert reads >= 2 * READERS
