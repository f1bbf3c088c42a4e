"""Writing files so that nothing a user saved is lost or left half-written.

Every writer goes through `write_atomic`: the content goes to a temporary file in
the same folder, is flushed to disk, then takes the target's name in one step; an
existing file is only replaced when the user said `--force`, even one that appeared
while the content was being made.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from maturity.core.errors import MaturityError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def check_writable(path: Path, force: bool) -> None:
    """Refuse to replace an existing file without `force`, before any work is done."""
    if path.exists() and not force:
        raise MaturityError(f"{path} already exists; use --force to replace it")
    if path.exists() and path.is_dir():
        raise MaturityError(f"{path} is a folder; give a file name")
    parent = path.parent if str(path.parent) else Path()
    if not parent.is_dir():
        raise MaturityError(f"{path}: folder {parent} does not exist")


def refuse_inputs(output: Path, inputs: Iterable[Path | None]) -> None:
    """Refuse to write over a file this run reads: `--force` is for outputs, not inputs."""
    for given in inputs:
        if given is None:
            continue
        try:
            same = output.samefile(given)
        except OSError:  # one of them does not exist (yet): not the same file
            continue
        if same:
            raise MaturityError(
                f"{output} is also an input ({given}); write the output to another file"
            )


@contextlib.contextmanager
def atomic_path(path: Path, force: bool = False) -> Iterator[Path]:
    """A temporary path beside `path`; on success it becomes `path`, on failure it vanishes."""
    check_writable(path, force)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        _publish(tmp, path, force)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and (
            exc.filename in (str(tmp), str(path), tmp, path) or exc.errno in DISK_ERRORS
        ):
            raise _cannot_write(path, exc) from None
        raise


# Raised by a write, fsync or close with no file name attached: whatever was being
# written when the disk filled up, it was this output.
DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})


def _reason(exc: OSError) -> str:
    return {
        errno.EROFS: "the disk is read-only",
        errno.EACCES: "no permission to write there",
        errno.EPERM: "no permission to write there",
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EFBIG: "the file is too large for this disk",
        errno.ENOENT: "it does not exist",
    }.get(exc.errno or 0, exc.strerror or str(exc))


def _cannot_write(path: Path, exc: OSError) -> MaturityError:
    """One line for a folder we may not write in, a full disk, and the like."""
    folder = path.parent if str(path.parent) else Path()
    return MaturityError(f"{path}: cannot write in folder {folder} ({_reason(exc)})")


def make_folder(path: Path) -> None:
    """Create an output folder (and its parents), or say in one line why it cannot be."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise MaturityError(f"{path} is a file, not a folder") from None
    except OSError as exc:
        raise MaturityError(f"{path}: cannot create the folder ({_reason(exc)})") from None


# errno values for "this file system has no hard links" (FAT, some network shares).
NO_HARD_LINKS = frozenset({errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS})


def _publish(tmp: Path, path: Path, force: bool) -> None:
    """Move the finished `tmp` to `path`: durably, and without `force` never over a file.

    The check before the work is not enough: a file may appear at `path` while we work.
    A hard link is created only if `path` does not exist, in one step, so nobody's file
    is replaced; only where hard links are not supported does a (racy) check remain.
    """
    with tmp.open("rb+") as written:
        os.fsync(written.fileno())
    # mkstemp makes the file private (0600); give it the mode a plain write would.
    tmp.chmod(path.stat().st_mode & 0o777 if force and path.exists() else _default_mode())
    if not force:
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise MaturityError(f"{path} already exists; use --force to replace it") from None
        except OSError as exc:
            if exc.errno not in NO_HARD_LINKS:
                raise
            check_writable(path, force)
        else:
            tmp.unlink()
            return
    tmp.replace(path)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, data: bytes | str, force: bool = False) -> None:
    """Write `data` to `path` atomically (see the module docstring)."""
    with atomic_path(path, force) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def write_with(path: Path, writer: Callable[[Path], None], force: bool = False) -> None:
    """Let `writer` fill a temporary file, then move it into place atomically."""
    with atomic_path(path, force) as tmp:
        writer(tmp)


# A plain decimal number, ASCII digits only: `float()` also takes `-inf`, `-nan`,
# `+1_000` and `+Infinity`, which a spreadsheet may read as a formula.
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")


def neutralise(text: str) -> str:
    """Make user text safe in a spreadsheet or CSV cell: it can never start a formula.

    A plain number such as `-0.25` is left alone: a spreadsheet reads it as a number.
    """
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def slug(text: str, max_length: int = 80) -> str:
    """A file-name-safe form of a name: `Children's Services` -> `childrens-services`."""
    text = re.sub(r"['’]", "", text.lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:max_length].strip("-") or "unit"


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], crlf: bool = False) -> str:
    """CSV text with every text cell neutralised, so no cell can start a formula.

    None is written as an empty cell; numbers and booleans as they are. A cell holding a
    line break of either kind is quoted: Python's writer leaves a lone carriage return
    bare when lines end in `\\n`, and a spreadsheet starts a new row there, with the
    text after it in a cell of its own, unneutralised.
    """
    end = "\r\n" if crlf else "\n"
    lines = [",".join(_csv_cell(cell) for cell in header)]
    for row in rows:
        lines.append(
            ",".join(
                _csv_cell(
                    "" if cell is None else neutralise(cell) if isinstance(cell, str) else cell
                )
                for cell in row
            )
        )
    return end.join(lines) + end


def _csv_cell(cell: object) -> str:
    text = str(cell)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
