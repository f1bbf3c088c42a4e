"""Hostile and careless files (issue 18, item 0 and 13): each refused quickly, in one line.

Every test makes its hostile file itself, in tmp_path.
"""

from __future__ import annotations

import os
import signal
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from maturity.cli import main
from maturity.core import limits
from maturity.core.errors import InvalidFileError
from maturity.files.workbook.safety import open_workbook

SAMPLE = Path(__file__).resolve().parent.parent / "assessments" / "2025-26" / "hr-od.yaml"


def refusal(*args: str | Path, seconds: float = 3) -> str:
    """Run `maturity ARGS`; it must exit 1 quickly with exactly one `Error:` line."""
    start = time.perf_counter()
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert time.perf_counter() - start < seconds
    assert result.exit_code == 1, (result.output, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail, rather than hang the suite, if a read blocks for more than 5 seconds."""

    def fail(*_: object) -> None:
        raise TimeoutError("blocked reading a special file")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


# --- zip bombs and damaged workbooks --------------------------------------------------


def deflated(data_blocks: Iterator[bytes]) -> tuple[bytes, int, int]:
    """Deflate blocks without holding them all: (compressed, size, crc of everything)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = []
    size = crc = 0
    for block in data_blocks:
        size += len(block)
        crc = zlib.crc32(block, crc)
        out.append(packer.compress(block))
    out.append(packer.flush())
    return b"".join(out), size, crc


def write_zip(path: Path, name: str, packed: bytes, size: int, crc: int) -> None:
    """One deflated part with the given directory entries, whatever it really holds."""
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_STORED
        archive.writestr(info, packed)  # stored now, relabelled as deflated below
    data = bytearray(path.read_bytes())
    for header, at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = data.find(header)
        data[start + at : start + at + 2] = (8).to_bytes(2, "little")  # method: deflate
        data[start + at + 6 : start + at + 10] = crc.to_bytes(4, "little")
        data[start + at + 14 : start + at + 18] = size.to_bytes(4, "little")
    path.write_bytes(bytes(data))


def test_a_part_whose_size_is_understated_is_never_unpacked_whole(tmp_path: Path) -> None:
    # 100 MB of spaces, declared as 1,000 bytes with the checksum of those 1,000 bytes: a
    # reader trusting the directory inflates all of it at once before cutting it short.
    path = tmp_path / "bomb.xlsx"
    packed, _, _ = deflated(b" " * 2**20 for _ in range(100))
    write_zip(path, "xl/worksheets/sheet1.xml", packed, 1000, zlib.crc32(b" " * 1000))
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(InvalidFileError) as caught:
        open_workbook(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.perf_counter() - start < 3
    assert peak < 20 * 2**20
    assert len(caught.value.lines) == 1
    assert caught.value.lines[0].startswith(f"{path}: not a readable Excel workbook (.xlsx): ")


def test_a_part_over_its_budget_is_refused_while_unpacking(tmp_path: Path) -> None:
    # 21 MB that packs only ~50 times (not a zip bomb by ratio), honestly declared.
    path = tmp_path / "big.xlsx"
    noise = os.urandom(1400)
    packed, size, crc = deflated(noise + b"\0" * (2**16 - 1400) for _ in range(21 * 16))
    write_zip(path, "xl/worksheets/sheet1.xml", packed, size, crc)
    assert refusal("assess", "check", path) == (
        f"Error: {path}: refused: xl/worksheets/sheet1.xml unpacks to more than 20 MB "
        "(limit 20 MB per part)"
    )


def test_damaged_compressed_data_is_one_located_line(tmp_path: Path) -> None:
    path = tmp_path / "damaged.xlsx"
    text = b"<worksheet>" + b"<row/>" * 1000 + b"</worksheet>"
    packed, size, crc = deflated(iter([text]))
    write_zip(path, "xl/worksheets/sheet1.xml", b"\xff" * len(packed), size, crc)
    assert refusal("assess", "check", path) == (
        f"Error: {path}: not a readable Excel workbook (.xlsx): its compressed data is damaged"
    )


def test_a_sheet_of_junk_rows_is_refused_before_openpyxl_builds_it(tmp_path: Path) -> None:
    path = tmp_path / "rows.xlsx"
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(1, 100_001))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", f"<worksheet><sheetData>{rows}</sheetData>")
    assert refusal("assess", "check", path) == (
        f"Error: {path}: refused: xl/worksheets/sheet1.xml has 100,000 rows (limit 5,000 per "
        "sheet); a workbook to fill in needs far fewer"
    )


# --- special files ----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".yaml", ".xlsx"])
def test_a_fifo_is_refused_without_opening_it(tmp_path: Path, suffix: str, alarm: None) -> None:
    path = tmp_path / f"pipe{suffix}"
    os.mkfifo(path)
    assert refusal("score", path).endswith(
        "not a regular file (a device, pipe or socket); give a file"
    )


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_symlink_to_a_device_is_refused(tmp_path: Path, device: str, alarm: None) -> None:
    path = tmp_path / "endless.yaml"
    path.symlink_to(device)
    assert refusal("score", path) == (
        f"Error: {path}:1: not a regular file (a device, pipe or socket); give a file"
    )


# --- YAML within the byte limit that would still cost minutes ---------------------------


def test_too_many_keys_are_refused_while_reading(tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    keys = "".join(f"  d.k{i}: {{level: x}}\n" for i in range(334_000 // 20))
    head = "framework: edi-maturity\nunit: A\nperiod: 2025/26\nresponses:\n"
    path.write_text(head + keys + keys.replace("d.k", "e.k") * 2)
    line = refusal("assess", "check", path)
    assert line.startswith(f"Error: {path}:")
    assert line.endswith(
        f"more than {limits.MAX_YAML_NODES:,} keys and list items; no framework or assessment "
        "needs that many"
    )


def test_many_unknown_criteria_are_reported_quickly_and_briefly(tmp_path: Path) -> None:
    path = tmp_path / "stray.yaml"
    keys = "".join(f"  stray.k{i}: {{level: x}}\n" for i in range(4_000))
    path.write_text("framework: edi-maturity\nunit: A\nperiod: 2025/26\nresponses:\n" + keys)
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["assess", "check", str(path)])
    assert time.perf_counter() - start < 5
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 101
    assert lines[-1] == "Error: ... and 3,900 more problems not shown"


def test_utf16_is_one_line_that_says_so(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes(SAMPLE.read_text().encode("utf-16"))
    assert refusal("assess", "check", path) == (
        f"Error: {path}:1: not UTF-8 text (it looks like UTF-16); save it as UTF-8"
    )
    bare = tmp_path / "utf16le.yaml"  # no byte-order mark
    bare.write_bytes(SAMPLE.read_text().encode("utf-16-le"))
    assert refusal("assess", "check", bare) == (
        f"Error: {bare}:1: not UTF-8 text (it looks like UTF-16); save it as UTF-8"
    )


def test_too_much_text_in_one_assessment_is_refused(tmp_path: Path) -> None:
    # 60 answers with 20 evidence items of 100 characters each: every item and answer within
    # its own limit, 120,000 characters together.
    item = "x" * 99
    answers = "".join(
        f"  environment.c{i}:\n    evidence: [{', '.join([item] * 20)}]\n" for i in range(60)
    )
    path = tmp_path / "long.yaml"
    path.write_text("framework: edi-maturity\nunit: A\nperiod: 2025/26\nresponses:\n" + answers)
    line = refusal("assess", "check", path)
    assert line.startswith(f"Error: {path}:")
    assert line.endswith(
        f"the assessment holds more than {limits.MAX_ASSESSMENT_CHARS:,} characters of text by "
        "here; keep evidence and notes short, or link to documents"
    )
