"""The README is executable documentation: its examples run, in order, and print what it shows.

Every ```sh and ```console block runs in one shell, in order, in a copy of the project's sample
files with the demo's store (`out/maturity.db`) already imported, as a reader who has just run
`make demo` would have it. A block preceded by `<!-- not run: reason -->` is left out.

- In a ```sh block every line is a command; it must exit 0.
- In a ```console block, `$ ` lines are commands and the lines after each are its output; the
  output must match, line for line, where a line `...` stands for any number of lines.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```(\w*)\s*$")
NOT_RUN = re.compile(r"^<!--\s*not run:.*-->\s*$")
MARK = "@@readme-example@@"


@dataclass
class Example:
    """One command from the README, with the output shown for it (None: not compared)."""

    line: int
    command: str
    output: list[str] | None = field(default=None)


def examples(text: str) -> list[Example]:
    """The README's runnable examples, in order."""
    found: list[Example] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening or opening.group(1) not in {"sh", "console", ""}:
            i += 1
            continue
        kind = opening.group(1)
        skipped = i > 0 and bool(NOT_RUN.match(lines[i - 1]))
        body_start = i + 1
        i = body_start
        while i < len(lines) and not FENCE.match(lines[i]):
            i += 1
        body = lines[body_start:i]
        i += 1
        if skipped or kind == "":
            continue
        for offset, line in enumerate(body):
            number = body_start + offset + 1
            if kind == "sh":
                if line.strip() and not line.lstrip().startswith("#"):
                    found.append(Example(number, line))
            elif line.startswith("$ "):
                found.append(Example(number, line[2:], []))
            elif found and found[-1].output is not None:
                found[-1].output.append(line)
    return found


def matches(shown: list[str], printed: list[str]) -> bool:
    """Whether `printed` is what `shown` shows, `...` standing for any run of lines."""
    if not shown:
        return not printed
    if shown[0] == "...":
        return any(matches(shown[1:], printed[k:]) for k in range(len(printed) + 1))
    return (
        bool(printed)
        and printed[0].rstrip() == shown[0].rstrip()
        and matches(shown[1:], printed[1:])
    )


def test_examples_are_found_and_output_compared() -> None:
    text = (
        "```sh\nmaturity a   # note\n# only a comment\n```\n"
        "<!-- not run: needs a server -->\n```sh\nmaturity b\n```\n"
        "```console\n$ maturity c\nline 1\n...\n$ maturity d\n```\n"
    )
    found = examples(text)
    assert [(e.command, e.output) for e in found] == [
        ("maturity a   # note", None),
        ("maturity c", ["line 1", "..."]),
        ("maturity d", []),
    ]
    assert matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert matches(["a", "..."], ["a"])
    assert not matches(["a", "b"], ["a", "c"])
    assert not matches(["a"], ["a", "b"])


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample files, with the demo's store imported as `make demo` leaves it."""
    root = tmp_path_factory.mktemp("readme")
    for folder in ("assessments", "frameworks"):
        shutil.copytree(REPO / folder, root / folder)
    venv = root / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "activate").write_text(
        f'export PATH="{Path(sys.executable).parent}:$PATH"\n', encoding="utf-8"
    )
    (root / "out").mkdir()
    subprocess.run(
        [
            Path(sys.executable).parent / "maturity",
            "import",
            "assessments/2023-24",
            "assessments/2024-25",
            "assessments/2025-26",
            "--store",
            "out/maturity.db",
        ],
        cwd=root,
        check=True,
        capture_output=True,
    )
    return root


def test_the_readme_examples_run_and_print_what_it_shows(project: Path) -> None:
    found = examples((REPO / "README.md").read_text(encoding="utf-8"))
    assert len(found) >= 20, "the README's examples were not found"
    script = ["set -o pipefail"]
    for n, example in enumerate(found):
        script.append(f"echo {MARK}{n}")
        # On lines of their own, so that a trailing `# comment` ends where the command does.
        # 141 is a writer stopped by a reader that closed the pipe early (`| head`): normal.
        script.append(
            f"{{\n{example.command}\n}} 2>&1 || "
            f"{{ rc=$?; [ $rc = 141 ] || {{ echo {MARK}failed $rc; exit 1; }}; }}"
        )
    env = {k: v for k, v in os.environ.items() if k != "MATURITY_STORE"}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)
    run = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    printed: dict[int, list[str]] = {}
    current = -1
    for line in run.stdout.splitlines():
        if line.startswith(MARK):
            tag = line[len(MARK) :]
            if tag.startswith("failed"):
                example = found[current]
                output = "\n".join(printed[current])
                pytest.fail(f"README.md:{example.line}: `{example.command}` {tag}:\n{output}")
            current = int(tag)
            printed[current] = []
        elif current >= 0:
            printed[current].append(line)
    assert run.returncode == 0, run.stderr
    assert len(printed) == len(found)
    for n, example in enumerate(found):
        if example.output is not None:
            assert matches(example.output, printed[n]), (
                f"README.md:{example.line}: `{example.command}` printed:\n" + "\n".join(printed[n])
            )
