"""Action-plan progress: a unit's plan for a period, with each item's status and history.

The plan is drafted from the unit's current stored result, as `maturity plan --unit
--period` drafts it (gaps to the framework's own targets), dated the day that result was
stored so that timeframes and due dates stay put. The status updates posted here are
appended to the store (`plan_updates`) and applied to the drafted plan with the core's
`add_update` each time the page is shown; none is ever overwritten.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from maturity.core.errors import MaturityError
from maturity.core.framework import Framework
from maturity.core.plan import ActionPlan, Status
from maturity.core.progress import add_update, parse_status, progress
from maturity.store import StoredAssessment
from maturity.store.accounts import Role, User, now_text
from maturity.store.plan_updates import PlanUpdate, add_plan_update, plan_updates
from maturity.store.store import Store
from maturity.web.app import read_form, redirect, render, require, store_of

MAX_NOTE = 2000
RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red"}
RAG_TAGS = {"green": "green", "amber": "yellow", "red": "red"}


def stored_result(store: Store, unit: str, period: str) -> tuple[StoredAssessment, Framework]:
    """A unit-period's current stored result and the framework version it was scored by."""
    stored = store.assessments(unit=unit, period=period)
    if not stored:
        raise HTTPException(404, f"No validated assessment for {unit} {period}.")
    item = stored[0]
    fw = next(
        (
            f
            for f in store.frameworks(item.info.framework_id)
            if f.version == item.info.framework_version
        ),
        None,
    )
    if fw is None:
        raise MaturityError(f"the store lacks framework {item.info.framework_id}")
    return item, fw


def drafted(store: Store, unit: str, period: str) -> tuple[str, ActionPlan]:
    """The framework id and the plan drafted from the unit's current result, updates applied."""
    from maturity.core.gaps import Targets, find_gaps
    from maturity.core.plan import PlanConfig, draft_plan
    from maturity.core.scoring import score

    item, fw = stored_result(store, unit, period)
    result = score(fw, item.assessment)
    config = PlanConfig(
        drafted_on=dt.date.fromisoformat(item.info.imported_at[:10]),
        organisation=unit.split("/")[0],
    )
    plan = draft_plan(fw, item.assessment, result, find_gaps(fw, result, Targets()), config)
    refs = {i.ref for i in plan.items}
    for u in plan_updates(store, fw.id, unit, period):
        if u.ref in refs:  # an item the current result no longer has keeps its rows, unshown
            plan = add_update(plan, u.ref, u.status, u.note, dt.date.fromisoformat(u.at[:10]), u.by)
    return fw.id, plan


def _unit_period(request: Request, user: User, values: dict[str, str]) -> tuple[str, str]:
    unit, period = values.get("unit", ""), values.get("period", "")
    if not unit or not period:
        raise HTTPException(404)
    if not user.may_see(unit):
        raise HTTPException(403)
    return unit, period


def plan_page(
    request: Request,
    user: User,
    unit: str,
    period: str,
    errors: list[tuple[str, str]] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    _, plan = drafted(store_of(request), unit, period)
    shown = progress(plan, dt.datetime.now(dt.UTC).date())
    return render(
        request,
        "plan.html",
        {
            "title": f"Action plan: {unit.split('/')[-1]}, {period}",
            "plan": plan,
            "progress": shown,
            "unit": unit,
            "period": period,
            "statuses": [s.value for s in Status],
            "rag_words": RAG_WORDS,
            "rag_tags": RAG_TAGS,
            "errors": errors or [],
            "values": values or {},
        },
        status,
    )


async def show(request: Request) -> Response:
    user = require(request, *Role)
    unit, period = _unit_period(request, user, dict(request.query_params))
    return plan_page(request, user, unit, period)


async def update(request: Request) -> Response:
    """Append a status update, with its note, to one item of the plan."""
    user, form = await read_form(request, *Role)
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    unit, period = _unit_period(request, user, values)
    store = store_of(request)
    framework_id, plan = drafted(store, unit, period)
    ref = values.get("ref", "")
    item = next((i for i in plan.items if i.ref == ref), None)
    if item is None:
        raise HTTPException(404, f"No item {ref} in this plan.")
    field = ref.replace(".", "--")
    note = " ".join(values.get("note", "").split()) or None
    errors = []
    try:
        chosen = parse_status(values.get("status", ""))
    except MaturityError:
        errors.append((f"{field}-status", f"Choose the status of {ref}"))
    if note is not None and len(note) > MAX_NOTE:
        errors.append((f"{field}-note", f"The note must be {MAX_NOTE} characters or fewer"))
    if errors:
        return plan_page(request, user, unit, period, errors, values, 400)
    record = PlanUpdate(ref=ref, status=chosen.value, note=note, by=user.email, at=now_text())
    # The core checks the update as it will be shown before anything is stored.
    add_update(plan, ref, chosen, note, dt.date.fromisoformat(record.at[:10]), user.email)
    add_plan_update(store, framework_id, unit, period, record, before=item.status.value)
    query = urlencode({"unit": unit, "period": period})
    return redirect(f"/plans?{query}#{field}", f"{ref} is now {chosen.value}.", request)


ROUTES = [
    Route("/plans", show),
    Route("/plans/update", update, methods=["POST"]),
]
