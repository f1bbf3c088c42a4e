"""Rendering many documents at once: in parallel across the machine's cores, failures collected.

An edge module. `run` takes a list of `Job`s and a top-level function that renders
one (it must be importable by name, so worker processes can call it); each job
runs in a worker process of a `ProcessPoolExecutor`. A job that fails is
recorded with its one-line reason and the others go on; a worker that dies takes
only its own jobs with it. Progress goes to stderr: a bar on a terminal, plain
`[3/50] done ...` lines in a log or CI.

`render_job` is the worker used by `maturity report all`: the board pack, or one
unit's action plan made the way `maturity plan` makes it.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from maturity.core.errors import MaturityError
from maturity.files.crash_log import write_crash_log

if TYPE_CHECKING:
    from maturity.core.assessment import Assessment
    from maturity.core.board import BoardPack
    from maturity.core.framework import Framework


@dataclass(frozen=True)
class Job:
    """One document to render: what it is (for messages), where it goes, and what it needs."""

    name: str
    output: Path
    kind: Literal["board", "plan"] = "plan"
    board: BoardPack | None = None
    assessment: Assessment | None = None
    framework: str | None = None
    organisation: str | None = None
    drafted_on: dt.date | None = None
    force: bool = False


@dataclass(frozen=True)
class Done:
    """How one job ended: pages written, or the reason it failed; and how long it took."""

    job: Job
    seconds: float
    pages: int = 0
    error: str | None = None
    cpu: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Outcome:
    """Every job's result, in the order they finished, and the wall time."""

    done: list[Done] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[Done]:
        return [d for d in self.done if not d.ok]


# Worker side. Frameworks travel once per worker (initializer), not with every job.

_FRAMEWORKS: dict[str, Framework] = {}


def init_worker(frameworks: Mapping[str, Framework]) -> None:
    """Set the frameworks jobs refer to by `id@version`, once per worker process."""
    _FRAMEWORKS.clear()
    _FRAMEWORKS.update(frameworks)


def render_job(job: Job) -> int:
    """Render one job's PDF; the number of pages. Raises MaturityError on expected failures."""
    if job.kind == "board":
        from maturity.reports.board import write_pdf as write_board

        assert job.board is not None
        return write_board(job.board, job.output, job.force, on=job.drafted_on)
    from maturity.core.gaps import Targets
    from maturity.core.plan import PlanConfig
    from maturity.core.scoring import score
    from maturity.reports.plan import build_report, write_pdf

    assert job.assessment is not None and job.framework is not None
    fw = _FRAMEWORKS.get(job.framework)
    if fw is None:
        raise MaturityError(f"framework {job.framework} is not in the store")
    config = PlanConfig(
        drafted_on=job.drafted_on or dt.date.today(),
        organisation=job.organisation or job.assessment.unit.split("/")[0],
    )
    report = build_report(fw, job.assessment, score(fw, job.assessment), Targets(), config)
    return write_pdf(report, job.output, job.force)


Result = tuple[int, float, float, str | None]
"""(pages, wall seconds, CPU seconds, error) of one job."""


def _call(work: Callable[[Job], int], job: Job) -> Result:
    """Run one job, turning any failure into one line (a bug's details go to a crash log)."""
    start, cpu = time.perf_counter(), time.process_time()
    error: str | None = None
    pages = 0
    try:
        pages = work(job)
    except MaturityError as exc:
        error = str(exc).splitlines()[0]
    except Exception as exc:
        log = write_crash_log(exc, f"job: {job.name} -> {job.output}")
        error = f"unexpected failure ({type(exc).__name__}: {exc}); details in {log}"
    return pages, time.perf_counter() - start, time.process_time() - cpu, error


# Parent side.


def warm_up() -> None:
    """Import the renderers before forking, so each worker starts with them loaded."""
    import matplotlib.backends.backend_svg
    import matplotlib.figure  # noqa: F401
    import weasyprint  # noqa: F401

    import maturity.reports.board
    import maturity.reports.plan  # noqa: F401


class Progress(Protocol):
    """Told of each finished job, then closed; the CLI shows it as a bar or plain lines."""

    def finished(self, done: Done) -> None: ...

    def close(self) -> None: ...


class Quiet:
    """Progress that shows nothing (the default for library callers)."""

    def finished(self, done: Done) -> None:
        pass

    def close(self) -> None:
        pass


def _context() -> Any:
    # fork starts workers with the parent's imports (weasyprint, matplotlib) already loaded.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def run(
    jobs: Sequence[Job],
    work: Callable[[Job], int] = render_job,
    workers: int | None = None,
    frameworks: Mapping[str, Framework] | None = None,
    reporter: Progress | None = None,
) -> Outcome:
    """Run every job, `workers` at a time (default: the machine's cores); never stops early.

    With one worker the jobs run in this process, one after another.
    """
    workers = max(1, workers or os.cpu_count() or 1)
    reporter = reporter or Quiet()
    outcome = Outcome()
    start = time.perf_counter()
    try:
        if workers == 1 or len(jobs) <= 1:
            init_worker(frameworks or {})
            for job in jobs:
                pages, seconds, cpu, error = _call(work, job)
                outcome.done.append(Done(job, seconds, pages, error, cpu))
                reporter.finished(outcome.done[-1])
        else:
            _run_pool(jobs, work, workers, frameworks or {}, reporter, outcome)
    finally:
        reporter.close()
    outcome.seconds = time.perf_counter() - start
    return outcome


def _run_pool(
    jobs: Sequence[Job],
    work: Callable[[Job], int],
    workers: int,
    frameworks: Mapping[str, Framework],
    reporter: Progress,
    outcome: Outcome,
) -> None:
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        mp_context=_context(),
        initializer=init_worker,
        initargs=(dict(frameworks),),
    ) as pool:
        futures: dict[Future[Result], Job] = {pool.submit(_call, work, job): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                pages, seconds, cpu, error = future.result()
            except BrokenProcessPool:
                pages, seconds, cpu, error = 0, 0.0, 0.0, "a worker process stopped unexpectedly"
            done = Done(job, seconds, pages, error, cpu)
            outcome.done.append(done)
            reporter.finished(done)
