from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from maturity.core.errors import MaturityError
from maturity.files import output
from maturity.files.output import atomic_path, write_atomic


def test_a_file_that_appears_while_writing_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    with pytest.raises(MaturityError) as caught, atomic_path(path) as tmp:
        tmp.write_bytes(b"ours")
        path.write_bytes(b"theirs")  # someone else saves here after the check
    assert str(caught.value) == f"{path} already exists; use --force to replace it"
    assert path.read_bytes() == b"theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pdf"]


def test_force_replaces_and_keeps_the_replaced_files_mode(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes(b"old")
    path.chmod(0o640)
    write_atomic(path, "new", force=True)
    assert path.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


def test_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "plan.csv", "new")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "plan.csv").stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


def no_hard_links(src: object, dst: object) -> None:
    raise OSError(errno.EPERM, "Operation not permitted")


def test_without_hard_links_a_new_file_is_still_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "link", no_hard_links)
    path = tmp_path / "plan.csv"
    write_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


def test_without_hard_links_an_existing_file_is_still_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "link", no_hard_links)
    path = tmp_path / "plan.csv"
    with pytest.raises(MaturityError, match="already exists"), atomic_path(path) as tmp:
        tmp.write_bytes(b"ours")
        path.write_bytes(b"theirs")
    assert path.read_bytes() == b"theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


def test_the_content_is_flushed_to_disk_before_it_takes_the_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.fstat(fd).st_size)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_atomic(tmp_path / "plan.csv", "twelve bytes")
    assert synced == [12]


@pytest.mark.parametrize(
    ("err", "reason"),
    [(errno.EROFS, "the disk is read-only"), (errno.EACCES, "no permission to write there"),
     (errno.ENOSPC, "the disk is full")],
)  # fmt: skip
def test_a_folder_that_cannot_be_written_is_one_line_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, err: int, reason: str
) -> None:
    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(err, os.strerror(err), str(tmp_path))

    monkeypatch.setattr(output.tempfile, "mkstemp", refuse)
    target = tmp_path / "plan.pdf"
    with pytest.raises(MaturityError) as caught:
        output.write_atomic(target, b"x")
    assert str(caught.value) == f"{target}: cannot write in folder {tmp_path} ({reason})"
    assert not target.exists()


def test_an_output_folder_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "plans"
    blocker.write_text("a file where the folder should go", encoding="utf-8")
    with pytest.raises(MaturityError, match="is a file, not a folder"):
        output.make_folder(blocker)
    with pytest.raises(MaturityError) as caught:
        output.make_folder(blocker / "sub")
    assert str(caught.value).startswith(f"{blocker / 'sub'}: cannot create the folder (")
