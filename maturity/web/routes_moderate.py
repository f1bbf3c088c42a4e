"""Moderation: the queue of submitted assessments, moderated levels, return and validate."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from maturity.core.errors import MaturityError
from maturity.core.review import ModerationRecord, ReviewError
from maturity.core.review import Status as Step
from maturity.store import drafts
from maturity.store.accounts import Role
from maturity.web import workflow
from maturity.web.app import read_form, redirect, render, require, store_of
from maturity.web.routes_assess import draft_for

MODERATORS = (Role.MODERATOR, Role.ADMIN)


async def queue(request: Request) -> Response:
    user = require(request, *MODERATORS)
    store = store_of(request)
    mine: list[drafts.Draft] = []
    seen: set[tuple[str, str, str]] = set()
    for d in drafts.all_drafts(store):  # one row per unit-period, whoever's draft it is
        if user.may_see(d.unit) and (d.unit, d.period, d.framework) not in seen:
            seen.add((d.unit, d.period, d.framework))
            mine.append(d)
    status = {d.id: workflow.review_status(store, d) for d in mine}
    return render(
        request,
        "moderation_queue.html",
        {
            "title": "Moderation",
            "waiting": [d for d in mine if status[d.id] is Step.SUBMITTED],
            "others": [d for d in mine if status[d.id] is not Step.SUBMITTED],
            "status": {i: workflow.STATUSES[s] for i, s in status.items()},
        },
    )


def review_page(
    request: Request, errors: list[tuple[str, str]] | None = None, status: int = 200
) -> Response:
    user = require(request, *MODERATORS)
    draft = draft_for(request, user)
    store = store_of(request)
    fw = workflow.framework(store, draft.framework)
    evidence = workflow.unit_period_evidence(store, draft)
    merged = workflow.respondents(store, draft)
    shown = replace(draft, assessment=workflow.moderated(store, draft, merged))
    # The stored result when there is one: merged and moderated as the board will see it.
    result = store.current_score(fw.id, draft.unit, draft.period)
    return render(
        request,
        "moderate.html",
        {
            "title": f"Moderate {draft.unit} {draft.period}",
            "draft": shown,
            "fw": fw,
            "evidence": evidence,
            "score": result or workflow.score_draft(fw, draft, evidence),
            "levels": {lv.id: lv.name for lv in fw.levels} | {"not_applicable": "Not applicable"},
            "status": workflow.STATUSES[workflow.review_status(store, draft)],
            "open": workflow.moderatable(store, draft),
            "merged": merged,
            "errors": errors or [],
        },
        status,
    )


async def review(request: Request) -> Response:
    return review_page(request)


async def moderate(request: Request) -> Response:
    """Set the moderated level of one criterion, with the reason: a moderation record."""
    user, form = await read_form(request, *MODERATORS)
    draft = draft_for(request, user)
    store = store_of(request)
    fw = workflow.framework(store, draft.framework)
    ref = request.path_params["ref"]
    if ref not in fw.criteria:
        raise HTTPException(404)
    if not workflow.moderatable(store, draft):
        raise HTTPException(409, "Only a submitted assessment can be moderated.")
    level = str(form.get("level", ""))
    rationale = str(form.get("rationale", "")).strip()
    field = ref.replace(".", "--")
    if level not in [*fw.level_ids, "not_applicable"]:
        return review_page(request, [(f"{field}-level", "Choose the moderated level")], 400)
    if not rationale:
        return review_page(request, [(f"{field}-rationale", "Give the reason for this level")], 400)
    try:
        record = ModerationRecord(
            criterion=ref,
            level=level,
            reason=rationale,
            moderator=user.email,
            on=dt.datetime.now(dt.UTC).date(),
        )
    except ValidationError:
        return review_page(request, [(f"{field}-rationale", "The reason is too long")], 400)
    try:
        workflow.moderate(store, draft, record)
    except MaturityError as exc:
        raise HTTPException(409, f"{exc}. Reload the page.") from None
    title = fw.criteria[ref][1].title
    return redirect(f"/moderation/{draft.id}", f"Moderated level set for {title}.", request)


async def return_assessment(request: Request) -> Response:
    user, form = await read_form(request, *MODERATORS)
    draft = draft_for(request, user)
    store = store_of(request)
    comment = str(form.get("comment", "")).strip()
    if not workflow.moderatable(store, draft):
        raise HTTPException(409, "Only a submitted assessment can be returned.")
    if not comment:
        return review_page(request, [("comment", "Say what the team needs to change")], 400)
    try:
        workflow.return_to_team(store, draft, user.email, comment[:5000])
    except ReviewError as exc:
        raise HTTPException(409, f"{exc}. Reload the page and try again.") from None
    return redirect("/moderation", f"{draft.unit} {draft.period} is returned to the team.", request)


async def validate(request: Request) -> Response:
    user, _ = await read_form(request, *MODERATORS)
    draft = draft_for(request, user)
    try:
        workflow.validate(store_of(request), draft, user.email)
    except ReviewError as exc:
        raise HTTPException(409, f"{exc}. Reload the page.") from None
    return redirect("/moderation", f"{draft.unit} {draft.period} is validated.", request)


ROUTES = [
    Route("/moderation", queue),
    Route("/moderation/{draft}", review),
    Route("/moderation/{draft}/criteria/{ref}", moderate, methods=["POST"]),
    Route("/moderation/{draft}/return", return_assessment, methods=["POST"]),
    Route("/moderation/{draft}/validate", validate, methods=["POST"]),
]
