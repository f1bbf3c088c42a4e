"""Finding frameworks and bundled files: registered ones, built-in ones by id, others by path.

The built-in frameworks and report templates live in the repository's
`frameworks/` and `reports/` folders and are installed with the package as
`maturity/_data/...`; both layouts are looked up here and nowhere else.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from maturity import __version__
from maturity.core import framework as framework_module
from maturity.core.assessment import Assessment
from maturity.core.errors import MaturityError, shown
from maturity.core.framework import Framework, version_key
from maturity.files.framework_check import load_framework_file

try:  # CPython's own pickler; `import pickle` also defines a pure-Python one (1% of start-up)
    from _pickle import dumps, loads
except ImportError:  # another Python
    from pickle import dumps, loads

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
            f"no framework '{shown(framework_id)}': give a file path or a built-in id ({known}); "
            "to use your own, add it to the store with `maturity framework add FILE`"
        )
    return path


def _exists(path: Path, file: bool = False) -> bool:
    """Whether `path` exists (is a file); False for a name the system refuses, e.g. too long."""
    try:
        return path.is_file() if file else path.exists()
    except OSError:
        return False


def _cache_root() -> Path:
    base = os.environ.get("MATURITY_CACHE") or os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "maturity"


def _cache_file(path: Path) -> Path | None:
    """Where the validated copy of a framework file is kept.

    Keyed by the file's content, this version of maturity and the framework models' source
    (so a changed model never reads a copy made by the old one).
    """
    try:
        # BLAKE2 rather than SHA-256: half the time, on every start; 128 bits either way.
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16)
        models = Path(framework_module.__file__ or "").stat()
    except OSError:
        return None
    digest.update(f"{__version__}:{models.st_size}:{models.st_mtime_ns}".encode())
    return _cache_root() / f"framework-{digest.hexdigest()[:32]}.pickle"


def _trusted(cache: Path) -> bool:
    """Whether a cached copy may be read: ours alone, like Python's own bytecode cache.

    A pickle is code, so it is read only from a folder and file that this user owns and
    nobody else can write.
    """
    try:
        uid = os.getuid()
        for entry in (cache.parent, cache):
            st = entry.lstat()
            if st.st_uid != uid or st.st_mode & 0o022 or stat.S_ISLNK(st.st_mode):
                return False
    except (OSError, AttributeError):  # AttributeError: no getuid (Windows)
        return False
    return True


def _read_framework(path: Path) -> Framework:
    """Load a framework file, through a cache of validated copies.

    Parsing YAML and building the framework models' validators are most of the time
    `maturity score` takes; a framework that validated once is kept as a pickle of the
    validated models, which reads back in about a millisecond. The cache is a
    convenience: any failure to read or write it falls back to the YAML.
    """
    try:
        info = path.stat()
        memo_key = (str(path.resolve()), info.st_mtime_ns, info.st_size)
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
    if cache is not None and cache.is_file() and _trusted(cache):
        try:
            cached = loads(cache.read_bytes())
            if isinstance(cached, Framework):
                return cached
        except Exception:  # any damaged or stale copy: it costs only a slower start
            pass
    framework, _ = load_framework_file(path)
    if cache is not None:
        try:
            cache.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(dumps(framework, protocol=5))
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
            earlier = _earlier_builtin(framework.id, version)
            if earlier is not None:
                return earlier
            raise MaturityError(
                f"framework '{framework.id}' version {version} is not available "
                f"(the built-in one is version {framework.version}); add that version to the "
                "store with `maturity framework add FILE`"
            )
    return framework


def _earlier_builtin(framework_id: str, version: str) -> Framework | None:
    """An earlier version of a built-in framework, kept in `frameworks/earlier/<id>@<version>.yaml`.

    A built-in's stored definition never changes under the same version (stores refuse a
    re-import that would), so a new version gets a new file and the old one stays here, for
    the files and stores that still name it.
    """
    folder = data_dir("frameworks") / "earlier"
    # Matched against the folder's own listing, so the typed version never becomes a path.
    wanted = f"{framework_id}@{version}.yaml"
    for path in sorted(folder.glob(f"{framework_id}@*.yaml")) if folder.is_dir() else []:
        if path.name == wanted:
            framework = _read_framework(path)
            if framework.id == framework_id and framework.version == version:
                return framework
    return None


def framework_for(
    assessment: Assessment,
    override: str | None = None,
    registered: Sequence[Framework] = (),
    base: Path | None = None,
) -> Framework:
    """The framework an assessment names, or `override` (a path or id) when given.

    A framework named by a relative path (`./inclusive-recruitment.yaml`) is found next
    to the assessment file, in folder `base`. A name is looked up among `registered`
    frameworks (a store's, added with `maturity framework add`) first, then the built-in
    ones. Without `@version`, the highest registered version of that id is used.
    """
    if override is not None:
        return load_framework(override)
    if assessment.framework_path is not None:
        return load_framework(str((base or Path()) / assessment.framework_path))
    wanted = assessment.framework_version
    same_id = [fw for fw in registered if fw.id == assessment.framework_id]
    if wanted is not None:
        same_id = [fw for fw in same_id if fw.version == wanted]
    if same_id:
        return max(same_id, key=lambda fw: version_key(fw.version))
    return load_framework(assessment.framework)


def by_reference(assessment: Assessment, fw: Framework) -> Assessment:
    """The assessment naming its framework as `id@version`: how the store and reports name it."""
    if assessment.framework_path is None:
        return assessment
    return assessment.model_copy(update={"framework": fw.ref})
