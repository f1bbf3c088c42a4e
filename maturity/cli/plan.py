"""`maturity plan`: the action plan for the gap between where a unit is and its target."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from maturity.cli.common import OutputPath, output_format
from maturity.cli.plan_update import update_command
from maturity.cli.store import store_option
from maturity.core.errors import MaturityError

if TYPE_CHECKING:
    from maturity.core.assessment import Assessment
    from maturity.core.framework import Framework
    from maturity.core.gaps import Targets
    from maturity.core.plan import PlanConfig


FORMATS = ["pdf", "docx", "html", "yaml", "csv"]


def default_name(unit: str, period: str, fmt: str) -> str:
    """`<unit-slug>-<period with - for />-plan.<ext>`, from the unit's last part."""
    from maturity.files.output import slug

    return f"{slug(unit.split('/')[-1])}-{period.replace('/', '-')}-plan.{fmt}"


class _PlanGroup(click.Group):
    """`maturity plan FILE...` drafts plans; `maturity plan update PLAN ...` tracks one.

    Anything that is not a subcommand's name goes to `draft`, so the plain form works.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in self.commands:
            args = ["draft", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_PlanGroup, name="plan")
def plan_group() -> None:
    """Draft action plans from assessments, and track their progress.

    `maturity plan FILE...` is short for `maturity plan draft FILE...`.

    \b
    Example:
        maturity plan assessments/2025-26/adult-social-care.yaml -o asc-plan.pdf
        maturity plan update asc-plan.yaml --ref workforce.representation --status "On track"
    """


@plan_group.command(name="draft")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[FILE]...")
@click.option("--unit", help="With --period: read the unit's current assessment from the store.")
@click.option("--period", help="The period to read from the store, e.g. 2025/26.")
@store_option
@click.option(
    "--target",
    "target_level",
    metavar="LEVEL",
    help="One target level id for every domain, e.g. established.",
)
@click.option(
    "--targets",
    "targets_file",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="A targets YAML file: level, domains and/or criteria (see below).",
)
@click.option(
    "-o",
    "--output",
    type=OutputPath(),
    help="The file to write; a folder when several units are planned.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="pdf",
    show_default=True,
    help="pdf to publish; docx for committee papers (Word); html for the web; yaml or csv to "
    "edit and track. Without it, the -o file's ending chooses (plan.docx is Word).",
)
@click.option("--organisation", help="The name on the plan (default: the unit path's first part).")
@click.option(
    "--horizon",
    type=click.IntRange(4, 120),
    default=24,
    show_default=True,
    help="The plan's horizon in months; timeframes scale with it.",
)
@click.option(
    "--date",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The plan's date, YYYY-MM-DD (default: today).",
)
@click.option(
    "--max-items",
    type=click.IntRange(0, 1000),
    default=10,
    show_default=True,
    help="pdf/docx/html: items in the main table, by priority; the rest go to an annex (0: all).",
)
@click.option(
    "--evidence",
    "with_evidence",
    is_flag=True,
    help="pdf/html: add an appendix of the evidence the team gave for each criterion.",
)
@click.option("--framework", help="Use this framework (id or file) instead of the one named.")
@click.option(
    "--to-band",
    "to_band",
    metavar="NAME",
    help="Show in the summary the fewest moves that lift the unit into this rating band (or next).",
)
@click.option(
    "--to-target",
    "to_target",
    is_flag=True,
    help="Show in the summary the fewest moves that bring every domain to its target.",
)
@click.option(
    "--consultation",
    metavar="NAME",
    help="A staff consultation in the store: each item says how many responses raised it.",
)
@click.option("--force", is_flag=True, help="Replace output files that already exist.")
def plan_command(
    paths: tuple[Path, ...],
    unit: str | None,
    period: str | None,
    store_url: str,
    target_level: str | None,
    targets_file: Path | None,
    output: Path | None,
    fmt: str,
    organisation: str | None,
    horizon: int,
    on: dt.datetime | None,
    max_items: int,
    with_evidence: bool,
    framework: str | None,
    to_band: str | None,
    to_target: bool,
    consultation: str | None,
    force: bool,
) -> None:
    """Write the action plan that closes each unit's gaps to its targets.

    Reads assessment files (files for the same unit and period merge as respondents)
    or, with --unit and --period, the unit's current assessment in the store. Every
    criterion below its target becomes one item, in the council's columns: Ref,
    Desired outcome, Action, Lead service area, Lead officer, Timeframe, How will we
    measure success, Status. Items are ordered by priority: levels to climb x the
    criterion's share of the overall score x 1.5 when the claim lacked evidence.

    Targets: a criterion's own (--targets criteria:), else its domain's (domains:),
    else one for all (--target or level:), else the framework's default.

    Timeframe, dated from the plan's date: 1 level to climb is due a quarter of the
    horizon on, 2 levels half-way, 3 or more at its end (drafted in March 2026 over
    24 months: by September 2026, by March 2027, by March 2028).

    Refs: aims are the framework's domains, numbered (1, 2, ...), and criteria are
    lettered within them (1a, 1b), as council plans number their actions.

    The PDF is A4 and tagged (PDF/UA-1) for publishing: a summary page, the
    --max-items highest priorities in full under their aims, and an annex table for
    the rest. Without -o the file is named <unit>-<period>-plan.<format> in the
    current folder.

    --to-band NAME (a band's name, or `next`) or --to-target adds the path to the
    summary: the smallest set of criterion moves (one level each, weighted by the
    framework's effort estimates) that reaches the band or every domain's target under
    the framework's own scoring rule, and the projected score.

    To track progress, save the plan as YAML and see `maturity plan update --help`.

    With --consultation, each item also says how many staff responses raised its
    criterion (see `maturity consult --help`).

    \b
    Targets file:
        level: established
        domains: {workforce: embedded}
        criteria: {workforce.representation: leading}

    \b
    Example:
        maturity plan assessments/2025-26/adult-social-care.yaml --target established
        maturity plan assessments/2025-26/*.yaml -o out/plans/
        maturity plan --unit "City Council/Housing/Housing Services" --period 2025/26 \\
            --format csv
        maturity plan draft assessments/2025-26/hr-od.yaml --format yaml -o hr-plan.yaml
        maturity plan assessments/2025-26/housing-services.yaml --format docx --max-items 5
        maturity plan assessments/2025-26/hr-od.yaml --to-band next -o hr-plan.pdf
    """
    from maturity.core.plan import PlanConfig
    from maturity.files.output import check_writable, make_folder, refuse_inputs

    fmt = output_format(output, fmt)
    if paths and (unit or period):
        raise click.UsageError("give assessment files or --unit/--period, not both")
    if not paths and not (unit and period):
        raise click.UsageError("give assessment files, or --unit and --period")
    if target_level and targets_file:
        raise click.UsageError("give --target or --targets, not both")
    if to_band and to_target:
        raise click.UsageError("give --to-band or --to-target, not both")

    loaded = (
        _from_store(store_url, unit, period, framework)
        if unit and period
        else _from_files(paths, framework)
    )
    day = on.date() if on else dt.date.today()
    jobs: list[tuple[Path, Assessment, Framework]] = []
    several = len(loaded) > 1
    if several and output is not None and output.suffix and not output.is_dir():
        raise MaturityError(
            f"{output}: {len(loaded)} units to plan; give a folder for -o, not a file name"
        )
    if several and output is not None:
        make_folder(output)
    for assessment, fw in loaded:
        name = default_name(assessment.unit, assessment.period, fmt)
        path = (
            output / name
            if output is not None and (several or output.is_dir())
            else (output or Path(name))
        )
        if any(path == p for p, _, _ in jobs):
            raise MaturityError(f"two units would both be written to {path}; plan them one by one")
        jobs.append((path, assessment, fw))
    inputs = [*paths, targets_file, Path(framework) if framework else None, Path(store_url)]
    for path, _, _ in jobs:
        refuse_inputs(path, inputs)
        check_writable(path, force)

    raised = _raised(store_url, consultation, [fw for _, _, fw in jobs]) if consultation else {}
    for path, assessment, fw in jobs:
        targets = _targets(fw, target_level, targets_file)
        config = PlanConfig(
            drafted_on=day,
            organisation=organisation or assessment.unit.split("/")[0],
            horizon_months=horizon,
            staff_responses=raised.get(fw.id),
        )
        goal = ("band", to_band) if to_band else ("target", "") if to_target else None
        pages = _write(
            fw, assessment, targets, config, path, fmt, force, max_items, with_evidence, goal
        )
        suffix = f", {pages} pages" if pages else ""
        click.echo(f"{path}: action plan for {assessment.unit} {assessment.period}{suffix}")


def _from_files(
    paths: tuple[Path, ...], framework: str | None
) -> list[tuple[Assessment, Framework]]:
    from maturity.files.intake import load_merged

    return [(assessment, fw) for assessment, fw, _ in load_merged(paths, framework)]


def _from_store(
    url: str, unit: str, period: str, framework: str | None
) -> list[tuple[Assessment, Framework]]:
    from maturity.core.assessment import check_against, parse_period, parse_unit
    from maturity.core.errors import InvalidFileError
    from maturity.files.catalog import framework_for
    from maturity.store import open_store

    try:
        wanted = "/".join(parse_unit(unit))
        parse_period(period)
    except ValueError as exc:
        raise MaturityError(str(exc)) from None
    with open_store(url) as store:
        found = [s.assessment for s in store.assessments(unit=wanted, period=period)]
        if not found:
            close = store.units_like(unit.split("/")[-1])[:3]
            hint = f"; stored units like it: {', '.join(close)}" if close else ""
            raise MaturityError(f"{store.name}: no assessment of '{wanted}' for {period}{hint}")
        stored = {fw.version: fw for fw in store.frameworks(found[0].framework_id)}
    result = []
    for assessment in found:
        version = assessment.framework_version
        fw = stored.get(version) if version and not framework else None
        fw = fw or framework_for(assessment, framework)
        problems = check_against(fw, assessment)
        if problems:
            raise InvalidFileError([f"{wanted} {period}: {p.message}" for p in problems])
        result.append((assessment, fw))
    return result


def _raised(url: str, name: str, frameworks: list[Framework]) -> dict[str, dict[str, int]]:
    """For each framework: how many responses of the consultation raise each criterion."""
    from maturity.core.consultation.analysis import map_responses, raised_counts
    from maturity.store import open_store

    found: dict[str, dict[str, int]] = {}
    with open_store(url) as store:
        consultation = store.consultation(name)
        for fw in frameworks:
            if fw.id not in found:
                corrections = store.corrections(name, fw.id)
                mapped = map_responses(fw, consultation.responses, corrections)
                found[fw.id] = dict(raised_counts(mapped))
    return found


def _targets(fw: Framework, level: str | None, path: Path | None) -> Targets:
    from maturity.core.gaps import Targets
    from maturity.files.targets import load_targets

    if path is not None:
        return load_targets(path, fw)
    if level is not None:
        # A level may be given by its id or its name, in any case: `established`, `Established`.
        names = {key.casefold(): lv.id for lv in fw.levels for key in (lv.id, lv.name)}
        if level.strip().casefold() not in names:
            raise MaturityError(
                f"--target: '{level}' is not a level of {fw.id}; use one of "
                f"{', '.join(fw.level_ids)}"
            )
        level = names[level.strip().casefold()]
    targets = Targets(level=level)
    if not any(targets.for_domain(fw, d.id) for d in fw.domains):
        raise MaturityError(
            f"{fw.id} sets no default target; give --target LEVEL ({', '.join(fw.level_ids)})"
        )
    return targets


def _write(
    fw: Framework,
    assessment: Assessment,
    targets: Targets,
    config: PlanConfig,
    path: Path,
    fmt: str,
    force: bool,
    max_items: int,
    with_evidence: bool,
    goal: tuple[str, str] | None = None,
) -> int:
    from maturity.core.scoring import score
    from maturity.reports.plan import build_report, html_document, write_pdf

    result = score(fw, assessment)
    report = build_report(fw, assessment, result, targets, config, max_items, with_evidence)
    if goal is not None:
        from maturity.core.band_path import path_to_band, path_to_targets

        kind, name = goal
        if kind == "band":
            path_found = path_to_band(fw, result, name)
        else:
            wanted = {d.id: t for d in fw.domains if (t := targets.for_domain(fw, d.id))}
            path_found = path_to_targets(fw, result, wanted)
        report = report.with_path(path_found)
    if fmt in {"yaml", "csv"}:
        from maturity.files.plan_file import save_plan

        save_plan(report.plan, path, fmt, force)
        return 0
    if fmt == "docx":
        from maturity.reports.word import plan_docx

        plan_docx(report, path, force)
        return 0
    if fmt == "html":
        from maturity.files.output import write_atomic

        write_atomic(path, html_document(report), force)
        return 0
    return write_pdf(report, path, force)


plan_group.add_command(update_command)
