"""`maturity report`: the board pack, progress updates, and every report at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from maturity.cli.common import OutputPath, check_period, choose_framework, output_format
from maturity.cli.store import open_store, store_option
from maturity.core.errors import MaturityError

if TYPE_CHECKING:
    from maturity.core.board import BoardPack
    from maturity.store import Store


def board_name(period: str, fmt: str = "pdf") -> str:
    """`board-pack-2025-26.pdf` (or `.docx`)."""
    return f"board-pack-{period.replace('/', '-')}.{fmt}"


def plan_name(unit: str, period: str) -> str:
    """The unit's whole path as a slug, so two `Housing` units in different places differ."""
    from maturity.files.output import slug

    return f"{slug(unit)}-{period.replace('/', '-')}-plan.pdf"


def load_board(
    store: Store, period: str, framework: str | None, threshold: int, organisation: str | None
) -> BoardPack:
    """The board pack for `period` from the store's current scores."""
    from maturity.core.board import build_board

    framework_id = choose_framework(store, framework)
    scores = store.scores(framework_id, with_criteria=True)
    frameworks = store.frameworks(framework_id)
    return build_board(
        scores,
        frameworks,
        period,
        threshold=threshold,
        organisation=organisation,
        reviews=store.period_reviews(framework_id, period),
        assessments=[
            s.assessment
            for s in store.assessments(period=period)
            if s.info.framework_id == framework_id
        ],
    )


@click.group(name="report")
def report() -> None:
    """Publishable reports: the board pack, progress updates, and all of them at once.

    \b
    Example:
        maturity report board --period 2025/26 -o board.pdf
        maturity report all --period 2025/26 -o out/
    """


threshold_option = click.option(
    "--suppress-under",
    "threshold",
    type=click.IntRange(1, 1000),
    default=5,
    show_default=True,
    help="Counts of people under this are shown as suppressed ([c]), with a note.",
)


@report.command(name="board")
@click.option("--period", required=True, help="The period to report, e.g. 2025/26.")
@click.option("-o", "--output", type=OutputPath(), help="The file to write.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "docx"]),
    default="pdf",
    show_default=True,
    help="pdf to publish; docx (Word) for committee papers. Without it, the -o file's "
    "ending chooses.",
)
@click.option("--framework", help="The framework id, when the store holds several.")
@click.option("--organisation", help="The name on the pack (default: the units' top level).")
@threshold_option
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@store_option
def board_command(
    period: str,
    output: Path | None,
    fmt: str,
    framework: str | None,
    organisation: str | None,
    threshold: int,
    force: bool,
    store_url: str,
) -> None:
    """Write the board pack: every unit compared, who moved, and where the council stands.

    From the store's current assessments: a heatmap of units by domains (the level
    printed in every cell), each unit's trend across periods, movement since the
    previous assessment, the council-wide distribution per domain, who meets the
    target profile, and measures against their targets with small counts of people
    suppressed. A department without its own assessment is combined from the
    units below it. The PDF is landscape A4 and tagged (PDF/UA-1).

    \b
    Example:
        maturity report board --period 2025/26 -o board.pdf
        maturity report board --period 2025/26 --store sqlite:///shared.db --suppress-under 10
        maturity report board --period 2025/26 --format docx -o board.docx
    """
    from maturity.files.output import check_writable, refuse_inputs

    check_period(period)
    fmt = output_format(output, fmt)
    path = output or Path(board_name(period, fmt))
    refuse_inputs(path, [Path(store_url)])
    check_writable(path, force)
    with open_store(store_url) as store:
        pack = load_board(store, period, framework, threshold, organisation)
    assessed = sum(1 for u in pack.units if not u.combined)
    if fmt == "docx":
        from maturity.reports.word import board_docx

        board_docx(pack, path, force)
        click.echo(f"{path}: board pack for {period}, {assessed} units assessed")
        return
    from maturity.reports.board import write_pdf

    pages = write_pdf(pack, path, force)
    click.echo(f"{path}: board pack for {period}, {assessed} units assessed, {pages} pages")


