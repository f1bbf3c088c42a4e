"""Action-plan progress on the web: updates appended to the store, history, refusals, who may."""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.applications import Starlette
from web_fixtures import HOUSING, SignIn, csrf

from maturity.store import accounts
from maturity.store.plan_updates import plan_updates
from maturity.store.store import Store

PAGE = f"/plans?unit={quote(HOUSING)}&period=2025/26"
REF = "duties.pay-gap"


def _post(client: object, page: str, **data: str) -> object:
    form = {"csrf_token": csrf(page), "unit": HOUSING, "period": "2025/26", "ref": REF, **data}
    return client.post("/plans/update", data=form)  # type: ignore[attr-defined]


def _status_of(html: str, ref: str) -> str:
    section = html.split(f'id="{ref.replace(".", "--")}"', 1)[1].split("</section>", 1)[0]
    match = re.search(r"Status</dt><dd[^>]*>([^<]+) <strong[^>]*>RAG: (\w+)", section)
    assert match, "no status on the item"
    return f"{match[1]} / {match[2]}"


def test_updates_append_show_their_history_and_are_audited(app: Starlette, sign_in: SignIn) -> None:
    board = sign_in("board@example.org")
    page = board.get(PAGE)
    assert page.status_code == 200
    assert _status_of(page.text, REF) == "Not yet commenced / Amber"
    assert "No updates yet." in page.text

    reply = _post(board, page.text, status="on track", note="Data <b>collected</b>")
    assert reply.status_code == 303
    assert reply.headers["location"].endswith("#duties--pay-gap")
    housing = sign_in("housing@example.org")  # the unit's own contributor may update too
    reply = _post(housing, housing.get(PAGE).text, status="Delayed", note="Waiting for payroll")
    assert reply.status_code == 303

    page = board.get(PAGE)
    assert _status_of(page.text, REF) == "Delayed / Red"
    history = page.text.split(f"Updates on {REF}", 1)[1].split("</table>", 1)[0]
    assert history.index("On track") < history.index("Delayed")
    assert "Data &lt;b&gt;collected&lt;/b&gt;" in history  # typed text is escaped
    assert "housing@example.org" in history and "board@example.org" in history
    # The other items are untouched.
    assert _status_of(page.text, "duties.equality-objectives") == "Not yet commenced / Amber"

    store: Store = app.state.store
    rows = plan_updates(store, "edi-maturity", HOUSING, "2025/26")
    assert [(r.ref, r.status, r.by) for r in rows] == [
        (REF, "On track", "board@example.org"),
        (REF, "Delayed", "housing@example.org"),
    ]
    entries = [e for e in accounts.audit_log(store) if e.action == "update plan item"]
    assert [(e.who, e.before, e.after) for e in reversed(entries)] == [
        (
            "board@example.org",
            '{"status": "Not yet commenced"}',
            '{"note": "Data <b>collected</b>", "status": "On track"}',
        ),
        (
            "housing@example.org",
            '{"status": "On track"}',
            '{"note": "Waiting for payroll", "status": "Delayed"}',
        ),
    ]


def test_a_status_the_core_does_not_allow_is_refused_with_an_error_summary(
    app: Starlette, sign_in: SignIn
) -> None:
    client = sign_in("moderator@example.org")
    page = client.get(PAGE)
    reply = _post(client, page.text, status="Finished", note="kept")
    assert reply.status_code == 400
    assert "govuk-error-summary" in reply.text
    assert f'href="#duties--pay-gap-status">Choose the status of {REF}' in reply.text
    assert ">kept</textarea>" in reply.text  # what was typed is kept
    too_long = _post(client, page.text, status="On track", note="x" * 2001)
    assert too_long.status_code == 400
    assert "2000 characters or fewer" in too_long.text
    unknown = _post(client, page.text, status="On track", ref="nope.nothing")
    assert unknown.status_code == 404
    assert plan_updates(app.state.store, "edi-maturity", HOUSING, "2025/26") == []


def test_a_contributor_reaches_only_their_own_units_plans(app: Starlette, sign_in: SignIn) -> None:
    care = sign_in("care@example.org")
    assert care.get(PAGE).status_code == 403
    housing = sign_in("housing@example.org")
    reply = _post(care, housing.get(PAGE).text, status="On track")
    assert reply.status_code == 403  # the other's token does not match either; still refused
    token_page = care.get("/assessments").text
    assert _post(care, token_page, status="On track").status_code == 403
    assert plan_updates(app.state.store, "edi-maturity", HOUSING, "2025/26") == []
    # A period without a validated result has no plan.
    assert housing.get(f"/plans?unit={quote(HOUSING)}&period=1999/00").status_code == 404


def test_the_board_heatmap_links_to_each_units_plan(sign_in: SignIn) -> None:
    page = sign_in("board@example.org").get("/board?period=2025/26").text
    assert f'href="/plans?unit={quote(HOUSING)}&amp;period=2025/26"' in page
