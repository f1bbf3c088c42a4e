"""Opening a workbook nobody vouches for: the zip, size and XML checks before openpyxl parses it.

Every refusal is one line naming the file; nothing openpyxl trips over is a traceback.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import openpyxl
from openpyxl import Workbook
from openpyxl.utils.exceptions import InvalidFileException

from maturity.core.errors import InvalidFileError, MaturityError

MAX_FILE_BYTES = 20 * 2**20
MAX_UNCOMPRESSED = 50 * 2**20
MAX_RATIO = 100
MAX_MEMBERS = 1000


def open_workbook(path: Path) -> Workbook:
    """Check `path`, then load it: cell values and formulas as written, nothing evaluated."""
    check_archive(path)
    if not openpyxl.xml.DEFUSEDXML:
        raise MaturityError(
            "refusing to read workbooks without defusedxml (is OPENPYXL_DEFUSEDXML=False set?)"
        )
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it drops (e.g. conditional formatting); we
            # only read values, so those warnings are noise to a user.
            warnings.simplefilter("ignore")
            # data_only=False: a formula stays a formula, so it is reported, never trusted.
            return openpyxl.load_workbook(path, read_only=False, data_only=False)
    except Exception as exc:
        # Only openpyxl runs here, on a file that passed the archive checks: whatever it
        # trips over (missing parts, XML syntax, defusedxml's refusals, dangling indexes)
        # is a damaged or hostile file, not a bug of ours.
        detail = str(exc).strip('"') if isinstance(exc, InvalidFileException | KeyError) else ""
        detail = detail or type(exc).__name__
        raise _refuse(path, f"not a readable Excel workbook (.xlsx): {detail[:200]}") from None


def check_archive(path: Path) -> None:
    """Refuse, in one line, anything that is not a plain, reasonably sized .xlsx zip.

    Runs before any XML is parsed. zipfile stops at each member's declared size (and
    fails its CRC check beyond it), so checking the declared sizes bounds the work.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise MaturityError(f"{path}: no such file") from None
    if path.is_dir():
        raise MaturityError(f"{path}: is a folder, not a file")
    if size > MAX_FILE_BYTES:
        raise _refuse(
            path, f"the file is {size / 2**20:.1f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB"
        )
    if not zipfile.is_zipfile(path):
        raise _refuse(path, "not an Excel workbook (.xlsx): the file is not a zip archive")
    try:
        with zipfile.ZipFile(path) as archive:
            _check_members(path, archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError) as exc:
        raise _refuse(path, f"not a readable Excel workbook (.xlsx): {exc}") from None


def _check_members(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse too many parts, too much expansion, and XML that declares a DOCTYPE or entities."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _refuse(path, f"refused: the archive has {len(members)} parts (limit {MAX_MEMBERS})")
    total = sum(m.file_size for m in members)
    packed = max(sum(m.compress_size for m in members), 1)
    if total > MAX_UNCOMPRESSED:
        raise _refuse(
            path,
            f"refused: the workbook expands to {total / 2**20:.0f} MB "
            f"(limit {MAX_UNCOMPRESSED // 2**20} MB)",
        )
    if total > 2**20 and total > MAX_RATIO * packed:
        raise _refuse(
            path,
            f"refused: the workbook expands {total // packed} times "
            f"(limit {MAX_RATIO}); it looks like a zip bomb",
        )
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            data = archive.read(member)
            if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                data = data.decode("utf-16", errors="replace").encode("utf-8")
            if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                raise _refuse(
                    path,
                    f"refused: {member.filename} declares a DOCTYPE or XML entities, "
                    "which Excel never writes (a known attack)",
                )


def _refuse(path: Path, why: str) -> InvalidFileError:
    return InvalidFileError([f"{path}: {why}"])
