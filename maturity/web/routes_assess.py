"""The team's journey: my assessments, the form one domain a page, check and submit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from maturity.core.framework import Framework
from maturity.core.review import ReviewError
from maturity.store import accounts, drafts
from maturity.store.accounts import Role, User
from maturity.store.drafts import Draft, StaleError
from maturity.web import forms, workflow
from maturity.web.app import read_form, redirect, render, require, store_of

TEAM = (Role.CONTRIBUTOR, Role.ADMIN)


def current_period(today: dt.date | None = None) -> str:
    """The financial year (April to March) that `today` falls in, e.g. 2025/26."""
    today = today or dt.date.today()
    year = today.year if today.month >= 4 else today.year - 1
    return f"{year}/{(year + 1) % 100:02d}"


def draft_for(request: Request, user: User, write: bool = False) -> Draft:
    """The draft in the path, if this user's units include it (403 otherwise, 404 if none).

    To change it (`write`), it must also be the user's own answers or a shared team
    draft; an admin may correct anyone's.
    """
    try:
        draft_id = int(request.path_params["draft"])
    except ValueError:
        raise HTTPException(404) from None
    draft = drafts.get_draft(store_of(request), draft_id)
    if draft is None:
        raise HTTPException(404)
    if not user.may_see(draft.unit):
        raise HTTPException(403)
    if write and user.role is not Role.ADMIN and not workflow.mine(draft, user.email):
        raise HTTPException(403, f"These are {draft.respondent}'s answers; start your own.")
    return draft


def may_change(request: Request, draft: Draft) -> bool:
    """Whether the signed-in user may change these answers now (whose, and their status)."""
    user: User | None = getattr(request.state, "user", None)
    if user is None or (user.role is not Role.ADMIN and not workflow.mine(draft, user.email)):
        return False
    return workflow.editable(store_of(request), draft)


def domain_states(fw: Framework, draft: Draft) -> dict[str, str]:
    """Each domain's task-list state: `Completed`, `In progress` or `Not yet started`."""
    states = {}
    for domain in fw.domains:
        refs = [f"{domain.id}.{c.id}" for c in domain.criteria]
        answered = [
            r
            for r in refs
            if r in draft.assessment.responses and draft.assessment.responses[r].answered
        ]
        carried = [r for r in refs if r in draft.carried]
        if len(answered) == len(refs) and not carried:
            states[domain.id] = "Completed"
        elif answered:
            states[domain.id] = "In progress"
        else:
            states[domain.id] = "Not yet started"
    return states


async def my_assessments(request: Request) -> Response:
    user = require(request, *TEAM)
    store = store_of(request)
    units = {u: f for u, f in accounts.assessable_units(store).items() if user.may_see(u)}
    rows: list[dict[str, Any]] = []
    by_unit: dict[str, list[Draft]] = {}
    for draft in drafts.all_drafts(store):
        # Your own answers (and a shared team draft); an admin sees everyone's.
        if user.may_see(draft.unit) and (
            user.role is Role.ADMIN or workflow.mine(draft, user.email)
        ):
            by_unit.setdefault(draft.unit, []).append(draft)
    period = current_period()
    for unit in sorted(set(units) | set(by_unit)):
        for draft in by_unit.get(unit, []):
            fw = workflow.framework(store, draft.framework)
            result = workflow.score_draft(fw, draft, drafts.evidence_for(store, draft.id))
            rows.append(
                {
                    "unit": unit,
                    "period": draft.period,
                    "draft": draft,
                    "whose": draft.respondent if draft.respondent != user.email else "",
                    "status": workflow.STATUSES[workflow.draft_status(store, draft)],
                    "completeness": round(result.overall.completeness * 100),
                }
            )
    started = {(r["unit"], r["period"]) for r in rows if workflow.mine(r["draft"], user.email)}
    startable = [u for u in units if (u, period) not in started]
    periods = [workflow.previous_period(period), period]
    return render(
        request,
        "assessments.html",
        {
            "title": "My assessments",
            "rows": rows,
            "startable": startable,
            "periods": periods,
            "period": period,
        },
    )


