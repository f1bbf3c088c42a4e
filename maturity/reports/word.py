"""Word (.docx) versions of the action plan and the board pack, for committee papers.

Councils table their papers as Word documents and edit them before they do, so
these carry the same content as the PDFs in a form an officer can work on: real
headings (Heading 1 to 3, in order), tables whose first row is marked as a header
row (repeated on each page and read as headers by screen readers), charts as PNG
pictures with the same text alternative as the PDF's, and the document's title and
language set. User text goes in as text runs, never as markup.

python-docx has no call for a header row or a picture's alternative text, so those
two set the documented WordprocessingML attributes (`w:tblHeader`, `wp:docPr/@descr`)
on the elements python-docx made.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maturity.files.output import write_with

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table

    from maturity.core.board import BoardPack, UnitRow
    from maturity.reports.plan import PlanReport

LANGUAGE = "en-GB"


def new_document(title: str, author: str, landscape: bool = False) -> DocxDocument:
    """An empty A4 document with its title, author and language set."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = docx.Document()
    doc.core_properties.title = title
    doc.core_properties.author = author
    doc.core_properties.language = LANGUAGE
    normal: Any = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    # The language of the text itself, which screen readers and spell-checkers read.
    run_props = normal.element.get_or_add_rPr()
    lang = run_props.makeelement(qn("w:lang"), {qn("w:val"): LANGUAGE})
    run_props.append(lang)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    return doc


