"""The command line's start-up settings: plugins off means no plugin search, and nothing lost.

Each case runs in a fresh interpreter, as a command does: the settings act once, before
pydantic builds its first validator.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pydantic
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "assessments" / "2025-26" / "adult-social-care.yaml"

# Runs `maturity score SAMPLE --format json` in-process, then reports what it imported.
RUN_SCORE = f"""
import json, sys
sys.argv = ["maturity", "score", {str(SAMPLE)!r}, "--format", "json"]
from maturity.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
loader = sys.modules.get("pydantic.plugin._loader")
print(json.dumps({{
    "exit": code,
    "metadata": "importlib.metadata" in sys.modules,
    "stand_in": type(loader).__name__ == "_NoPlugins",
}}), file=sys.stderr)
"""


def run(code: str, plugins: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if plugins is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = plugins
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )


def report(done: subprocess.CompletedProcess[str]) -> dict[str, object]:
    found: dict[str, object] = json.loads(done.stderr.strip().splitlines()[-1])
    return found


# Where pydantic looks for plugins; should a release move it, the stand-in has no effect.
LOADER_FOUND = (Path(pydantic.__file__).parent / "plugin" / "_loader.py").is_file()


@pytest.mark.parametrize("plugins", [None, "__all__", "1", "true"])
def test_with_plugins_off_a_command_never_searches_for_them(plugins: str | None) -> None:
    done = run(RUN_SCORE, plugins)
    found = report(done)
    assert found["exit"] == 0, done.stderr
    if LOADER_FOUND:
        assert found == {"exit": 0, "metadata": False, "stand_in": True}, done.stderr
    assert json.loads(done.stdout)["overall"]["level"] == "developing"


def test_a_user_who_keeps_some_plugins_gets_pydantic_own_loader() -> None:
    # PYDANTIC_DISABLE_PLUGINS=name turns off only that plugin: the others must load.
    done = run(RUN_SCORE, "some-plugin")
    assert report(done)["exit"] == 0, done.stderr
    assert report(done)["stand_in"] is False
    assert json.loads(done.stdout)["overall"]["level"] == "developing"


def test_the_stand_in_gives_way_to_the_real_module_for_anything_else() -> None:
    # Should a pydantic release ask its loader for more than `get_plugins`, the real
    # loader is imported and answers. Shown on a standard module, whatever pydantic does.
    code = """
import sys
from maturity.cli.start_up import _NoPlugins
stand_in = _NoPlugins("colorsys")
sys.modules["colorsys"] = stand_in
from colorsys import rgb_to_hsv
real = sys.modules["colorsys"]
print(rgb_to_hsv(1, 0, 0), real is not stand_in, real.rgb_to_hsv is rgb_to_hsv)
"""
    done = run(code, None)
    assert done.stdout.split() == ["(0.0,", "1.0,", "1)", "True", "True"], done.stderr
