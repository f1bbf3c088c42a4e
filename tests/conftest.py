"""Shared fixtures: frameworks built in code, and the command line run from the repo root."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings
from pg_server import Server, admin, find_binaries, running_server

from maturity.cli import main
from maturity.core.framework import Framework

REPO = Path(__file__).resolve().parent.parent
DATA = Path("tests/data")  # relative: run from the repo root, so messages show these paths

settings.register_profile(
    "default",
    max_examples=int(os.environ.get("MATURITY_HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("default")


def level_ids(n: int) -> list[str]:
    return [f"l{i}" for i in range(1, n + 1)]


def framework_data(
    *,
    points: Sequence[float] = (1, 2, 3),
    domains: Sequence[Sequence[float]] = ((1,),),
    domain_weights: Sequence[float] | None = None,
    domain_rule: str = "mean",
    overall_rule: str = "mean",
    respondents_rule: str = "median",
    bands: Sequence[tuple[str, float, float]] = (),
    evidence_required_from: str | None = None,
    default_target: str | None = None,
    metrics: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A framework as YAML would give it: levels `l1`..`lN`, domains `d1`.., criteria `c1`...

    `domains` lists each domain's criterion weights, e.g. `((1, 2), (1,))` is domain `d1`
    with criteria `c1` (weight 1) and `c2` (weight 2), and domain `d2` with `c3`.
    `metrics` maps `d1.c1` to a metric mapping.
    """
    ids = level_ids(len(points))
    metrics = metrics or {}
    out_domains = []
    n = 0
    for di, weights in enumerate(domains, start=1):
        criteria = []
        for weight in weights:
            n += 1
            criterion: dict[str, Any] = {
                "id": f"c{n}",
                "title": f"Criterion {n}",
                "description": f"What criterion {n} is about.",
                "weight": weight,
                "descriptors": {i: f"c{n} at {i}." for i in ids},
                "evidence": {i: f"Evidence of {i}." for i in ids[1:]},
                "actions": {i: [f"Move up from {i}."] for i in ids[:-1]},
            }
            if f"d{di}.c{n}" in metrics:
                criterion["metric"] = metrics[f"d{di}.c{n}"]
            criteria.append(criterion)
        out_domains.append(
            {
                "id": f"d{di}",
                "name": f"Domain {di}",
                "description": f"What domain {di} covers.",
                "weight": domain_weights[di - 1] if domain_weights else 1,
                "criteria": criteria,
            }
        )
    scoring: dict[str, Any] = {
        "domain_rule": domain_rule,
        "overall_rule": overall_rule,
        "respondents_rule": respondents_rule,
        "bands": [{"name": name, "min": lo, "max": hi} for name, lo, hi in bands],
    }
    if evidence_required_from:
        scoring["evidence_required_from"] = evidence_required_from
    if default_target:
        scoring["default_target"] = default_target
    return {
        "id": "tiny",
        "name": "Tiny framework",
        "version": "1.0",
        "description": "Built in code for a test.",
        "levels": [
            {"id": i, "name": i.upper(), "description": f"Level {i}.", "points": p}
            for i, p in zip(ids, points, strict=True)
        ],
        "scoring": scoring,
        "domains": out_domains,
    }


def make_framework(**kwargs: Any) -> Framework:
    """A validated Framework from `framework_data`'s arguments."""
    return Framework.model_validate(framework_data(**kwargs))


@pytest.fixture
def tiny_framework() -> Callable[..., Framework]:
    """A factory: `tiny_framework(points=(0, 1), domains=((1, 1),), domain_rule="sum")`."""
    return make_framework


@pytest.fixture
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, so paths in messages read `tests/data/...`."""
    monkeypatch.chdir(REPO)
    return REPO


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner: CliRunner, at_repo_root: Path) -> Callable[..., Result]:
    """Run `maturity ARGS...` from the repo root; a traceback escaping is always a failure."""

    def run(*args: str | Path) -> Result:
        result = runner.invoke(main, [str(a) for a in args])
        assert "Traceback" not in result.output + result.stderr, result.stderr
        assert result.exit_code != 70, result.stderr  # the crash handler's code: a bug
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return run


# The store's tests run on both engines: SQLite, and a PostgreSQL server started once for
# the session. Without PostgreSQL installed they are skipped, loudly (see the summary);
# on CI (CI=true) with PostgreSQL installed, a server that fails to start is an error.
_postgres: dict[str, str] = {}
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """A PostgreSQL server for the whole session, stopped and deleted at its end."""
    if find_binaries() is None:
        _postgres["skipped"] = (
            "PostgreSQL is not installed (bash scripts/setup-system.sh installs it as root)"
        )
        pytest.skip(f"PostgreSQL TESTS SKIPPED: {_postgres['skipped']}")
    server_cm = running_server()
    try:
        server = server_cm.__enter__()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is installed but did not start on CI: {exc}")
        _postgres["skipped"] = f"PostgreSQL did not start: {exc}"
        pytest.skip(f"PostgreSQL TESTS SKIPPED: {_postgres['skipped']}")
    _postgres["server"] = str(server.bin_dir)

    def interrupted(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # pytest then tears down, and the server is stopped

    # A run stopped by `timeout` or a CI cancel gets SIGTERM, which would otherwise end
    # pytest without teardown and leave the server (a daemon) running on a shared machine.
    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        yield server
    finally:
        signal.signal(signal.SIGTERM, previous)
        server_cm.__exit__(None, None, None)


@pytest.fixture(params=["sqlite", "postgresql"])
def new_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """A factory of new, empty stores on one engine: SQLite file paths, or the URLs of
    fresh PostgreSQL databases (dropped after the test)."""
    made: list[str] = []
    server: Server | None = None
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres_server")

    def make() -> str:
        name = f"maturity_test_{next(_databases)}"
        if server is None:
            return str(tmp_path / f"{name}.db")
        admin(server, f"CREATE DATABASE {name}")
        made.append(name)
        return server.url(name)

    yield make
    for name in made:
        assert server is not None
        admin(server, f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def store_url(new_store_url: Callable[[], str]) -> str:
    """A new, empty store on each engine (see `new_store_url`)."""
    return new_store_url()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say plainly whether the store was tested on PostgreSQL, and which tests ran there."""
    ran = [
        report.nodeid
        for status in ("passed", "failed", "error")
        for report in terminalreporter.stats.get(status, [])
        if "postgresql" in report.nodeid and report.when == "call"
    ]
    if "skipped" in _postgres:
        terminalreporter.write_sep("!", f"PostgreSQL TESTS SKIPPED: {_postgres['skipped']}")
    elif ran:
        terminalreporter.write_sep(
            "-", f"{len(ran)} tests ran on PostgreSQL ({_postgres['server']})"
        )
        for nodeid in ran:
            terminalreporter.write_line(nodeid)