async def start(request: Request) -> Response:
    user, form = await read_form(request, *TEAM)
    store = store_of(request)
    unit = str(form.get("unit", ""))
    period = str(form.get("period", ""))
    units = accounts.assessable_units(store)
    if unit not in units or not user.may_see(unit):
        raise HTTPException(403)
    if period not in (current_period(), workflow.previous_period(current_period())):
        raise HTTPException(400, "Choose a period from the list")
    fw = workflow.framework(store, units[unit])
    draft_id = workflow.start(store, unit, period, fw, user.email, bool(form.get("carry_over")))
    return redirect(f"/assessments/{draft_id}", f"Started {unit} {period}.", request)


async def task_list(request: Request) -> Response:
    user = require(request, *TEAM)
    draft = draft_for(request, user)
    fw = workflow.framework(store_of(request), draft.framework)
    return render(
        request,
        "task_list.html",
        {
            "title": f"{draft.unit} {draft.period}",
            "draft": draft,
            "fw": fw,
            "states": domain_states(fw, draft),
            "status": workflow.STATUSES[workflow.draft_status(store_of(request), draft)],
            "merged": workflow.respondents(store_of(request), draft),
            "levels": {lv.id: lv.name for lv in fw.levels} | {"not_applicable": "Not applicable"},
            "returned": workflow.returned_comment(store_of(request), draft),
            "editable": may_change(request, draft),
        },
    )


def domain_page(
    request: Request,
    draft: Draft,
    fw: Framework,
    domain_id: str,
    page: forms.DomainForm | None = None,
    stale: StaleError | None = None,
    status: int = 200,
) -> Response:
    domain = next((d for d in fw.domains if d.id == domain_id), None)
    if domain is None:
        raise HTTPException(404)
    if page is None:
        page = forms.DomainForm(
            values={
                f"{domain.id}.{c.id}": forms.values_of(
                    draft.assessment.responses.get(f"{domain.id}.{c.id}")
                )
                for c in domain.criteria
            }
        )
    evidence = drafts.evidence_for(store_of(request), draft.id)
    theirs = {}
    if stale is not None:
        current = stale.current.assessment.responses
        theirs = {ref: forms.values_of(current.get(ref)) for ref in page.values}
    index = [d.id for d in fw.domains].index(domain.id)
    return render(
        request,
        "domain.html",
        {
            "title": domain.name,
            "draft": draft,
            "fw": fw,
            "domain": domain,
            "page": page,
            "field_id": forms.field_id,
            "evidence": evidence,
            "stale": stale,
            "theirs": theirs,
            "number": index + 1,
            "count": len(fw.domains),
            "errors": page.errors,
            "version": stale.current.version if stale else draft.version,
            "editable": may_change(request, draft),
        },
        status,
    )


async def domain_get(request: Request) -> Response:
    user = require(request, *TEAM)
    draft = draft_for(request, user)
    fw = workflow.framework(store_of(request), draft.framework)
    return domain_page(request, draft, fw, request.path_params["domain"])


