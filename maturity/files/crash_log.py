"""A bug's details, saved where the user can send them to us: a private file per crash."""

from __future__ import annotations

from pathlib import Path


def write_crash_log(exc: BaseException, context: str = "") -> Path:
    """Save a bug's traceback to a new private file in the temp folder; its path.

    `mkstemp` picks a name nobody else can have claimed (nor planted a symlink at) and
    creates the file for this user only, so two crashes never share a log.
    """
    import os
    import sys
    import tempfile
    import traceback

    from maturity import __version__

    fd, name = tempfile.mkstemp(prefix="maturity-crash-", suffix=".log")
    header = f"maturity {__version__}\n{' '.join(sys.argv)}\n"
    if context:
        header += f"{context}\n"
    text = "".join(traceback.format_exception(exc))
    with os.fdopen(fd, "w", encoding="utf-8") as log:
        log.write(f"{header}\n{text}")
    return Path(name)
