"""The bundled reference sets (`frameworks/references/*.yaml`), loaded and looked up by id."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from maturity.core.crosswalk import ReferenceSet
from maturity.core.errors import MaturityError
from maturity.files.catalog import data_dir
from maturity.files.loading import load


def references_dir() -> Path:
    return data_dir("frameworks") / "references"


@cache
def load_references() -> tuple[ReferenceSet, ...]:
    """Every bundled reference set, validated, by file name."""
    return tuple(load(path, ReferenceSet)[0] for path in sorted(references_dir().glob("*.yaml")))


def reference_set(ref: str) -> ReferenceSet:
    """A bundled reference set by id, or a reference set file by path."""
    path = Path(ref)
    if path.suffix in {".yaml", ".yml"}:
        return load(path, ReferenceSet)[0]
    for found in load_references():
        if found.id == ref:
            return found
    known = ", ".join(r.id for r in load_references()) or "none"
    raise MaturityError(f"no reference set '{ref}': give a file path or one of {known}")
