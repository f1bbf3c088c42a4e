"""Moderation: the queue of submitted assessments, moderated levels, return and validate."""

from __future__ import annotations

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from maturity.core.assessment import Moderation
from maturity.core.assessment import Response as Answer
from maturity.store import drafts
from maturity.store.accounts import Role
from maturity.store.drafts import StaleError
from maturity.web import workflow
from maturity.web.app import read_form, redirect, render, require, store_of
from maturity.web.routes_assess import draft_for

MODERATORS = (Role.MODERATOR, Role.ADMIN)


async def queue(request: Request) -> Response:
    user = require(request, *MODERATORS)
    store = store_of(request)
    mine = [d for d in drafts.all_drafts(store) if user.may_see(d.unit)]
    return render(
        request,
        "moderation_queue.html",
        {
            "title": "Moderation",
            "waiting": [d for d in mine if d.status == workflow.SUBMITTED],
            "others": [d for d in mine if d.status != workflow.SUBMITTED],
            "statuses": workflow.STATUSES,
        },
    )


def review_page(
    request: Request, errors: list[tuple[str, str]] | None = None, status: int = 200
) -> Response:
    user = require(request, *MODERATORS)
    draft = draft_for(request, user)
    store = store_of(request)
    fw = workflow.framework(store, draft.framework)
    evidence = drafts.evidence_for(store, draft.id)
    return render(
        request,
        "moderate.html",
        {
            "title": f"Moderate {draft.unit} {draft.period}",
            "draft": draft,
            "fw": fw,
            "evidence": evidence,
            "score": workflow.score_draft(fw, draft, evidence),
            "levels": {lv.id: lv.name for lv in fw.levels} | {"not_applicable": "Not applicable"},
            "status": workflow.STATUSES[draft.status],
            "open": workflow.moderatable(draft),
            "errors": errors or [],
        },
        status,
    )


async def review(request: Request) -> Response:
    return review_page(request)


def _version(form: object) -> int:
    try:
        return int(str(form.get("version", "")))  # type: ignore[attr-defined]
    except ValueError:
        raise HTTPException(400, "The form is missing its version; reload the page.") from None


async def moderate(request: Request) -> Response:
    """Set (or clear) the moderated level of one criterion, with the reason."""
    user, form = await read_form(request, *MODERATORS)
    draft = draft_for(request, user)
    store = store_of(request)
    fw = workflow.framework(store, draft.framework)
    ref = request.path_params["ref"]
    if ref not in fw.criteria:
        raise HTTPException(404)
    if not workflow.moderatable(draft):
        raise HTTPException(409, "Only a submitted assessment can be moderated.")
    level = str(form.get("level", ""))
    rationale = str(form.get("rationale", "")).strip()
    field = ref.replace(".", "--")
    if level not in [*fw.level_ids, "not_applicable"]:
        return review_page(request, [(f"{field}-level", "Choose the moderated level")], 400)
    if not rationale:
        return review_page(request, [(f"{field}-rationale", "Give the reason for this level")], 400)
    try:
        moderation = Moderation(level=level, by=user.email, rationale=rationale)
    except ValidationError:
        return review_page(request, [(f"{field}-rationale", "The reason is too long")], 400)
    old = draft.assessment.responses.get(ref, Answer())
    responses = dict(draft.assessment.responses)
    responses[ref] = old.model_copy(update={"moderated": moderation})
    assessment = draft.assessment.model_copy(update={"responses": responses})
    try:
        drafts.save_draft(
            store, draft.id, _version(form), user.email, "moderate", assessment=assessment
        )
    except StaleError as exc:
        raise HTTPException(409, f"{exc}. Reload the page and moderate again.") from None
    title = fw.criteria[ref][1].title
    return redirect(f"/moderation/{draft.id}", f"Moderated level set for {title}.", request)


async def return_assessment(request: Request) -> Response:
    user, form = await read_form(request, *MODERATORS)
    draft = draft_for(request, user)
    comment = str(form.get("comment", "")).strip()
    if not workflow.moderatable(draft):
        raise HTTPException(409, "Only a submitted assessment can be returned.")
    if not comment:
        return review_page(request, [("comment", "Say what the team needs to change")], 400)
    try:
        drafts.save_draft(
            store_of(request),
            draft.id,
            _version(form),
            user.email,
            "return",
            status=workflow.RETURNED,
            comment=comment[:5000],
        )
    except StaleError as exc:
        raise HTTPException(409, f"{exc}. Reload the page and try again.") from None
    return redirect("/moderation", f"{draft.unit} {draft.period} is returned to the team.", request)


async def validate(request: Request) -> Response:
    user, form = await read_form(request, *MODERATORS)
    draft = draft_for(request, user)
    store = store_of(request)
    if draft.version != _version(form):
        raise HTTPException(409, "The assessment changed since you opened it. Reload the page.")
    fw = workflow.framework(store, draft.framework)
    try:
        workflow.validate(store, draft, fw, user.email)
    except StaleError as exc:
        raise HTTPException(409, f"{exc}. Reload the page and try again.") from None
    return redirect("/moderation", f"{draft.unit} {draft.period} is validated.", request)


ROUTES = [
    Route("/moderation", queue),
    Route("/moderation/{draft}", review),
    Route("/moderation/{draft}/criteria/{ref}", moderate, methods=["POST"]),
    Route("/moderation/{draft}/return", return_assessment, methods=["POST"]),
    Route("/moderation/{draft}/validate", validate, methods=["POST"]),
]
