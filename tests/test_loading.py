"""Reading YAML safely: each broken file in tests/data/frameworks gives one pinned line."""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from maturity.cli import main
from maturity.core.errors import InvalidFileError, MaturityError
from maturity.core.framework import Framework
from maturity.files import loading

FRAMEWORKS = "tests/data/frameworks"
ALIAS = "anchors and aliases (& and *) are not supported; write the value out in full"

BROKEN = {
    "syntax-error": "44: not valid YAML: did not find expected ',' or ']' "
    "(while parsing a flow sequence on line 43)",
    "duplicate-key": "60: duplicate key 'title'; each key may appear once, remove or rename one",
    "unknown-level": "22: scoring > evidence_required_from: evidence_required_from 'top' is not "
    "a level id; use one of low, mid, high",
    "missing-descriptor": "62: domain 'services' > criterion 'access' > descriptors: missing "
    "descriptors for high; every criterion describes every level",
    "overlapping-bands": "26: scoring > bands 3: bands 'Silver' (2 to 2.6) and 'Gold' (2.5 to 3) "
    "overlap; each score must fall in one band (leave out `max` to run a band up to the next "
    "one's start)",
    "unquoted-no": "12: level 'mid' > name: YAML reads an unquoted No as true/false; write 'No' "
    "in quotes",
    "wrong-type": "56: domain 'services' > weight: expected a number, found 'double'",
}


@pytest.mark.parametrize("stem", sorted(BROKEN))
def test_each_broken_framework_gives_one_pinned_line(cli: Callable[..., Result], stem: str) -> None:
    result = cli("framework", "validate", f"{FRAMEWORKS}/{stem}.yaml")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: {FRAMEWORKS}/{stem}.yaml:{BROKEN[stem]}\n"


def test_every_broken_file_differs_from_the_valid_one_by_one_defect() -> None:
    # Keeps the data honest: the pinned line is the defect, not an accident elsewhere.
    root = Path(__file__).parent / "data" / "frameworks"
    valid = (root / "valid-small.yaml").read_text().splitlines()[1:]
    for stem in BROKEN:
        broken = (root / f"{stem}.yaml").read_text().splitlines()[1:]
        hunks = difflib.SequenceMatcher(a=valid, b=broken).get_opcodes()
        assert [h[0] for h in hunks if h[0] != "equal"] in (["replace"], ["insert"], ["delete"])


def test_an_alias_bomb_is_refused_quickly(cli: Callable[..., Result]) -> None:
    start = time.perf_counter()
    result = cli("framework", "validate", f"{FRAMEWORKS}/alias-bomb.yaml")
    assert time.perf_counter() - start < 2
    assert result.exit_code == 1
    # Reported where the aliases are used (line 6), once for the line, not at the anchor.
    assert result.stderr == f"Error: {FRAMEWORKS}/alias-bomb.yaml:6: {ALIAS}\n"


def test_a_large_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 30)]
    start = time.perf_counter()
    with pytest.raises(InvalidFileError) as caught:
        loading.parse("\n".join(lines), "bomb.yaml")
    assert time.perf_counter() - start < 2
    assert caught.value.lines == [f"bomb.yaml:{n}: {ALIAS}" for n in range(2, 31)]


def test_merge_keys_are_refused() -> None:
    with pytest.raises(InvalidFileError) as caught:
        loading.parse("a: 1\nc:\n  <<: {b: 1}\n", "merge.yaml")
    assert caught.value.lines == ["merge.yaml:3: merge keys (<<) are not supported"]