def landscape_section(doc: DocxDocument) -> None:
    """Start a new page in landscape (for wide tables)."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Mm

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)


def table(
    doc: DocxDocument,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    font_pt: float = 8,
    caption: str | None = None,
    widths_mm: Sequence[float] | None = None,
) -> Table:
    """A grid table whose first row is a header row repeated on every page.

    `widths_mm` sets each column's width; without it Word shares the width equally.
    """
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    if caption:
        doc.add_paragraph(caption, style="Caption")
    grid: Table = doc.add_table(rows=1, cols=len(headings))
    grid.style = "Table Grid"
    header = grid.rows[0]
    row_props = header._tr.get_or_add_trPr()
    row_props.append(row_props.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
    for cell, text in zip(header.cells, headings, strict=True):
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(font_pt)
    for values in rows:
        cells = grid.add_row().cells  # type: ignore[no-untyped-call]
        for cell, text in zip(cells, values, strict=True):
            lines = str(text).split("\n")
            paragraph = cell.paragraphs[0]
            for i, line in enumerate(lines):
                if i:
                    paragraph = cell.add_paragraph()
                paragraph.add_run(line).font.size = Pt(font_pt)
    if widths_mm is not None:
        grid.autofit = False
        # Word reads the cells' widths, LibreOffice the grid's: set both.
        for column, width in zip(grid.columns, widths_mm, strict=True):
            column.width = Mm(width)
            for cell in column.cells:
                cell.width = Mm(width)
    return grid


def domains_table(
    doc: DocxDocument, domains: Sequence[dict[str, Any]], caption: str | None = None
) -> None:
    """The plan's and the scorecard's table of domains against their targets."""
    table(
        doc,
        ["Aim", "Domain", "Score", "Level", "Target", "Against target"],
        [
            [
                str(d["aim"]),
                d["name"],
                "-" if d["score"] is None else f"{d['score']:.2f}",
                d["level"],
                d["target"],
                "Met" if d["met"] else f"{d['size']} level{'s' if d['size'] != 1 else ''} below",
            ]
            for d in domains
        ],
        caption=caption,
        widths_mm=[12, 78, 16, 25, 25, 24],
    )


def picture(doc: DocxDocument, png: bytes, alt: str, width_mm: float) -> None:
    """A chart picture with its text alternative (read out in place of the picture)."""
    from docx.shared import Mm

    doc.add_picture(io.BytesIO(png), width=Mm(width_mm))
    shape = doc.inline_shapes[-1]
    properties = shape._inline.docPr
    properties.set("descr", alt)
    properties.set("title", alt.split(".")[0])


def save(doc: DocxDocument, path: Path, force: bool = False) -> None:
    """Write the document at `path`, atomically; an existing file only with `force`."""
    write_with(path, lambda tmp: doc.save(str(tmp)), force)


def _bullets(items: Sequence[str]) -> str:
    return "\n".join(f"• {item}" for item in items)


def plan_docx(report: PlanReport, path: Path, force: bool = False) -> None:
    """The action plan as Word: summary, chart, the priorities under their aims, the annex."""
    from maturity.reports.charts import domain_chart_as
    from maturity.reports.plan import context

    ctx = context(report, chart_src="")
    doc = new_document(ctx["title"], ctx["organisation"])
    doc.add_paragraph(ctx["organisation"])
    doc.add_heading(f"{ctx['unit_name']}: equality action plan {ctx['period']}", level=1)
    rating = f" (rating: {ctx['rating']})" if ctx["rating"] else ""
    facts = [
        ("Unit", ctx["unit_path"]),
        ("Framework", f"{ctx['framework']['name']}, version {ctx['framework']['version']}"),
        ("Overall level", ctx["overall_level"] + rating),
        ("Date", f"{ctx['drafted_on']}, for {ctx['horizon']} months"),
    ]
    for name, value in facts:
        line = doc.add_paragraph()
        line.add_run(f"{name}: ").bold = True
        line.add_run(value)
    doc.add_heading("Summary", level=2)
    count, shown = ctx["item_count"], ctx["shown_count"]
    summary = (
        f"{ctx['unit_name']} is at the {ctx['overall_level']} level overall. "
        f"{ctx['level_and_rating']} The self-assessment answered {ctx['completeness']}% of the "
        "applicable criteria. "
    )
    if count:
        summary += f"This plan sets out {count} actions over {ctx['horizon']} months"
        summary += (
            f": the {shown} highest priorities in full, the rest in the annex."
            if (shown < count)
            else "."
        )
    else:
        summary += "Every criterion has reached its target level; this plan has no actions."
    doc.add_paragraph(summary)
    picture(doc, domain_chart_as(report.chart_spec(), "png"), ctx["chart_alt"], 170)
    doc.add_paragraph(
        "Figure 1: each domain's score against its target level (the black mark).",
        style="Caption",
    )
    domains_table(doc, ctx["domains"], caption="Aims: domain scores and targets")
    if ctx["groups"]:
        landscape_section(doc)
        title = "Action plan"
        if shown < count:
            title += f": the {shown} highest priorities"
        doc.add_heading(title, level=2)
        headings = ["Ref", "Priority", *ctx["columns"][1:]]
        for group in ctx["groups"]:
            doc.add_heading(f"Aim {group['aim']}: {group['name']}", level=3)
            rows = []
            for row in group["items"]:
                item = row["item"]
                rows.append(
                    [
                        row["ref"],
                        str(item.priority),
                        f"{item.title}\n{item.desired_outcome}",
                        _bullets(item.actions),
                        item.lead_service_area,
                        item.lead_officer,
                        item.timeframe,
                        _bullets(item.measures),
                        item.status.value,
                    ]
                )
            table(doc, headings, rows, font_pt=7.5, widths_mm=[11, 13, 48, 64, 22, 20, 20, 45, 18])
    if ctx["annex"]:
        doc.add_heading(f"Annex: the other {len(ctx['annex'])} items", level=2)
        levels, rank = ctx["levels"], ctx["rank"]
        table(
            doc,
            ["Ref", "Priority", "Criterion", "From", "To", "Lead officer", "Timeframe", "Status"],
            [
                [
                    row["ref"],
                    str(row["item"].priority),
                    row["item"].title,
                    levels[row["item"].current],
                    levels[row["item"].target]
                    if rank[row["item"].current] < rank[row["item"].target]
                    else "Measure to target",
                    row["item"].lead_officer,
                    row["item"].timeframe,
                    row["item"].status.value,
                ]
                for row in ctx["annex"]
            ],
            widths_mm=[12, 14, 86, 26, 30, 30, 32, 31],
        )
    save(doc, path, force)


def board_docx(pack: BoardPack, path: Path, force: bool = False, on: dt.date | None = None) -> None:
    """The board pack as Word, as the PDF has it: from key messages to measures, then how far
    to trust each result, the levels through lenses, review and moderation, and notes."""
    from maturity.reports.board import body_trends, context, department_rows, is_large
    from maturity.reports.board_charts import (
        distribution_chart_as,
        trend_alt,
        trend_chart_as,
        trend_pages,
    )

    charts = {"distribution": ""} | {f"trend-{i}": "" for i in range(1, len(pack.trends) + 2)}
    ctx = context(pack, charts, on or dt.date.today())
    levels, markers = ctx["levels"], ctx["markers"]
    doc = new_document(pack.title, pack.organisation, landscape=True)
    doc.add_paragraph(pack.organisation)
    doc.add_heading(f"Equality maturity board pack {pack.period}", level=1)
    for name, value in [
        ("Framework", f"{pack.framework_name} ({pack.framework})"),
        ("Units assessed", str(ctx["assessed"])),
        ("Date", ctx["date"]),
    ]:
        line = doc.add_paragraph()
        line.add_run(f"{name}: ").bold = True
        line.add_run(value)
    doc.add_heading("Key messages", level=2)
    for message in pack.headlines:
        doc.add_paragraph(message, style="List Bullet")

    doc.add_heading("Council-wide distribution by domain", level=2)
    picture(doc, distribution_chart_as(pack, "png"), ctx["distribution_alt"], 250)
    names = ctx["domain_names"]
    table(
        doc,
        ["Domain", *(lv.name for lv in pack.levels), "Not applicable", "Target", "At target"],
        [
            [
                names[d.domain],
                *(str(d.counts[lv.id]) for lv in pack.levels),
                str(d.not_applicable),
                levels.get(pack.domains[i].target or "", "None set"),
                "-" if d.at_target is None else f"{d.at_target} of {d.assessed}",
            ]
            for i, d in enumerate(pack.distribution)
        ],
    )

    def shown(level: str | None, score: float | None) -> str:
        if not level or level not in levels or score is None:
            return "Not applicable"
        return f"{markers[level]} {levels[level]} {score:.2f}"

    body = department_rows(pack) if is_large(pack) else pack.units
    doc.add_heading(
        f"Maturity by {'department' if is_large(pack) else 'unit'} and domain, {pack.period}",
        level=2,
    )
    heat_headings = ["Unit", "Overall", *(d.name for d in pack.domains)]
    table(
        doc,
        heat_headings,
        [
            [
                u.label + (" (combined)" if u.combined else ""),
                shown(u.overall_level, u.overall_score),
                *(shown(c.level, c.score) for c in u.cells),
            ]
            for u in body
            if not u.heading_only
        ],
        font_pt=7,
        widths_mm=[46, *([213 / (len(heat_headings) - 1)] * (len(heat_headings) - 1))],
    )
    if pack.groups:
        doc.add_heading(
            f"Maturity by {'department' if is_large(pack) else 'unit'} and group, {pack.period}",
            level=2,
        )
        doc.add_paragraph(
            "Each group combines its domains: "
            + "; ".join(f"{g.name} ({', '.join(names[d] for d in g.domains)})" for g in pack.groups)
            + "."
        )
        table(
            doc,
            ["Unit", *(g.name for g in pack.groups)],
            [
                [
                    u.label + (" (combined)" if u.combined else ""),
                    *(shown(c.level, c.score) for c in u.groups),
                ]
                for u in body
                if not u.heading_only
            ],
            font_pt=7,
        )
    for i, lines in enumerate(trend_pages(body_trends(pack)), start=1):
        doc.add_heading(f"Trend: overall score by period ({i})", level=2)
        picture(doc, trend_chart_as(pack, lines, "png"), trend_alt(pack, lines), 250)

    doc.add_heading("Movement and target profile", level=2)
    words = ctx["movement_words"]
    movement_headings = [
        "Unit", "Overall now", "Movement", "Change in score", "Meets the target profile",
    ]  # fmt: skip

    def movement_rows(units: Sequence[UnitRow]) -> list[list[str]]:
        return [
            [
                u.label + (" (combined)" if u.combined else ""),
                shown(u.overall_level, u.overall_score),
                words[u.movement],
                ctx["signed"](u.change),
                "No targets" if u.target_met is None else ("Yes" if u.target_met else "No"),
            ]
            for u in units
            if not u.heading_only
        ]

    table(doc, movement_headings, movement_rows(ctx["body_movement"]))
    if pack.metrics:
        doc.add_heading(f"Measures against their targets, {pack.period}", level=2)
        rag_words = ctx["rag_words"]
        rows = [
            [
                r.label,
                *(c.shown.text + (f" {rag_words[c.rag]}" if c.rag else "") for c in r.cells),
            ]
            for r in ctx["body_metric_rows"]
        ]
        rows.append(["All units", *(f"{m.summary_label}: {m.summary.text}" for m in pack.metrics)])
        rows.append(
            ["Units meeting the target", *(f"{m.met} of {m.reported}" for m in pack.metrics)]
        )
        table(doc, ["Unit", *(f"{m.name} (target {m.target})" for m in pack.metrics)], rows)
        if pack.suppressed:
            doc.add_paragraph(ctx["suppression_note"])
    if is_large(pack):
        doc.add_heading("Appendix: every unit", level=2)
        doc.add_paragraph(
            f"The {ctx['assessed']} assessed units and their departments, in the "
            "organisation's order."
        )
        table(doc, movement_headings, movement_rows(pack.units), font_pt=7)
    _insight_sections(doc, pack, ctx)
    if pack.reviews:
        doc.add_heading(f"Review and moderation, {pack.period}", level=2)
        doc.add_paragraph(ctx["review_intro"])
        reviews, line = ctx["review_rows"]
        if line:
            doc.add_paragraph(line)
        if reviews:
            table(
                doc,
                ["Unit", "Status", "Steps and moderation", "Carried over, not yet reviewed"],
                [
                    [
                        r.label,
                        f"{r.status}" + ("" if r.validated else " (not yet validated)"),
                        "\n".join(ctx["review_lines"](r)),
                        str(r.carried_over),
                    ]
                    for r in reviews
                ],
            )
    doc.add_heading("About this pack", level=2)
    for line in ctx["about_lines"]:
        doc.add_paragraph(line, style="List Bullet")
    save(doc, path, force)


def _insight_sections(doc: DocxDocument, pack: BoardPack, ctx: dict[str, Any]) -> None:
    """How far to trust each result, and each unit's levels through its lenses."""
    if not pack.insight:
        return
    doc.add_heading(f"How far to trust each result, {pack.period}", level=2)
    doc.add_paragraph(ctx["insight_intro"])
    shown, line = ctx["insight_rows"]
    if line:
        doc.add_paragraph(line)
    if shown:
        table(
            doc,
            ["Unit", "Confidence", "Why"],
            [[i.label, i.confidence_words, i.explanation] for i in shown],
            widths_mm=[60, 35, 172],
        )
    lensed = [i for i in pack.insight if i.lenses]
    if not lensed:
        return
    levels, markers = ctx["levels"], ctx["markers"]

    def shown_level(level: str | None) -> str:
        return f"{markers[level]} {levels[level]}" if level in levels else ctx["not_rated"]

    doc.add_heading(f"Maturity for each group of people, {pack.period}", level=2)
    doc.add_paragraph(ctx["lens_intro"])
    rows: list[list[str]] = []
    spans: list[tuple[int, int]] = []  # (row, first column) of cells that span to the end
    blank = [""] * (len(pack.domains) + 1)
    for unit in lensed:
        spans.append((len(rows), 0))
        rows.append([f"{unit.label}: {unit.lens_summary}", *blank])
        for r in unit.lenses:
            if r.suppressed:
                spans.append((len(rows), 1))
                rows.append([r.name, ctx["lens_suppressed"], *blank[1:]])
            else:
                rows.append(
                    [r.name, *(shown_level(lv) for lv in [r.level, *(c.level for c in r.cells)])]
                )
    headings = ["Unit and group", "Overall", *(d.name for d in pack.domains)]
    grid = table(doc, headings, rows, font_pt=7)
    for row, first in spans:  # as the PDF's: a unit's heading row, a suppressed lens's note
        cells = grid.rows[row + 1].cells
        merged = cells[first].merge(cells[-1])
        for extra in merged.paragraphs[1:]:
            extra._element.getparent().remove(extra._element)
    if any(r.suppressed for unit in lensed for r in unit.lenses):
        doc.add_paragraph(ctx["suppression_note"])
