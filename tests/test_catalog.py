"""The catalogue's cache of validated frameworks: faster, never stale, never trusted blindly."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from maturity.files import catalog

SMALL = Path(__file__).parent / "data" / "frameworks" / "valid-small.yaml"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MATURITY_CACHE", str(folder))
    monkeypatch.setattr(catalog, "_MEMO", {})
    return folder / "maturity"


def fresh(path: Path) -> catalog.Framework:
    catalog._MEMO.clear()
    return catalog.load_framework(str(path))


def test_a_framework_read_through_the_cache_equals_the_validated_file(cache: Path) -> None:
    first = fresh(SMALL)
    (kept,) = cache.glob("framework-*.pickle")
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    second = fresh(SMALL)
    assert second == first
    assert second.criteria.keys() == first.criteria.keys()
    assert kept.exists()


def test_a_changed_file_is_read_afresh(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    before = fresh(path)
    path.write_text(
        SMALL.read_text(encoding="utf-8").replace(f"name: {before.name}", "name: Renamed"),
        encoding="utf-8",
    )
    assert fresh(path).name == "Renamed"


def plant(cache: Path, name: str) -> Path:
    """Replace the cached copy with a different framework, as an attacker would."""
    (kept,) = cache.glob("framework-*.pickle")
    planted = fresh(SMALL).model_copy(update={"name": name})
    kept.write_bytes(pickle.dumps(planted))
    return kept


def test_a_copy_others_can_write_is_not_read(cache: Path) -> None:
    fresh(SMALL)
    kept = plant(cache, "Planted")
    assert fresh(SMALL).name == "Planted"  # ours alone: read (the check below can fail)
    kept.chmod(0o666)
    assert fresh(SMALL).name != "Planted"


def test_a_folder_others_can_write_is_not_read(cache: Path) -> None:
    fresh(SMALL)
    plant(cache, "Planted")
    cache.chmod(0o777)
    assert fresh(SMALL).name != "Planted"


def test_a_damaged_copy_falls_back_to_the_file(cache: Path) -> None:
    fresh(SMALL)
    (kept,) = cache.glob("framework-*.pickle")
    kept.write_bytes(b"not a pickle")
    assert fresh(SMALL).id == catalog.load_framework_file(SMALL)[0].id
