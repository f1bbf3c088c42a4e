"""Careless and hostile use of the command line: each reproduction from issue 18, pinned."""

from __future__ import annotations

import csv
import errno
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import REPO

from maturity.cli import main
from maturity.core.errors import visible
from maturity.files.output import neutralise


def test_a_reader_closing_the_pipe_early_is_not_a_crash(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}  # any crash log would land here
    proc = subprocess.Popen(
        [sys.executable, "-m", "maturity", "framework", "show", "edi-maturity"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head -0`: gone before the first line is written
    stderr = proc.stderr.read()
    assert proc.wait(timeout=30) == 141
    assert stderr == b""
    assert list(tmp_path.iterdir()) == []


# --- helpers ------------------------------------------------------------------------------

SAMPLES = REPO / "assessments" / "2025-26"


def sample(name: str = "hr-od") -> dict[str, Any]:
    data = yaml.safe_load((SAMPLES / f"{name}.yaml").read_text())
    assert isinstance(data, dict)
    return data


def write(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def run(*args: str | Path) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exit_code != 70, result.output
    return result


def errors(result: Result) -> list[str]:
    return result.stderr.splitlines()


# --- 1. CSV formula injection --------------------------------------------------------------


def test_a_carriage_return_in_evidence_cannot_start_a_row_in_csv(tmp_path: Path) -> None:
    data = sample()
    payload = "see\r@SUM(1+1)*cmd|' /C calc'!A0"
    first = next(iter(data["responses"].values()))
    first["evidence"] = [payload]
    db = tmp_path / "m.db"
    assert run("import", write(tmp_path / "in" / "a.yaml", data), "--store", db).exit_code == 0
    assert run("export", "--format", "csv", "-o", tmp_path / "out", "--store", db).exit_code == 0
    text = (tmp_path / "out" / "responses.csv").read_bytes().decode("utf-8")
    # A spreadsheet, like csv.reader, ends a row at a bare CR; one in quotes stays in its cell.
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 1 + len(data["responses"])
    assert payload in [cell for row in rows for cell in row]


@pytest.mark.parametrize("text", ["-inf", "-nan", "+1_000", "+Infinity", "-1e5e", "=1"])
def test_things_that_float_accepts_are_still_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["-0.25", "+1", "-3e5", "12", "-.5"])
def test_plain_numbers_stay_numbers(text: str) -> None:
    assert neutralise(text) == text


# --- 2. periods that are not periods -------------------------------------------------------


@pytest.mark.parametrize("period", ["2025/26\n", "２０２５/２６", "2025/26 ", "٢٠٢٥/٢٦"])
def test_a_period_is_ascii_digits_and_nothing_after(period: str, tmp_path: Path) -> None:
    data = sample()
    data["period"] = period
    result = run("assess", "check", write(tmp_path / "a.yaml", data))
    assert result.exit_code == 1
    [line] = errors(result)
    assert "period: period '" in line and "is not a financial year such as 2025/26" in line
    assert "\n" not in line.removesuffix("\n")
    assert run("benchmark", "--period", period, "--store", tmp_path / "m.db").exit_code == 1


# --- 3. whitespace is not evidence ---------------------------------------------------------


def test_whitespace_only_evidence_is_refused(tmp_path: Path) -> None:
    data = sample()
    for response in data["responses"].values():
        response["evidence"] = [" "]
    result = run("assess", "check", write(tmp_path / "a.yaml", data))
    assert result.exit_code == 1
    lines = errors(result)
    assert len(lines) == len(data["responses"])
    assert lines[0].endswith(
        "> evidence 1: is empty (or only spaces); write something, or leave the key out"
    )


def test_text_is_stripped(tmp_path: Path) -> None:
    from maturity.core.assessment import Response

    assert Response(evidence=["  report \n"], notes="\tnote ").evidence == ["report"]
    assert Response(notes="\tnote ").notes == "note"


# --- 4. a read-only store can be read ------------------------------------------------------


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody (not even root) may write in, or skip where chattr is not allowed."""
    folder = tmp_path / "read only"  # a space, which a file: URI must escape
    folder.mkdir()
    yield folder
    subprocess.run(["chattr", "-i", str(folder)], check=False, capture_output=True)


def test_an_up_to_date_store_on_a_read_only_disk_opens_for_reading(
    tmp_path: Path, immutable: Path
) -> None:
    db = immutable / "m.db"
    assert run("import", SAMPLES / "hr-od.yaml", "--store", db).exit_code == 0
    if subprocess.run(["chattr", "+i", str(immutable)], capture_output=True).returncode:
        pytest.skip("chattr +i is not allowed here")
    assert not os.access(immutable, os.W_OK)
    unit = sample()["unit"]
    result = run("history", unit, "--store", db)
    assert result.exit_code == 0, result.stderr
    assert unit in result.output
    out = run("export", "-o", tmp_path / "out", "--store", db)
    assert out.exit_code == 0, out.stderr
    assert sorted(p.name for p in immutable.iterdir()) == ["m.db"]  # no -wal, no -shm


# --- 5. a full disk ------------------------------------------------------------------------


def test_a_full_disk_is_one_line_not_a_bug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")  # no file name, as fsync gives

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "a.yaml"
    result = run("assess", "new", "edi-maturity", "--unit", "A", "--period", "2025/26", "-o", out)
    assert (result.exit_code, errors(result)) == (
        1,
        [f"Error: {out}: cannot write in folder {tmp_path} (the disk is full)"],
    )
    book = tmp_path / "a.xlsx"
    result = run("workbook", "edi-maturity", "-o", book)
    assert (result.exit_code, errors(result)) == (
        1,
        [f"Error: {book}: cannot write in folder {tmp_path} (the disk is full)"],
    )
    assert list(tmp_path.iterdir()) == []  # nothing half-written, no temporary file left


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 80 KB file system, where mounting is allowed (root in a container)."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=80k", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode:
        pytest.skip("cannot mount a small file system here")
    yield folder
    subprocess.run(["umount", str(folder)], check=False)


def test_commands_writing_to_a_really_full_disk_say_so(tiny_disk: Path) -> None:
    for args in (
        ["plan", SAMPLES / "hr-od.yaml", "--format", "yaml", "-o", tiny_disk / "plan.yaml"],
        ["workbook", "edi-maturity", "-o", tiny_disk / "a.xlsx"],
        ["assess", "new", "edi-maturity", "--unit", "A", "--period", "2025/26", "-o"],
    ):
        (tiny_disk / "filler").write_bytes(b"x" * 70_000)
        if args[-1] == "-o":
            args.append(tiny_disk / "new.yaml")
        result = run(*args)
        assert result.exit_code == 1, result.output
        [line] = errors(result)
        assert line.endswith(f"cannot write in folder {tiny_disk} (the disk is full)")
        (tiny_disk / "filler").unlink()
        assert list(tiny_disk.iterdir()) == []


# --- 6. an input is not an output ----------------------------------------------------------


def test_the_assessment_read_is_not_replaced_by_the_plan(tmp_path: Path) -> None:
    path = write(tmp_path / "in.yaml", sample())
    before = path.read_bytes()
    result = run("plan", path, "--format", "yaml", "-o", path, "--force")
    assert (result.exit_code, errors(result)) == (
        1,
        [f"Error: {path} is also an input ({path}); write the output to another file"],
    )
    assert path.read_bytes() == before


def test_the_tracked_plan_is_not_replaced_by_its_progress_report(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    assert run("plan", SAMPLES / "hr-od.yaml", "--format", "yaml", "-o", plan).exit_code == 0
    before = plan.read_bytes()
    link = tmp_path / "same.yaml"
    link.symlink_to(plan)  # the same file by another name
    result = run("report", "progress", plan, "-o", link, "--force")
    assert (result.exit_code, errors(result)) == (
        1,
        [f"Error: {link} is also an input ({plan}); write the output to another file"],
    )
    assert plan.read_bytes() == before


# --- 7 and 8. control characters and enormous values in names and error lines ---------------


@pytest.mark.parametrize("unit", ["A\x1b[2JB", "A\tB", "A\x07B", "A\u202eB", "../../etc/passwd"])
def test_units_with_control_characters_or_dot_parts_are_refused(unit: str, tmp_path: Path) -> None:
    for command in (["workbook", "edi-maturity"], ["assess", "new", "edi-maturity"]):
        result = run(*command, "--unit", unit, "--period", "2025/26", "-o", tmp_path / "x.xlsx")
        assert result.exit_code == 1
        [line] = errors(result)
        assert line.startswith(f"Error: --unit: unit '{visible(unit)}' ")
        assert "\x1b" not in line and "\x07" not in line and "\u202e" not in line
    assert list(tmp_path.iterdir()) == []


def test_error_lines_show_control_characters_visibly(tmp_path: Path) -> None:
    fw = yaml.safe_load((REPO / "frameworks" / "council-equality-3.yaml").read_text())
    fw["\x1b]0;owned\x07title"] = 1
    path = write(tmp_path / "fw.yaml", fw)
    result = run("framework", "validate", path)
    assert result.exit_code == 1
    [line] = errors(result)
    assert line.startswith(f"Error: {path}:")
    assert line.endswith(
        ": \\x1b]0;owned\\x07title: unknown key '\\x1b]0;owned\\x07title'; "
        "check the spelling against the format reference"
    )


def test_an_enormous_value_is_cut_in_its_error_line(tmp_path: Path) -> None:
    text = (SAMPLES / "hr-od.yaml").read_text()
    path = tmp_path / "a.yaml"
    path.write_text(text.replace("level: embedded", "level: " + "x" * 4_900_000, 1))
    result = run("assess", "check", path)
    assert result.exit_code == 1
    [line] = errors(result)
    assert f"'{'x' * 80}... (4,900,000 characters)' is not a level of this framework" in line
    assert len(line) < 400


# --- 9. workers do not outlive an import --------------------------------------------------

WORKERS = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from maturity.store.importing import _watch_parent

pool = ProcessPoolExecutor(max_workers=2, initializer=_watch_parent, initargs=(os.getpid(),))
pids = {pool.submit(time.sleep, 0.3) and None for _ in range(4)}
print(" ".join(str(p.pid) for p in pool._processes.values()), flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("attempt", range(3))  # the parent dies while workers start, or after
def test_check_workers_exit_when_the_import_is_killed(attempt: int) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKERS], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    assert proc.stdout is not None
    workers = [int(pid) for pid in proc.stdout.readline().split()]
    assert len(workers) == 2
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [pid for pid in workers if _running(pid)]
    assert alive == []


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].split()[0]
    except OSError:
        return False
    return status != "Z"  # a zombie has exited; init reaps it


# --- 10. Ctrl-C while storing says what was stored ----------------------------------------


def test_ctrl_c_while_storing_says_what_was_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from maturity.store.store import Store

    for name in ("hr-od", "housing-services", "education-send"):
        write(tmp_path / "in" / f"{name}.yaml", sample(name))
    real = Store.store
    calls = []

    def store_then_interrupt(self: Store, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "store", store_then_interrupt)
    result = CliRunner().invoke(
        main, ["import", str(tmp_path / "in"), "--store", str(tmp_path / "m.db")]
    )
    assert result.exit_code == 130
    assert result.stdout.startswith(f"imported   {tmp_path / 'in' / 'education-send.yaml'}: ")
    assert errors(result) == [
        "Interrupted after 1 of 3 files; new versions stored: 1 (listed above); the other 2 "
        "files were not stored"
    ]


# --- 11. an enormous number ---------------------------------------------------------------


def test_an_enormous_number_is_refused_and_does_not_stop_the_folder(tmp_path: Path) -> None:
    huge = sample("housing-services")
    huge["respondents"] = 100000000000000000000
    write(tmp_path / "in" / "b-huge.yaml", huge)
    write(tmp_path / "in" / "a.yaml", sample("hr-od"))
    write(tmp_path / "in" / "c.yaml", sample("education-send"))
    result = run("import", tmp_path / "in", "--store", tmp_path / "m.db")
    assert result.exit_code == 1
    assert [line.split()[0] for line in result.stdout.splitlines()[:3]] == [
        "imported",
        "rejected",
        "imported",
    ]
    assert "respondents: 100000000000000000000 is too large: at most 1,000,000" in result.stdout


def test_numbers_are_bounded_in_the_core() -> None:
    from pydantic import ValidationError

    from maturity.core.assessment import Response

    with pytest.raises(ValidationError):
        Response(value=1e300)
    assert Response(value=-1e12).value == -1e12


# --- 12. a file that is not ours is not quoted --------------------------------------------


@pytest.mark.parametrize("option", ["--targets", "--framework"])
def test_a_file_that_is_not_ours_is_not_quoted(option: str, tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$secret$hash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n")
    result = run("plan", SAMPLES / "hr-od.yaml", option, secret, "-o", tmp_path / "p.yaml")
    assert result.exit_code == 1
    kind = "targets" if option == "--targets" else "framework"
    [line] = errors(result)
    assert line.startswith(f"Error: {secret}:1: not a {kind} file (one has keys such as ")
    assert "secret" not in line.removeprefix(f"Error: {secret}")


# --- 13. smaller ----------------------------------------------------------------------------


def test_an_empty_output_name_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["plan", str(SAMPLES / "hr-od.yaml"), "-o", ""])
    assert result.exit_code == 2
    assert "the name is empty; give a file or folder name" in result.stderr


@pytest.mark.parametrize("contents", [[], ["notes.txt"]], ids=["empty", "no-assessments"])
def test_importing_a_folder_without_assessments_says_so(
    contents: list[str], tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in contents:
        (folder / name).write_text("hello")
    result = run("import", folder, "--store", tmp_path / "m.db")
    assert (result.exit_code, errors(result)) == (
        1,
        [f"Error: {folder}: no assessment files in this folder (*.yaml, *.yml or *.xlsx)"],
    )
    assert not (tmp_path / "m.db").exists()


def test_exit_codes_usage_2_problems_1() -> None:
    """The contract: 0 done, 1 a problem with a file or the data, 2 a mistake in the command
    (click's convention), 70 a bug, 130 interrupted, 141 the reader closed the pipe."""
    assert CliRunner().invoke(main, ["score", "--no-such-option"]).exit_code == 2
    assert CliRunner().invoke(main, ["no-such-command"]).exit_code == 2
    assert CliRunner().invoke(main, ["score", "no-such-file.yaml"]).exit_code == 1


@pytest.mark.parametrize("name", ["A\x9b2JB", "A\u202eB", "A\x1bB"])
def test_names_with_terminal_or_direction_controls_are_refused(name: str, tmp_path: Path) -> None:
    data = sample()
    next(iter(data["responses"].values()))["owner"] = name
    result = run("assess", "check", write(tmp_path / "a.yaml", data))
    assert result.exit_code == 1
    [line] = errors(result)
    assert line.endswith(
        "owner: must be one line of text, without line breaks or control characters"
    )


def test_ctrl_c_elsewhere_claims_only_what_is_true(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import maturity.cli.store as store_cli

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(store_cli, "open_store", interrupted)
    result = CliRunner().invoke(main, ["export", "-o", str(tmp_path), "--store", "x.db"])
    assert result.exit_code == 130
    assert errors(result) == ["Interrupted; no file or store was left half-written."]


def test_a_framework_name_too_long_for_a_file_name_is_one_line(tmp_path: Path) -> None:
    """Found by the fuzz suite: the name was tried as a file path (ENAMETOOLONG, exit 70)."""
    data = sample()
    data["framework"] = "x" * 3000
    result = run("assess", "check", write(tmp_path / "a.yaml", data))
    assert result.exit_code == 1
    [line] = errors(result)
    assert line.endswith("a.yaml:1: framework: too long: at most 500 characters")
