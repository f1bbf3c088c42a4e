"""`maturity workbook`: an Excel self-assessment workbook for a framework."""

from __future__ import annotations

from pathlib import Path

import click

from maturity.cli.common import OutputPath


@click.command(name="workbook")
@click.argument("framework", metavar="FRAMEWORK")
@click.option(
    "--unit", help="The unit assessed, e.g. 'City Council/Housing' (else the team fills it in)."
)
@click.option("--period", help="The financial year, e.g. 2025/26 (else the team fills it in).")
@click.option(
    "--from",
    "prefill",
    type=click.Path(path_type=Path),
    help="Last year's assessment (YAML or workbook): its answers are filled in for review.",
)
@click.option(
    "-o",
    "--output",
    type=OutputPath(),
    required=True,
    help="The .xlsx file to write.",
)
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
def workbook_command(
    framework: str,
    unit: str | None,
    period: str | None,
    prefill: Path | None,
    output: Path,
    force: bool,
) -> None:
    """Write an Excel workbook for a team to complete its self-assessment in.

    FRAMEWORK is a built-in id or a file. The workbook has an instructions sheet and
    one sheet per domain: each criterion's level descriptors and evidence guidance,
    with a dropdown for the level and cells for evidence, notes and the lead officer.
    Only the answer cells can be edited. Read it back with `maturity assess check`,
    `maturity score` or `maturity import`.

    \b
    Example:
        maturity workbook edi-maturity --unit "City Council/Housing" --period 2026/27 \\
            -o housing.xlsx
        maturity workbook edi-maturity --period 2026/27 \\
            --from assessments/2025-26/housing-services.yaml -o housing.xlsx
    """
    from maturity.cli.common import check_period, check_unit
    from maturity.core.errors import MaturityError
    from maturity.files.catalog import load_framework
    from maturity.files.output import check_writable, refuse_inputs
    from maturity.files.workbook import write_workbook

    if output.suffix.lower() != ".xlsx":
        raise MaturityError(f"{output}: the workbook's name must end in .xlsx")
    if unit is not None:
        unit = check_unit(unit)
    if period is not None:
        check_period(period)
    refuse_inputs(output, [prefill, Path(framework)])
    check_writable(output, force)
    fw = load_framework(framework)
    last = None
    if prefill is not None:
        from maturity.files.intake import load_assessment

        last, _ = load_assessment(prefill)
    write_workbook(fw, output, unit, period, last, force)
    done = f" with {len(last.responses)} answers from {prefill} to review" if last else ""
    click.echo(f"Wrote {output}: {len(fw.criteria)} criteria in {len(fw.domains)} sheets{done}")