@report.command(name="scorecard")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE..."
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="The file to write.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "docx"]),
    default="pdf",
    show_default=True,
    help="pdf to publish; docx (Word) for committee papers. Without it, the -o file's "
    "ending chooses.",
)
@click.option(
    "--target", "target_level", metavar="LEVEL", help="One target level for every domain."
)
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="The date on the card.")
@click.option("--framework", help="Use this framework (id or file) instead of the one named.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def scorecard_command(
    paths: tuple[Path, ...],
    output: Path | None,
    fmt: str,
    target_level: str | None,
    on: dt.datetime | None,
    framework: str | None,
    force: bool,
) -> None:
    """Write a unit's one-page scorecard: where it stands, not what to do.

    From one unit's assessment files (several files for the same unit and period
    merge as respondents): the overall level, score and rating, each domain's score
    against its target (chart and table), how many answers carry evidence, and the
    three gaps to close first. Without -o the file is <unit>-<period>-scorecard.<format>.

    \b
    Example:
        maturity report scorecard assessments/2025-26/housing-services.yaml
        maturity report scorecard assessments/2025-26/hr-od.yaml --format docx -o hr.docx
    """
    from maturity.cli.plan import _targets
    from maturity.core.plan import PlanConfig
    from maturity.core.scoring import score
    from maturity.files.intake import load_merged
    from maturity.files.output import check_writable, slug
    from maturity.reports.plan import build_report

    fmt = output_format(output, fmt)
    loaded = load_merged(paths, framework)
    if len(loaded) != 1:
        units = ", ".join(f"{a.unit} {a.period}" for a, _, _ in loaded)
        raise MaturityError(f"a scorecard is for one unit and period; these files hold {units}")
    assessment, fw, _ = loaded[0]
    unit_name = assessment.unit.split("/")[-1]
    name = f"{slug(unit_name)}-{assessment.period.replace('/', '-')}-scorecard.{fmt}"
    path = output or Path(name)
    check_writable(path, force)
    config = PlanConfig(
        drafted_on=(on or dt.datetime.now()).date(), organisation=assessment.unit.split("/")[0]
    )
    targets = _targets(fw, target_level, None)
    report = build_report(fw, assessment, score(fw, assessment), targets, config)
    if fmt == "docx":
        from maturity.reports.scorecard import write_docx

        write_docx(report, path, force)
        click.echo(f"{path}: scorecard for {assessment.unit} {assessment.period}")
        return
    from maturity.reports.scorecard import write_pdf

    pages = write_pdf(report, path, force)
    click.echo(f"{path}: scorecard for {assessment.unit} {assessment.period}, {pages} pages")


@report.command(name="progress")
@click.argument("plan_path", metavar="PLAN", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=OutputPath(), help="The PDF to write.")
@click.option(
    "--date",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The date the update is as at, YYYY-MM-DD; overdue is judged on it (default: today).",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def progress_command(
    plan_path: Path, output: Path | None, on: dt.datetime | None, force: bool
) -> None:
    """Write a plan's progress update: what changed, what is overdue, then every action.

    Reads a plan saved as YAML and updated with `maturity plan update`. It leads
    with the actions updated in the latest round (a round is a month in which any
    action was updated) and those overdue: past the date in their timeframe and
    neither Complete nor In place. Each action has a RAG status: green when On track,
    In place or Complete; amber when Not yet commenced or At risk; red when Delayed
    or overdue. The update history follows, one column per round. Without -o the
    file is <plan>-progress.pdf beside the plan.

    \b
    Example:
        maturity report progress housing-2025-26-plan.yaml -o housing-progress.pdf
        maturity report progress housing-2025-26-plan.yaml --date 2027-04-01 --force
    """
    from maturity.files.output import check_writable, refuse_inputs
    from maturity.files.plan_file import load_plan
    from maturity.reports.progress import write_pdf

    path = output or plan_path.with_name(plan_path.stem + "-progress.pdf")
    refuse_inputs(path, [plan_path])
    check_writable(path, force)
    if not plan_path.is_file():
        raise MaturityError(f"{plan_path}: no such file")
    plan = load_plan(plan_path)
    pages = write_pdf(plan, path, force, on=(on or dt.datetime.now()).date())
    click.echo(f"{path}: progress update for {plan.unit} {plan.period}, {pages} pages")


