from __future__ import annotations

import stat
import tempfile
from pathlib import Path

from maturity.files.crash_log import write_crash_log


def crash(message: str) -> ValueError:
    try:
        raise ValueError(message)
    except ValueError as exc:
        return exc


def test_each_crash_gets_its_own_private_log_with_the_traceback() -> None:
    first = write_crash_log(crash("first"))
    second = write_crash_log(crash("second"), "job: Council/Care -> care.pdf")
    try:
        assert first != second
        for log in (first, second):
            assert log.parent == Path(tempfile.gettempdir())
            assert log.name.startswith("maturity-crash-") and log.suffix == ".log"
            assert stat.S_IMODE(log.stat().st_mode) == 0o600
        one, two = first.read_text(encoding="utf-8"), second.read_text(encoding="utf-8")
        assert "Traceback (most recent call last):" in one and "ValueError: first" in one
        assert "first" in one and "second" not in one
        assert "job: Council/Care -> care.pdf" in two and "second" in two
    finally:
        first.unlink()
        second.unlink()
