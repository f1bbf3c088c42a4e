"""`maturity assess ...`: start and check self-assessments."""

from __future__ import annotations

from pathlib import Path

import click

from maturity.cli.common import OutputPath
from maturity.cli.store import store_option
from maturity.core.errors import InvalidFileError, MaturityError


@click.group()
def assess() -> None:
    """Start a self-assessment, or check a completed one.

    \b
    Example:
        maturity assess new edi-maturity --unit "City Council/Housing" \\
            --period 2025/26 -o housing.yaml
        maturity assess check housing.yaml
    """


@assess.command()
@click.argument("framework", metavar="FRAMEWORK")
@click.option("--unit", required=True, help="The unit assessed, e.g. 'City Council/Housing'.")
@click.option("--period", required=True, help="The financial year, e.g. 2025/26.")
@click.option("-o", "--output", type=OutputPath(), required=True, help="The file to write.")
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
def new(framework: str, unit: str, period: str, output: Path, force: bool) -> None:
    """Write a blank assessment for FRAMEWORK (a built-in id or a file), ready to fill in.

    Each criterion's level descriptors are written beside it as comments.

    \b
    Example:
        maturity assess new edi-maturity --unit "City Council/Housing" \\
            --period 2025/26 -o housing.yaml
    """
    from maturity.cli.common import check_period, check_unit
    from maturity.files.assessment_yaml import blank_assessment
    from maturity.files.catalog import load_framework
    from maturity.files.output import refuse_inputs, write_atomic

    unit = check_unit(unit)
    check_period(period)
    fw = load_framework(framework)
    refuse_inputs(output, [Path(framework)])
    write_atomic(output, blank_assessment(fw, unit, period), force=force)
    click.echo(f"Wrote {output}: {len(fw.criteria)} criteria to assess against {fw.ref}")


@assess.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--framework", help="Check against this framework (id or file) instead of the one named."
)
@store_option
def check(paths: tuple[Path, ...], framework: str | None, store_url: str) -> None:
    """Check assessment files (YAML or filled-in workbooks) and report how complete they are.

    Exits 0 when every file is valid, 1 otherwise. Missing answers are not errors.
    Answers pre-filled from last year (`maturity workbook --from`) that the team has
    neither changed nor confirmed are reported as carried over, not yet reviewed.
    A framework that is not built in is looked up among those added to the store.

    \b
    Example:
        maturity assess check assessments/2025-26/*.yaml
    """
    from maturity.cli.store import registered_finder
    from maturity.core.scoring import score
    from maturity.files.intake import load_assessment

    find = registered_finder(store_url)
    failed: list[str] = []
    for path in paths:
        try:
            assessment, fw = load_assessment(path, framework, find_registered=find)
        except InvalidFileError as exc:
            failed += exc.lines
            continue
        except MaturityError as exc:  # e.g. no such file: still check the others
            if str(exc) not in failed:
                failed.append(str(exc))
            continue
        result = score(fw, assessment)
        missing = [c.id for c in result.criteria if not c.answered]
        done = result.overall.completeness
        line = f"{path}: valid; {done:.0%} complete"
        if missing:
            shown = ", ".join(missing[:5]) + (
                f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            )
            line += f" ({len(missing)} not answered: {shown})"
        capped = [c.id for c in result.criteria if c.capped]
        if capped:
            line += f"; {len(capped)} claim(s) capped for want of evidence"
        if result.carried_over:
            line += f"; {carried_over_note(result.carried_over)}"
        click.echo(line)
    if failed:
        raise InvalidFileError(failed)


def carried_over_note(count: int) -> str:
    """`N answers carried over, not yet reviewed`, in the one wording every output uses."""
    return f"{count} answer{'s' if count != 1 else ''} carried over, not yet reviewed"