@report.command(name="all")
@click.option("--period", required=True, help="The period to report, e.g. 2025/26.")
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=OutputPath(),
    help="The folder to write into (created if needed).",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 256),
    default=None,
    help="Documents rendered at once [default: the number of cores].",
)
@click.option("--framework", help="The framework id, when the store holds several.")
@click.option("--organisation", help="The name on the documents (default: the units' top level).")
@threshold_option
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@store_option
def all_command(
    period: str,
    out_dir: Path,
    jobs: int | None,
    framework: str | None,
    organisation: str | None,
    threshold: int,
    force: bool,
    store_url: str,
) -> None:
    """Write the board pack and every unit's action plan for a period, in parallel.

    Documents render across the machine's cores (--jobs to choose). Progress shows
    as a bar on a terminal and as one line per document in a log. A unit that fails
    does not stop the others: failures are listed at the end, and the command exits
    1 if any document failed. Files: DIR/board-pack-<period>.pdf and
    DIR/plans/<unit path>-<period>-plan.pdf.

    \b
    Example:
        maturity report all --period 2025/26 -o out/
        maturity report all --period 2025/26 -o out/ --jobs 2 --force
    """
    from maturity.files.output import check_writable
    from maturity.reports import batch
    from maturity.reports.batch import Job

    check_period(period)
    if out_dir.exists() and not out_dir.is_dir():
        raise MaturityError(f"{out_dir} is a file; give a folder for -o")
    today = dt.date.today()
    with open_store(store_url) as store:
        pack = load_board(store, period, framework, threshold, organisation)
        framework_id = choose_framework(store, framework)
        frameworks = {fw.ref: fw for fw in store.frameworks(framework_id)}
        stored = [
            s
            for s in store.assessments()
            if s.info.framework_id == framework_id and s.info.period == period
        ]
    plans = out_dir / "plans"
    work = [
        Job(
            f"board pack {period}",
            out_dir / board_name(period),
            "board",
            board=pack,
            drafted_on=today,
            force=force,
        )
    ]
    for item in sorted(stored, key=lambda s: s.info.unit):
        work.append(
            Job(
                item.info.unit,
                plans / plan_name(item.info.unit, period),
                assessment=item.assessment,
                framework=f"{framework_id}@{item.info.framework_version}",
                organisation=organisation,
                drafted_on=today,
                force=force,
            )
        )
    seen: set[Path] = set()
    for job in work:
        if job.output in seen:
            raise MaturityError(f"two documents would both be written to {job.output}")
        seen.add(job.output)
    from maturity.files.output import make_folder

    make_folder(plans)
    for job in work:
        check_writable(job.output, force)
    from maturity.cli.progress import Reporter

    batch.warm_up()
    outcome = batch.run(
        work, batch.render_job, workers=jobs, frameworks=frameworks, reporter=Reporter(len(work))
    )
    ok = [d for d in outcome.done if d.ok]
    click.echo(
        f"{out_dir}: {len(ok)} of {len(work)} documents written in {outcome.seconds:.1f} s "
        f"(board pack and {len(work) - 1} action plans)"
    )
    if outcome.failed:
        click.echo(f"Failed ({len(outcome.failed)}):", err=True)
        for done in sorted(outcome.failed, key=lambda d: d.job.name):
            click.echo(f"  {done.job.name}: {done.error}", err=True)
        raise click.exceptions.Exit(1)
