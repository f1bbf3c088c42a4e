"""Opening a workbook nobody vouches for: the zip, size and XML checks before openpyxl parses it.

Every refusal is one line naming the file; nothing openpyxl trips over is a traceback.
"""

from __future__ import annotations

import io
import re
import stat
import warnings
import zipfile
import zlib
from pathlib import Path

import openpyxl
from openpyxl import Workbook
from openpyxl.utils.exceptions import InvalidFileException

from maturity.core import limits
from maturity.core.errors import InvalidFileError, MaturityError

MAX_FILE_BYTES = limits.MAX_WORKBOOK_BYTES
MAX_UNCOMPRESSED = limits.MAX_UNPACKED_BYTES
MAX_PART = limits.MAX_PART_BYTES
MAX_RATIO = limits.MAX_RATIO
MAX_MEMBERS = limits.MAX_WORKBOOK_PARTS
MAX_ROWS = limits.MAX_SHEET_ROWS
CHUNK = 64 * 1024


def open_workbook(path: Path) -> Workbook:
    """Check `path`, then load it: cell values and formulas as written, nothing evaluated.

    openpyxl reads a copy of the parts as they were checked, never the file itself: the
    archive's directory can understate a part's size, and a reader that trusts it (as
    openpyxl does) unpacks the whole part into memory at once.
    """
    checked = check_archive(path)
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
            return openpyxl.load_workbook(checked, read_only=False, data_only=False)
    except Exception as exc:
        # Only openpyxl runs here, on a file that passed the archive checks: whatever it
        # trips over (missing parts, XML syntax, defusedxml's refusals, dangling indexes)
        # is a damaged or hostile file, not a bug of ours.
        detail = str(exc).strip('"') if isinstance(exc, InvalidFileException | KeyError) else ""
        detail = detail or type(exc).__name__
        raise _refuse(path, f"not a readable Excel workbook (.xlsx): {detail[:200]}") from None


def check_archive(path: Path) -> io.BytesIO:
    """Refuse, in one line, anything that is not a plain, reasonably sized .xlsx zip.

    Runs before any XML is parsed. Every part is unpacked in small pieces, counting the
    bytes as they come against a budget per part and in total, whatever the archive's
    directory claims. Returns a fresh archive holding exactly the parts checked.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise MaturityError(f"{path}: no such file") from None
    if stat.S_ISDIR(info.st_mode):
        raise MaturityError(f"{path}: is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(path, "not a regular file (a device, pipe or socket); give a file")
    size = info.st_size
    if size > MAX_FILE_BYTES:
        raise _refuse(
            path, f"the file is {size / 2**20:.1f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB"
        )
    if not zipfile.is_zipfile(path):
        raise _refuse(path, "not an Excel workbook (.xlsx): the file is not a zip archive")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _check_members(path, archive, size)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError) as exc:
        raise _refuse(path, f"not a readable Excel workbook (.xlsx): {exc}") from None
    except (zlib.error, EOFError):
        raise _refuse(
            path, "not a readable Excel workbook (.xlsx): its compressed data is damaged"
        ) from None
    copy = io.BytesIO()
    with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as out:
        for name, data in parts:
            out.writestr(name, data)
    copy.seek(0)
    return copy


def _check_members(path: Path, archive: zipfile.ZipFile, size: int) -> list[tuple[str, bytes]]:
    """Every part, unpacked within budget; refuses XML that declares a DOCTYPE or entities."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _refuse(path, f"refused: the archive has {len(members)} parts (limit {MAX_MEMBERS})")
    # What the directory claims is checked first (cheap), then what the parts really hold.
    _check_total(path, sum(m.file_size for m in members), size)
    total = 0
    parts: list[tuple[str, bytes]] = []
    for member in members:
        pieces: list[bytes] = []
        got = 0
        with archive.open(member) as part:
            while chunk := part.read(CHUNK):
                got += len(chunk)
                total += len(chunk)
                if got > MAX_PART:
                    raise _refuse(
                        path,
                        f"refused: {member.filename} unpacks to more than "
                        f"{MAX_PART // 2**20} MB (limit {MAX_PART // 2**20} MB per part)",
                    )
                _check_total(path, total, size)
                pieces.append(chunk)
        data = b"".join(pieces)
        if member.filename.endswith((".xml", ".rels")):
            _check_xml(path, member.filename, data)
        parts.append((member.filename, data))
    return parts


def _check_total(path: Path, total: int, size: int) -> None:
    if total > MAX_UNCOMPRESSED:
        raise _refuse(
            path,
            f"refused: the workbook expands to {total / 2**20:.0f} MB "
            f"(limit {MAX_UNCOMPRESSED // 2**20} MB)",
        )
    if total > 2**20 and total > MAX_RATIO * max(size, 1):
        raise _refuse(
            path,
            f"refused: the workbook expands {total // max(size, 1)} times "
            f"(limit {MAX_RATIO}); it looks like a zip bomb",
        )


def _check_xml(path: Path, name: str, data: bytes) -> None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", errors="replace").encode("utf-8")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise _refuse(
            path,
            f"refused: {name} declares a DOCTYPE or XML entities, "
            "which Excel never writes (a known attack)",
        )
    if name.startswith("xl/worksheets/"):
        # Rows as written (`<row ...>`, with or without a prefix); openpyxl would build
        # every one in memory, and a sheet of 100,000 junk rows takes half a minute.
        rows = len(re.findall(rb"<(?:\w+:)?row[\s>/]", data))
        if rows > MAX_ROWS:
            raise _refuse(
                path,
                f"refused: {name} has {rows:,} rows (limit {MAX_ROWS:,} per sheet); "
                "a workbook to fill in needs far fewer",
            )


def _refuse(path: Path, why: str) -> InvalidFileError:
    return InvalidFileError([f"{path}: {why}"])