async def domain_post(request: Request) -> Response:
    user, form = await read_form(request, *TEAM)
    draft = draft_for(request, user, write=True)
    store = store_of(request)
    fw = workflow.framework(store, draft.framework)
    autosave = request.headers.get("x-autosave") == "1"
    domain_id = request.path_params["domain"]
    domain = next((d for d in fw.domains if d.id == domain_id), None)
    if domain is None:
        raise HTTPException(404)
    if not workflow.editable(store, draft):
        raise HTTPException(409, "This assessment has been submitted; it cannot be changed now.")
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    assessment, page = forms.read_domain(fw, domain, draft.assessment, fields)
    if page.errors:
        if autosave:
            return JSONResponse({"saved": False, "errors": len(page.errors)}, status_code=400)
        return domain_page(request, draft, fw, domain.id, page, status=400)
    carried = set(draft.carried)
    for ref, values in page.values.items():
        if ref in page.confirmed or values != forms.values_of(draft.assessment.responses.get(ref)):
            carried.discard(ref)
    try:
        version = int(str(form.get("version", "")))
    except ValueError:
        raise HTTPException(400, "The form is missing its version; reload the page.") from None
    try:
        saved = drafts.save_draft(
            store,
            draft.id,
            version,
            user.email,
            "save answers",
            assessment=assessment,
            carried=carried,
        )
    except StaleError as exc:
        if autosave:
            return JSONResponse({"saved": False, "stale": str(exc)}, status_code=409)
        return domain_page(request, draft, fw, domain.id, page, stale=exc, status=409)
    if autosave:
        return JSONResponse({"saved": True, "version": saved.version})
    if form.get("then") == "continue":
        ids = [d.id for d in fw.domains]
        index = ids.index(domain.id)
        if index + 1 < len(ids):
            return redirect(f"/assessments/{draft.id}/domains/{ids[index + 1]}")
        return redirect(f"/assessments/{draft.id}/check")
    return redirect(
        f"/assessments/{draft.id}", f"Your answers for {domain.name} are saved.", request
    )


def unfinished(fw: Framework, draft: Draft) -> list[tuple[str, str]]:
    """What stops a submission: criteria not answered, and answers carried over unconfirmed."""
    problems = []
    for ref, (domain, criterion) in fw.criteria.items():
        response = draft.assessment.responses.get(ref)
        target = f"/assessments/{draft.id}/domains/{domain.id}#{forms.field_id(ref, 'level')}"
        if response is None or not response.answered:
            problems.append((target, f"Answer '{criterion.title}' ({domain.name})"))
        elif ref in draft.carried:
            problems.append(
                (target, f"Confirm or change last year's answer to '{criterion.title}'")
            )
    return problems


async def check(request: Request) -> Response:
    user = require(request, *TEAM)
    return check_page(request, draft_for(request, user))


def check_page(request: Request, draft: Draft, submitting: bool = False) -> Response:
    store = store_of(request)
    fw = workflow.framework(store, draft.framework)
    result = workflow.score_draft(fw, draft, drafts.evidence_for(store, draft.id))
    problems = unfinished(fw, draft)
    return render(
        request,
        "check.html",
        {
            "title": "Check your answers",
            "draft": draft,
            "fw": fw,
            "score": result,
            "levels": {lv.id: lv.name for lv in fw.levels} | {"not_applicable": "Not applicable"},
            "field_id": forms.field_id,
            "problems": problems,
            "editable": may_change(request, draft),
            "errors": problems if submitting else [],
        },
        400 if submitting and problems else 200,
    )


async def submit(request: Request) -> Response:
    user, form = await read_form(request, *TEAM)
    draft = draft_for(request, user, write=True)
    store = store_of(request)
    fw = workflow.framework(store, draft.framework)
    if not workflow.editable(store, draft):
        raise HTTPException(409, "This assessment has already been submitted.")
    if unfinished(fw, draft):
        return check_page(request, draft, submitting=True)
    try:
        version = int(str(form.get("version", "")))
    except ValueError:
        raise HTTPException(400, "The form is missing its version; reload the page.") from None
    try:
        workflow.submit(store, draft, fw, user.email, version)
    except StaleError as exc:
        raise HTTPException(409, f"{exc}. Check your answers again, then submit.") from None
    except ReviewError as exc:
        raise HTTPException(409, f"{exc}. Reload the page.") from None
    return redirect(
        "/assessments", f"{draft.unit} {draft.period} is submitted for moderation.", request
    )


ROUTES = [
    Route("/assessments", my_assessments),
    Route("/assessments/start", start, methods=["POST"]),
    Route("/assessments/{draft}", task_list),
    Route("/assessments/{draft}/domains/{domain}", domain_get),
    Route("/assessments/{draft}/domains/{domain}", domain_post, methods=["POST"]),
    Route("/assessments/{draft}/check", check),
    Route("/assessments/{draft}/submit", submit, methods=["POST"]),
]
