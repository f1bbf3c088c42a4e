"""`maturity consult`: staff consultation responses, cross-referenced with a framework."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from maturity.cli.common import output_format
from maturity.cli.store import open_store, store_option
from maturity.core.consultation.ranking import DEFAULT_THRESHOLD
from maturity.core.errors import MaturityError

if TYPE_CHECKING:
    from maturity.core.consultation import Consultation
    from maturity.core.consultation.analysis import Mapped
    from maturity.core.framework import Framework
    from maturity.store import Store

MAP_FORMATS = ["table", "csv", "json"]


@click.group(name="consult")
def consult_group() -> None:
    """Staff consultation: import responses, map them to a framework, review, report.

    \b
    Example:
        maturity consult import assessments/consultation/responses.csv --name sce-2025 \\
            --text-column "If the" --id-column ID \\
            --staff-list assessments/consultation/staff-list.txt
        maturity consult map sce-2025 --framework edi-maturity
        maturity consult report sce-2025 --framework edi-maturity -o consultation.pdf
    """


@consult_group.command(name="import")
@click.argument("path", type=click.Path(path_type=Path), metavar="FILE")
@click.option("--name", required=True, help="The consultation's name, e.g. sce-2025.")
@click.option(
    "--text-column", required=True, metavar="COLUMN", help="The open question's column heading."
)
@click.option("--id-column", metavar="COLUMN", help="The response id column (default: row order).")
@click.option(
    "--group",
    "groups",
    multiple=True,
    metavar="COLUMN",
    help="A demographic column to keep; repeat for several. Other columns are not read.",
)
@click.option(
    "--staff-list",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Names to redact: one a line (.txt) or the first column (.csv).",
)
@click.option("--question", help="The question asked (default: the text column's heading).")
@click.option("--period", help="The period, e.g. 2025/26.")
@click.option("--unit", help="The unit consulted, e.g. 'City Council/Social Care'.")
@click.option("--replace", is_flag=True, help="Replace a consultation of the same name.")
@click.option("--by", help="Who is importing.")
@store_option
def import_command(
    path: Path,
    name: str,
    text_column: str,
    id_column: str | None,
    groups: tuple[str, ...],
    staff_list: Path | None,
    question: str | None,
    period: str | None,
    unit: str | None,
    replace: bool,
    by: str | None,
    store_url: str,
) -> None:
    """Import a survey export (CSV or xlsx) as a consultation, redacted.

    Names from the staff list, email addresses, phone numbers and staff numbers are
    replaced in every response before it is stored; the original text is never kept.
    Only the columns named are read (an Email or Name column is ignored).

    \b
    Example:
        maturity consult import assessments/consultation/responses.csv --name sce-2025 \\
            --text-column "If the" --id-column ID --group "Which ethnic group" \\
            --staff-list assessments/consultation/staff-list.txt --period 2025/26
    """
    from maturity.cli.common import check_period
    from maturity.cli.store import check_unit
    from maturity.files.survey import consultation_from, read_staff_list, read_survey

    if period is not None:
        check_period(period)
    if unit is not None:
        unit = check_unit(unit)
    name = name.strip()
    if not name or len(name) > 200:
        raise MaturityError("--name: give a name of 1 to 200 characters")
    staff = read_staff_list(staff_list) if staff_list else []
    survey = read_survey(path, text_column, id_column, groups)
    consultation = consultation_from(
        survey,
        name=name,
        question=question or survey.text_column,
        source=path.name,
        staff=staff,
        period=period,
        unit=unit,
    )
    with open_store(store_url, create=True) as store:
        store.add_consultation(consultation, replace=replace, by=by)
    blank = f"; {survey.blank} empty answers skipped" if survey.blank else ""
    click.echo(
        f"{name}: {len(consultation.responses)} responses imported, "
        f"{consultation.redactions} details redacted{blank}"
    )


def _load(
    store: Store, name: str, framework: str
) -> tuple[Framework, Consultation, dict[str, list[str]]]:
    from maturity.files.catalog import load_framework

    fw = load_framework(framework)
    consultation = store.consultation(name)
    return fw, consultation, store.corrections(name, fw.id)


def _mapped(
    fw: Framework,
    consultation: Consultation,
    corrections: dict[str, list[str]],
    top: int,
    threshold: float,
) -> list[Mapped]:
    from maturity.core.consultation.analysis import map_responses

    return map_responses(fw, consultation.responses, corrections, top, threshold)


threshold_option = click.option(
    "--threshold",
    type=click.FloatRange(min=0),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="A response whose best score is under this is an uncovered theme.",
)


@consult_group.command(name="map")
@click.argument("name")
@click.option("--framework", required=True, help="The framework: a built-in id or a file.")
@click.option("--format", "fmt", type=click.Choice(MAP_FORMATS), default="table", show_default=True)
@click.option("--top", type=click.IntRange(1, 10), default=3, show_default=True)
@threshold_option
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@store_option
def map_command(
    name: str,
    framework: str,
    fmt: str,
    top: int,
    threshold: float,
    output: Path | None,
    force: bool,
    store_url: str,
) -> None:
    """Match each response to the framework's criteria, showing the words that matched.

    Criteria are ranked by BM25 over their title, description, descriptors, evidence
    guidance and keywords. An officer's corrections (see `consult review`) replace the
    ranking. csv has one row per response and rank:
    response_id,rank,criterion,score,matched_terms.

    \b
    Example:
        maturity consult map sce-2025 --framework edi-maturity
        maturity consult map sce-2025 --framework edi-maturity --format csv -o mapping.csv
    """
    from maturity.files.output import check_writable, csv_text, write_atomic

    fmt = output_format(output, fmt)
    if output is not None:
        check_writable(output, force)
    with open_store(store_url) as store:
        fw, consultation, corrections = _load(store, name, framework)
    mapped = _mapped(fw, consultation, corrections, top, threshold)
    if fmt == "csv":
        rows: list[list[object]] = []
        for m in mapped:
            if not m.matches:
                rows.append([m.response_id, None, None, None, None])
            rows += [
                [m.response_id, rank, x.ref, x.score, " ".join(x.terms)]
                for rank, x in enumerate(m.matches, start=1)
            ]
        text = csv_text(["response_id", "rank", "criterion", "score", "matched_terms"], rows)
    elif fmt == "json":
        data = [
            {
                "response_id": m.response_id,
                "reviewed": m.reviewed,
                "uncovered": m.uncovered,
                "raised": m.raised,
                "criteria": [
                    {"rank": rank, "criterion": x.ref, "score": x.score, "matched_terms": x.terms}
                    for rank, x in enumerate(m.matches, start=1)
                ],
            }
            for m in mapped
        ]
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = _table(mapped)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text, force)
        click.echo(f"{output}: mapping of {len(mapped)} responses")


def _table(mapped: list[Mapped]) -> str:
    lines = []
    for m in mapped:
        mark = " (reviewed)" if m.reviewed else " (uncovered)" if m.uncovered else ""
        lines.append(f"{m.response_id}{mark}")
        for rank, x in enumerate(m.matches, start=1):
            lines.append(f"  {rank}. {x.ref}  {x.score:g}  [{', '.join(x.terms[:6])}]")
    uncovered = sum(m.uncovered for m in mapped)
    lines.append(f"{len(mapped)} responses; {uncovered} uncovered")
    return "\n".join(lines) + "\n"


@consult_group.command(name="review")
@click.argument("name")
@click.option("--framework", required=True, help="The framework: a built-in id or a file.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The review file to write: .csv or .yaml.",
)
@threshold_option
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@store_option
def review_command(
    name: str, framework: str, output: Path, threshold: float, force: bool, store_url: str
) -> None:
    """Write a review file in which an officer corrects the mapping.

    Fill in the `criteria` column where the suggestion is wrong: domain.criterion ids
    separated by `;`, or `none`. Leave it empty to keep the suggestion. Corrections
    already recorded are filled in. Read it back with `maturity consult apply`.

    \b
    Example:
        maturity consult review sce-2025 --framework edi-maturity -o review.csv
    """
    from maturity.files.consult_review import review_rows, review_text
    from maturity.files.output import check_writable, write_atomic

    fmt = _review_format(output)
    check_writable(output, force)
    with open_store(store_url) as store:
        fw, consultation, corrections = _load(store, name, framework)
    mapped = _mapped(fw, consultation, {}, 3, threshold)
    write_atomic(output, review_text(review_rows(consultation, mapped, corrections), fmt), force)
    click.echo(f"{output}: {len(mapped)} responses to review, {len(corrections)} corrected before")


def _review_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in {".yaml", ".yml"}:
        return "yaml"
    raise MaturityError(f"{path}: a review file ends in .csv or .yaml")


@consult_group.command(name="apply")
@click.argument("name")
@click.argument("path", type=click.Path(path_type=Path), metavar="FILE")
@click.option("--framework", required=True, help="The framework: a built-in id or a file.")
@click.option("--by", help="Who reviewed.")
@store_option
def apply_command(name: str, path: Path, framework: str, by: str | None, store_url: str) -> None:
    """Record the corrections in a review file; later runs keep them.

    The whole file is checked first; nothing is recorded if any line is wrong.

    \b
    Example:
        maturity consult apply sce-2025 review.csv --framework edi-maturity --by "L. Jones"
    """
    from maturity.files.consult_review import read_review

    with open_store(store_url) as store:
        fw, consultation, before = _load(store, name, framework)
        found = read_review(path, fw, consultation)
        changes = {rid: c for rid, c in found.items() if c != before.get(rid)}
        store.set_corrections(name, fw.id, changes, by=by)
    kept = sum(1 for c in found.values() if c is not None)
    click.echo(f"{name}: {len(changes)} corrections changed; {kept} responses corrected in all")


@consult_group.command(name="report")
@click.argument("name")
@click.option("--framework", required=True, help="The framework: a built-in id or a file.")
@click.option("--unit", help="The unit to cross-reference (default: the consultation's).")
@click.option("--period", help="The self-assessment's period (default: the consultation's).")
@click.option("--organisation", help="The name on the report (default: the unit's first part).")
@click.option(
    "--min-group",
    type=click.IntRange(2, 100),
    default=5,
    show_default=True,
    help="Groups smaller than this are merged, and never quoted.",
)
@threshold_option
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="The report's date.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="The PDF to write.")
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@store_option
def report_command(
    name: str,
    framework: str,
    unit: str | None,
    period: str | None,
    organisation: str | None,
    min_group: int,
    threshold: float,
    on: dt.datetime | None,
    output: Path | None,
    force: bool,
    store_url: str,
) -> None:
    """Write the consultation report: a tagged PDF.

    It gives the number of responses, themes by domain (counts and a chart), redacted
    quotes (never from a group smaller than --min-group), uncovered themes, and the
    criteria staff raise most beside the unit's self-assessed level, flagging those
    raised often yet self-assessed at the second-highest level or above.

    \b
    Example:
        maturity consult report sce-2025 --framework edi-maturity \\
            --unit "City Council/Social Care and Education" --period 2025/26 -o sce.pdf
    """
    from maturity.cli.store import check_unit
    from maturity.files.output import check_writable, slug
    from maturity.reports.consultation import ConsultationReport, write_pdf

    path = output or Path(f"{slug(name)}-consultation.pdf")
    check_writable(path, force)
    with open_store(store_url) as store:
        fw, consultation, corrections = _load(store, name, framework)
        unit = check_unit(unit) if unit else consultation.unit
        period = period or consultation.period
        score = None
        if unit and period and fw.id in store.framework_ids():
            found = [s for s in store.scores(fw.id, [period], with_criteria=True) if s.unit == unit]
            score = found[0] if found else None
    mapped = _mapped(fw, consultation, corrections, 3, threshold)
    report = ConsultationReport(
        fw=fw,
        consultation=consultation,
        mapped=mapped,
        score=score,
        threshold=min_group,
        organisation=organisation or (unit.split("/")[0] if unit else fw.publisher or name),
        on=on.date() if on else dt.date.today(),
    )
    pages = write_pdf(report, path, force)
    against = f", against {unit} {period}" if score is not None else ""
    click.echo(f"{path}: consultation report for {name}{against}, {pages} pages")
