"""The standing fuzz suite: mutated frameworks, assessments and workbooks (issue 18).

Each mutant goes through the command line in-process (click's CliRunner), and must
come out as a user would want: exit 0 or 1; on 1, every line an `Error:` naming the
file; never a traceback, never a crash log; never more than a few seconds.
The example budgets keep the whole suite under about a minute.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maturity.cli import main

FRAMEWORKS = sorted((REPO / "frameworks").glob("*.yaml"))
ASSESSMENTS = sorted((REPO / "assessments" / "2025-26").glob("*.yaml"))
SECONDS = 5

# Values people (and attackers) type where another value belongs.
TRICKY = [
    "",
    " ",
    "~",
    "null",
    "no",
    "yes",
    "0",
    "-1",
    "1e400",
    "1.0e300",
    "100000000000000000000",
    ".nan",
    "-.inf",
    "[]",
    "{}",
    "[1, [2]]",
    "'",
    '"',
    "&a",
    "*a",
    "!!python/object:os.system x",
    "\x1b[2J",
    "\x07",
    "\u202e",
    "\r@SUM(1+1)",
    "=cmd|' /C calc'!A0",
    "../../etc/passwd",
    "２０２５/２６",
    "2025/26\\n",
    "x" * 3000,
    "- a\n- b",
    "a: b",
    "\t",
    "\ufeff",
    "\x00",
]
fuzz_settings = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    # The same mutants every run, so that CI does not flake; set MATURITY_FUZZ_RANDOM=1 to
    # explore new ones (and MATURITY_FUZZ_SCALE=10 for ten times as many).
    derandomize=not os.environ.get("MATURITY_FUZZ_RANDOM"),
    database=None,
)
SCALE = int(os.environ.get("MATURITY_FUZZ_SCALE", "1"))


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> str:
    """`text` with one to three edits: a line's value replaced, lines dropped, duplicated or
    shifted, characters inserted or removed."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["value", "drop", "dup", "indent", "insert", "cut"]))
        line = lines[i]
        if kind == "value" and ":" in line:
            key = line.split(":", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(TRICKY))}"
        elif kind == "drop":
            del lines[i : i + draw(st.integers(1, 5))]
        elif kind == "dup":
            lines.insert(i, line)
        elif kind == "indent":
            lines[i] = " " * draw(st.integers(0, 6)) + line.lstrip()
        elif kind == "insert":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.sampled_from(TRICKY)) + line[at:]
        elif kind == "cut" and line:
            at = draw(st.integers(0, len(line) - 1))
            lines[i] = line[:at]
        if not lines:
            lines = [""]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder for mutants, and the temporary folder for any crash log (it must stay empty)."""
    folder = tmp_path_factory.mktemp("fuzz")
    logs = folder / "logs"
    logs.mkdir()
    before = tempfile.tempdir
    tempfile.tempdir = str(logs)
    yield folder
    tempfile.tempdir = before
    assert list(logs.iterdir()) == [], "a mutant wrote a crash log"


def check_outcome(path: Path, *args: str) -> None:
    start = time.perf_counter()
    result = CliRunner().invoke(main, [*args, str(path)])
    took = time.perf_counter() - start
    assert took < SECONDS, f"{took:.1f} s"
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), (result.exit_code, result.output, result.exception)
    if result.exit_code == 1:
        lines = result.stderr.splitlines()
        assert lines
        for line in lines:
            assert line.startswith(("Error: " + str(path), "Error: ... and ")), line
            assert "\x1b" not in line and "\x07" not in line


@settings(fuzz_settings, max_examples=100 * SCALE)
@given(data=st.data())
def test_mutated_frameworks_fail_cleanly(data: st.DataObject, scratch: Path) -> None:
    source = data.draw(st.sampled_from(FRAMEWORKS))
    path = scratch / "fw.yaml"
    path.write_text(data.draw(mutated_text(source.read_text())), encoding="utf-8")
    check_outcome(path, "framework", "validate")


@settings(fuzz_settings, max_examples=600 * SCALE)
@given(data=st.data())
def test_mutated_assessments_fail_cleanly(data: st.DataObject, scratch: Path) -> None:
    source = data.draw(st.sampled_from(ASSESSMENTS))
    path = scratch / "a.yaml"
    path.write_text(data.draw(mutated_text(source.read_text())), encoding="utf-8")
    check_outcome(path, "assess", "check")


class Parts(dict[str, bytes]):
    """A workbook's parts, named briefly when hypothesis reports a failing example."""

    def __repr__(self) -> str:
        return f"<generated workbook: {len(self)} parts>"


@pytest.fixture(scope="module")
def workbook_parts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A generated workbook, filled in from a sample assessment, as its parts."""
    path = tmp_path_factory.mktemp("book") / "book.xlsx"
    result = CliRunner().invoke(
        main, ["workbook", "edi-maturity", "--from", str(ASSESSMENTS[0]), "-o", str(path)]
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(path) as archive:
        return Parts({name: archive.read(name) for name in archive.namelist()})


@settings(fuzz_settings, max_examples=150 * SCALE)
@given(data=st.data())
def test_mutated_workbooks_fail_cleanly(
    data: st.DataObject, scratch: Path, workbook_parts: dict[str, bytes]
) -> None:
    parts = dict(workbook_parts)
    how = data.draw(st.sampled_from(["xml", "bytes", "drop"]))
    name = data.draw(st.sampled_from(sorted(parts)))
    if how == "xml":
        text = parts[name].decode("utf-8", errors="replace").replace("><", ">\n<")
        parts[name] = data.draw(mutated_text(text)).replace(">\n<", "><").encode("utf-8")
    elif how == "drop":
        del parts[name]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    raw = bytearray(buffer.getvalue())
    if how == "bytes":  # damage the archive itself
        for _ in range(data.draw(st.integers(1, 8))):
            at = data.draw(st.integers(0, len(raw) - 1))
            raw[at] = data.draw(st.integers(0, 255))
    path = scratch / "book.xlsx"
    path.write_bytes(bytes(raw))
    check_outcome(path, "assess", "check")
