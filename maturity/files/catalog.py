"""Finding frameworks and bundled files: built-in ones by id, others by path.

The built-in frameworks and report templates live in the repository's
`frameworks/` and `reports/` folders and are installed with the package as
`maturity/_data/...`; both layouts are looked up here and nowhere else.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from maturity import __version__
from maturity.core.assessment import Assessment
from maturity.core.errors import MaturityError, shown
from maturity.core.framework import Framework
from maturity.files.loading import load

_PACKAGE = Path(__file__).resolve().parent.parent


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
    if candidate.suffix in {".yaml", ".yml"} or _exists(candidate):
        return candidate
    framework_id = ref.split("@", 1)[0]
    path = data_dir("frameworks") / f"{framework_id}.yaml"
    if not _exists(path, file=True):
        known = ", ".join(builtin_ids()) or "none"
        raise MaturityError(
            f"no framework '{shown(framework_id)}': give a file path or a built-in id ({known})"
        )
    return path


def _exists(path: Path, file: bool = False) -> bool:
    """Whether `path` exists (is a file); False for a name the system refuses, e.g. too long."""
    try:
        return path.is_file() if file else path.exists()
    except OSError:
        return False


def _cache_file(path: Path) -> Path | None:
    """Where the validated copy of a framework file is kept, keyed by its content."""
    base = os.environ.get("MATURITY_CACHE") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:32]
    except OSError:
        return None
    return root / "maturity" / f"framework-{__version__}-{digest}.json"


def _read_framework(path: Path) -> Framework:
    """Load a framework file, through a cache of validated copies.

    Parsing YAML is most of the time `maturity score` takes; a framework that
    validated once is kept as JSON keyed by its content (and this version of
    maturity), which pydantic reads back in under a millisecond. The cache is a
    convenience: any failure to read or write it falls back to the YAML.
    """
    try:
        stat = path.stat()
        memo_key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        memo_key = None
    if memo_key in _MEMO:
        return _MEMO[memo_key]
    framework = _read_framework_file(path)
    if memo_key is not None:
        _MEMO[memo_key] = framework
    return framework


# Frameworks already loaded by this process: an import of many files loads each once.
_MEMO: dict[tuple[str, int, int] | None, Framework] = {}


def _read_framework_file(path: Path) -> Framework:
    cache = _cache_file(path)
    if cache is not None and cache.is_file():
        try:
            return Framework.model_validate_json(cache.read_bytes())
        except (OSError, ValueError):
            pass
    framework, _ = load(path, Framework)
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(framework.model_dump_json(), encoding="utf-8")
            tmp.replace(cache)
        except OSError:
            pass
    return framework


def load_framework(ref: str) -> Framework:
    """Load and validate a framework by path or built-in id; with `@version`, check it."""
    framework = _read_framework(framework_path(ref))
    if "@" in ref and not _exists(Path(ref)):
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