def test_an_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"a: " + b"x" * loading.MAX_BYTES)
    start = time.perf_counter()
    with pytest.raises(InvalidFileError) as caught:
        loading.load(path, Framework)
    assert time.perf_counter() - start < 2
    assert caught.value.lines == [f"{path}:1: the file is 5.0 MB, over the limit of 5 MB"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: " + "[" * 100_000 + "]" * 100_000, 1),  # crashed libyaml's composer
        ("a:\n" + "".join("  " * i + "k:\n" for i in range(1, 200)), 51),  # overflowed the walk
    ],
    ids=["flow", "block"],
)
def test_deep_nesting_is_refused_not_a_crash(text: str, line: int, tmp_path: Path) -> None:
    """One located line naming the file, exit 1, quickly: whoever notices first (PyYAML
    6.0.4 refuses deep flow nesting itself, in its own words, before our check does)."""
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["score", str(path)])
    assert time.perf_counter() - start < 2
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: {path}:{line}: ")
    assert "Traceback" not in result.output


def test_our_own_depth_check_names_the_limit() -> None:
    text = "a:\n" + "".join("  " * i + "k:\n" for i in range(1, 200))
    with pytest.raises(InvalidFileError) as caught:
        loading.parse(text, "deep.yaml")
    assert caught.value.lines == [
        "deep.yaml:51: nested more than 50 levels deep; no framework or assessment needs that many"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "x.yaml:1: the file is empty"),
        ("# only a comment\n", "x.yaml:1: the file is empty"),
        (
            "a: 1\n---\nb: 2\n",
            "x.yaml:2: a file holds one YAML document; remove the extra '---'",
        ),
        (
            "id: x\n\tname: y\n",
            "x.yaml:2: not valid YAML: found a tab character that violates "
            "indentation (while scanning a plain scalar on line 1); indent with spaces, not tabs",
        ),
        (
            "a: !!python/object:os.system x\n",
            "x.yaml:1: the tag tag:yaml.org,2002:python/object:os.system is not supported; "
            "remove it",
        ),
        (
            "a: 1\nb:\n  c: 2\n  c: 3\n",
            "x.yaml:4: duplicate key 'c'; each key may appear once, remove or rename one",
        ),
    ],
)
def test_yaml_problems_are_one_line_each(text: str, message: str) -> None:
    with pytest.raises(InvalidFileError) as caught:
        loading.parse(text, "x.yaml")
    assert caught.value.lines == [message]


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(MaturityError, match=r"^missing\.yaml: no such file$"):
        loading.read(Path("missing.yaml"))
    with pytest.raises(MaturityError, match=r": is a folder, not a file$"):
        loading.read(tmp_path)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(InvalidFileError) as caught:
        loading.read(latin)
    assert caught.value.lines == [
        f"{latin}:1: not UTF-8 text (invalid continuation byte at byte 9)"
    ]


def test_line_numbers_follow_the_longest_known_prefix() -> None:
    source = loading.parse("a:\n  b:\n    - x\n    - y\n", "f.yaml")
    assert source.line(("a", "b", 1)) == 4
    assert source.line(("a", "b", 1, "missing", "deeper")) == 4
    assert source.line(("nothing",)) == 1


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            [("  - id: mid\n", "  - id: Mid\n"), ("    weight: 2\n", "    weight: heavy\n")],
            [
                "v.yaml:11: level 'Mid' > id: 'Mid' is not a valid id: use lowercase letters, "
                "digits and hyphens",
                "v.yaml:56: domain 'services' > weight: expected a number, found 'heavy'",
            ],
        ),
        (
            [
                ("    weight: 2\n", "    weight: 0\n"),
                ("      - id: complaints", "      - id: data"),
            ],
            [
                "v.yaml:56: domain 'services' > weight: weight must be more than 0, not 0",
                "v.yaml:71: domain 'services' > criterion 'data' > id: criterion id 'data' is "
                "already used in domain 'people'; criterion ids must be unique across the "
                "framework",
            ],
        ),
    ],
    ids=["field-errors", "cross-checks"],
)
def test_every_problem_of_a_kind_is_reported_together(
    changes: list[tuple[str, str]], expected: list[str]
) -> None:
    text = (Path(__file__).parent / "data" / "frameworks" / "valid-small.yaml").read_text()
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    with pytest.raises(InvalidFileError) as caught:
        loading.validate(loading.parse(text, "v.yaml"), Framework)
    assert caught.value.lines == expected
