"""Finding frameworks and bundled files: built-in ones by id, others by path.

The built-in frameworks and report templates live in the repository's
`frameworks/` and `reports/` folders and are installed with the package as
`maturity/_data/...`; both layouts are looked up here and nowhere else.
"""

from __future__ import annotations

from pathlib import Path

from maturity.assessment import Assessment
from maturity.errors import MaturityError
from maturity.framework import Framework
from maturity.loading import load

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The bundled folder `name` (`frameworks` or `reports`), installed or in a checkout."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def builtin_paths() -> list[Path]:
    """The built-in framework files, by name."""
    return sorted(data_dir("frameworks").glob("*.yaml"))


def builtin_ids() -> list[str]:
    return [p.stem for p in builtin_paths()]


def framework_path(ref: str) -> Path:
    """A framework file from a path or a built-in id (`edi-maturity`, optionally `@version`)."""
    candidate = Path(ref)
    if candidate.suffix in {".yaml", ".yml"} or candidate.exists():
        return candidate
    framework_id = ref.split("@", 1)[0]
    path = data_dir("frameworks") / f"{framework_id}.yaml"
    if not path.is_file():
        known = ", ".join(builtin_ids()) or "none"
        raise MaturityError(
            f"no framework '{framework_id}': give a file path or a built-in id ({known})"
        )
    return path


def load_framework(ref: str) -> Framework:
    """Load and validate a framework by path or built-in id; with `@version`, check it."""
    framework, _ = load(framework_path(ref), Framework)
    if "@" in ref and not Path(ref).exists():
        version = ref.split("@", 1)[1]
        if version != framework.version:
            raise MaturityError(
                f"framework '{framework.id}' version {version} is not available "
                f"(the built-in one is version {framework.version})"
            )
    return framework


def framework_for(assessment: Assessment, override: str | None = None) -> Framework:
    """The framework an assessment names, or `override` (a path or id) when given."""
    return load_framework(override or assessment.framework)
