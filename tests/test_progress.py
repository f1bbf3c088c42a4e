"""Progress tracking: dated updates appended to a saved plan, statuses, and update rounds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
import pytest
from board_fixtures import plan
from click.testing import CliRunner

from maturity.cli import Maturity
from maturity.cli.plan_update import update_command
from maturity.core.board import Rag
from maturity.core.errors import MaturityError
from maturity.core.plan import Status
from maturity.core.progress import add_update, due_date, parse_status, progress, rounds
from maturity.files.plan_file import load_plan, save_plan

STATUSES = "Not yet commenced, On track, In place, Complete, At risk, Delayed"


def test_an_update_is_appended_and_earlier_ones_are_kept() -> None:
    first = add_update(plan(), "d1.c1", "On track", "Started", date(2018, 10, 3), "Hannah")
    second = add_update(first, "d1.c1", Status.IN_PLACE, "Done", date(2019, 4, 23))
    item = second.items[0]
    assert [(u.on, u.status, u.note) for u in item.updates] == [
        (date(2018, 10, 3), Status.ON_TRACK, "Started"),
        (date(2019, 4, 23), Status.IN_PLACE, "Done"),
    ]
    assert item.updates[0].by == "Hannah"
    assert item.status is Status.IN_PLACE
    assert first.items[0].updates[0] == item.updates[0]  # the earlier plan is unchanged
    assert second.items[1].updates == []


def test_a_backdated_update_takes_its_place_in_the_history() -> None:
    p = add_update(plan(), "d1.c1", "Delayed", None, date(2019, 4, 1))
    p = add_update(p, "d1.c1", "On track", None, date(2018, 10, 1))
    assert [u.on for u in p.items[0].updates] == [date(2018, 10, 1), date(2019, 4, 1)]
    assert p.items[0].status is Status.DELAYED  # the latest by date


def test_an_unknown_status_is_refused_with_the_list() -> None:
    with pytest.raises(MaturityError) as caught:
        add_update(plan(), "d1.c1", "Done", None, date(2026, 1, 1))
    assert str(caught.value) == f"'Done' is not a status; use one of: {STATUSES}"


def test_statuses_match_without_regard_to_case_or_spacing() -> None:
    assert parse_status("on  TRACK") is Status.ON_TRACK
    assert parse_status("Not yet commenced") is Status.NOT_YET_COMMENCED


def test_an_unknown_ref_is_refused_with_a_suggestion() -> None:
    with pytest.raises(MaturityError) as caught:
        add_update(plan(), "d1.c", "On track", None, date(2026, 1, 1))
    assert str(caught.value) == (
        "no item 'd1.c' in the plan for Council/Place/Housing 2025/26; did you mean 'd1.c1'?"
    )


def test_rounds_are_the_months_with_updates_and_the_summary_counts_latest_statuses() -> None:
    p = add_update(plan(), "d1.c1", "On track", "a", date(2018, 10, 3))
    p = add_update(p, "d1.c1", "In place", "b", date(2019, 4, 23))
    p = add_update(p, "d1.c1", "Complete", "c", date(2019, 4, 30))
    p = add_update(p, "d2.c3", "At risk", "d", date(2018, 10, 9))
    assert [r.heading for r in rounds(p)] == ["October 2018 update", "April 2019 update"]
    view = progress(p)
    first, second = view.rows
    assert [[u.note for u in cell] for cell in first.cells] == [["a"], ["b", "c"]]
    assert [[u.note for u in cell] for cell in second.cells] == [["d"], []]
    assert first.status is Status.COMPLETE
    assert view.counts[Status.COMPLETE] == 1
    assert view.counts[Status.AT_RISK] == 1
    assert view.counts[Status.NOT_YET_COMMENCED] == 0
    assert list(view.counts) == list(Status)
    assert view.latest == date(2019, 4, 30)


def test_a_plan_without_updates_has_no_rounds() -> None:
    view = progress(plan())
    assert view.rounds == []
    assert view.counts[Status.NOT_YET_COMMENCED] == 2


def _cli() -> click.Group:
    @click.group(cls=Maturity)
    def root() -> None:
        """Test root: the real error boundary around the standalone command."""

    root.add_command(update_command)
    return root


def test_plan_update_keeps_every_update_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "housing-plan.yaml"
    save_plan(plan(), path, "yaml")
    runner = CliRunner()
    args = ["update", str(path), "--ref", "d1.c1"]
    result = runner.invoke(
        _cli(), [*args, "--status", "on track", "--note", "<b>Begun</b>", "--date", "2026-10-03"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"{path}: 'd1.c1' is On track as of 2026-10-03 (1 update)\n"
    result = runner.invoke(
        _cli(), [*args, "--status", "In place", "--note", "Finished", "--date", "2027-04-23"]
    )
    assert result.exit_code == 0, result.output
    item = load_plan(path).items[0]
    assert [(u.status, u.note) for u in item.updates] == [
        (Status.ON_TRACK, "<b>Begun</b>"),
        (Status.IN_PLACE, "Finished"),
    ]
    assert item.status is Status.IN_PLACE


def test_plan_update_refuses_a_bad_status_and_leaves_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    save_plan(plan(), path, "yaml")
    before = path.read_bytes()
    result = CliRunner().invoke(
        _cli(), ["update", str(path), "--ref", "d1.c1", "--status", "Finished"]
    )
    assert result.exit_code == 1
    assert result.output == f"Error: 'Finished' is not a status; use one of: {STATUSES}\n"
    assert path.read_bytes() == before


def test_plan_update_refuses_a_csv_plan(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    save_plan(plan(), path, "csv")
    result = CliRunner().invoke(
        _cli(), ["update", str(path), "--ref", "d1.c1", "--status", "On track"]
    )
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {path}: progress updates are kept only in YAML plans; "
        "save the plan with --format yaml\n"
    )


def test_the_progress_report_has_a_column_per_round_and_escapes_notes() -> None:
    from maturity.reports.progress import context
    from maturity.reports.render import render_html

    p = add_update(plan(), "d1.c1", "On track", "<script>x</script>", date(2018, 10, 3))
    p = add_update(p, "d2.c3", "Delayed", "Waiting", date(2019, 4, 23))
    html = render_html("progress.html.j2", context(p))
    assert '<th scope="col">October 2018 update</th>' in html
    assert '<th scope="col">April 2019 update</th>' in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>" not in html
    assert '<th scope="col">Delayed</th>' in html
    counts = html.split('<th scope="row">Actions</th>')[1].split("</tr>")[0]
    assert counts == "".join(f'<td class="num">{n}</td>' for n in [0, 1, 0, 0, 0, 1, 2])


def test_report_progress_writes_a_tagged_pdf(tmp_path: Path) -> None:
    import pikepdf

    from maturity.cli import main

    path = tmp_path / "plan.yaml"
    save_plan(add_update(plan(), "d1.c1", "On track", "Begun", date(2018, 10, 3)), path, "yaml")
    out = tmp_path / "progress.pdf"
    result = CliRunner().invoke(main, ["report", "progress", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{out}: progress update for Council/Place/Housing 2025/26, ")
    with pikepdf.open(out) as pdf:
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert str(pdf.Root.Lang) == "en-GB"
        assert str(pdf.docinfo["/Title"]) == (
            "Housing: progress update on the equality action plan 2025/26"
        )
    again = CliRunner().invoke(main, ["report", "progress", str(path), "-o", str(out)])
    assert again.exit_code == 1
    assert again.output == f"Error: {out} already exists; use --force to replace it\n"


def test_plan_update_says_when_comments_were_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    save_plan(plan(), path, "yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(f"# Housing plan, agreed at DMT\n{text}", encoding="utf-8")
    args = ["update", str(path), "--ref", "d1.c1", "--status", "On track", "--date", "2026-10-03"]
    result = CliRunner().invoke(_cli(), args)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{path}: 'd1.c1' is On track as of 2026-10-03 (1 update)\n"
    assert result.stderr == f"Note: comments in {path} were not kept\n"
    assert "#" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "commented"),
    [
        ("a: b\n", False),
        ("a: 'Ref #12'\nb: \"x # y\"\nc: d#e\nd: |\n  # in a block\n", False),
        ("# top\na: b\n", True),
        ("a: b  # trailing\n", True),
        ("a:\n  - x\n  # between items\n  - y\n", True),
    ],
)
def test_comments_are_told_from_hashes_inside_values(text: str, commented: bool) -> None:
    from maturity.cli.plan_update import _has_comments

    assert _has_comments(text) is commented


def test_plan_update_notes_a_date_before_the_plan_or_before_the_latest_update(
    tmp_path: Path,
) -> None:
    path = tmp_path / "plan.yaml"
    save_plan(plan(), path, "yaml")  # drafted 2026-04-01
    args = ["update", str(path), "--ref", "d1.c1"]
    early = CliRunner().invoke(_cli(), [*args, "--status", "On track", "--date", "2025-01-01"])
    assert early.exit_code == 0
    assert early.stderr == (
        "Note: this update is dated 2025-01-01, before the plan was drafted (2026-04-01); "
        "check the date\n"
    )
    CliRunner().invoke(_cli(), [*args, "--status", "At risk", "--date", "2026-09-01"])
    late = CliRunner().invoke(_cli(), [*args, "--status", "Complete", "--date", "2026-06-01"])
    assert late.stdout == f"{path}: 'd1.c1' is At risk as of 2026-09-01 (3 updates)\n"
    assert late.stderr == (
        "Note: this update is dated 2026-06-01, before the latest one (2026-09-01); "
        "the status is still the latest one's\n"
    )


@pytest.mark.parametrize(
    ("timeframe", "due"),
    [
        ("by September 2026", date(2026, 9, 30)),
        ("By  february 2028", date(2028, 2, 29)),
        ("0-6 months", date(2026, 10, 1)),  # an older plan: six months after 1 April 2026
        ("12-24 months", date(2028, 4, 1)),
        ("by Smarch 2026", None),
        ("When we can", None),
    ],
)
def test_an_item_is_due_at_the_end_of_its_month_or_after_its_span(
    timeframe: str, due: date | None
) -> None:
    assert due_date(timeframe, date(2026, 4, 1)) == due


def test_the_update_leads_with_what_changed_and_what_is_overdue_with_rag() -> None:
    p = plan(("d1.c1", "d2.c3", "d1.c2"))  # each due "0-6 months" after 1 April 2026
    p = add_update(p, "d1.c1", "On track", "Begun", date(2026, 6, 3))
    p = add_update(p, "d1.c1", "At risk", "Slipping", date(2026, 11, 5))
    p = add_update(p, "d2.c3", "Complete", "Done", date(2026, 11, 20))
    view = progress(p, on=date(2026, 12, 1))
    assert [(r.item.ref, r.before, r.status) for r in view.changed] == [
        ("d1.c1", Status.ON_TRACK, Status.AT_RISK),
        ("d2.c3", Status.NOT_YET_COMMENCED, Status.COMPLETE),
    ]
    # Due 1 October 2026: d1.c1 (at risk) and d1.c2 (never started) are overdue; d2.c3 is done.
    assert [r.item.ref for r in view.overdue] == ["d1.c1", "d1.c2"]
    assert [r.rag for r in view.rows] == [Rag.RED, Rag.GREEN, Rag.RED]
    assert view.rag_counts == {Rag.GREEN: 1, Rag.AMBER: 0, Rag.RED: 2}
    before = progress(p, on=date(2026, 9, 1))  # nothing due yet
    assert before.overdue == []
    assert [r.rag for r in before.rows] == [Rag.AMBER, Rag.GREEN, Rag.AMBER]


def test_the_progress_report_puts_changes_and_overdue_before_every_action() -> None:
    from maturity.reports.progress import context
    from maturity.reports.render import render_html

    p = add_update(plan(), "d1.c1", "Delayed", "Waiting for <HR>", date(2026, 11, 5))
    html = render_html("progress.html.j2", context(p, on=date(2026, 12, 1)))
    changed = html.index("What changed in the November 2026 update")
    overdue = html.index("Overdue on 1 December 2026")
    every = html.index("Every action")
    assert changed < overdue < every
    assert "Waiting for &lt;HR&gt;" in html
    assert '<span class="rag rag-red">✖ Overdue</span>' in html
