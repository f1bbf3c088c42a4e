"""The board dashboard: the heatmap as a table, movement, distribution, and the PDFs."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from weakref import WeakKeyDictionary

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from maturity.core.board import BoardPack, build_board
from maturity.files.output import slug
from maturity.store import accounts
from maturity.store.accounts import Role
from maturity.store.store import Store
from maturity.web.app import render, require, store_of

BOARD = (Role.BOARD, Role.ADMIN)


def _framework(known: list[str], given: str | None) -> str | None:
    if given in known:
        return given
    return known[0] if known else None


def load_pack(store: Store, framework_id: str, period: str) -> BoardPack:
    """The board pack as the PDF has it, from the store's current scores.

    Kept per process until an assessment is added: building it reads and parses every
    current score with its criteria, which a dashboard cannot afford on every request.
    """
    stamp = accounts.results_stamp(store)
    packs = _PACKS.setdefault(store, {})
    key = (framework_id, period)
    cached = packs.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    scores = store.scores(framework_id, with_criteria=True)
    pack = build_board(scores, store.frameworks(framework_id), period)
    if len(packs) > 64:
        packs.clear()
    packs[key] = (stamp, pack)
    return pack


# Kept per store object, weakly: keyed by `id(store)`, a freed store's id (and its board)
# could be handed to the next store opened in the same process.
_PACKS: WeakKeyDictionary[Store, dict[tuple[str, str], tuple[int, BoardPack]]] = WeakKeyDictionary()


async def dashboard(request: Request) -> Response:
    require(request, *BOARD)
    store = store_of(request)
    known = store.framework_ids()
    framework_id = _framework(known, request.query_params.get("framework"))
    if framework_id is None:
        return render(request, "board.html", {"title": "Board dashboard", "pack": None})
    periods = store.periods(framework_id)
    period = request.query_params.get("period") or periods[-1]
    if period not in periods:
        raise HTTPException(404, f"No results for {period}; choose a period from the list.")
    pack = load_pack(store, framework_id, period)
    departments = sorted(
        {"/".join(u.unit.split("/")[:2]) for u in pack.units if len(u.unit.split("/")) >= 2}
    )
    department = request.query_params.get("department") or ""
    rows = [
        u
        for u in pack.units
        if not department or u.unit == department or u.unit.startswith(department + "/")
    ]
    kept = _TABLES.setdefault(store, {})
    key = (accounts.results_stamp(store), framework_id, period, department)
    tables = kept.get(key)
    if tables is None:
        env = request.app.state.templates
        tables = Markup(
            env.get_template("board_tables.html").render(
                {
                    "pack": pack,
                    "rows": rows,
                    "period": period,
                    "department": department,
                    "level_names": {lv.id: lv.name for lv in pack.levels},
                    "domain_names": {d.id: d.name for d in pack.domains},
                    "trends": {t.unit: t for t in pack.trends},
                }
            )
        )
        if len(kept) > 256:
            kept.clear()
        kept[key] = tables
    return render(
        request,
        "board.html",
        {
            "title": "Board dashboard",
            "pack": pack,
            "tables": tables,
            "periods": periods,
            "period": period,
            "departments": departments,
            "department": department,
            "framework_ids": known,
            "framework_id": framework_id,
        },
    )


# The rendered tables by (store, version of its results, framework, period, department).
_TABLES: WeakKeyDictionary[Store, dict[tuple[int, str, str, str], Markup]] = WeakKeyDictionary()


def _pdf(write: object) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.pdf"
        write(path)  # type: ignore[operator]
        return path.read_bytes()


async def board_pdf(request: Request) -> Response:
    require(request, *BOARD)
    store = store_of(request)
    framework_id = _framework(store.framework_ids(), request.query_params.get("framework"))
    period = request.query_params.get("period", "")
    if framework_id is None or period not in store.periods(framework_id):
        raise HTTPException(404)
    from maturity.reports.board import write_pdf

    pack = load_pack(store, framework_id, period)
    content = await run_in_threadpool(_pdf, lambda path: write_pdf(pack, path))
    name = f"board-pack-{period.replace('/', '-')}.pdf"
    return Response(
        content,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


async def plan_pdf(request: Request) -> Response:
    """A unit's action plan from its current validated assessment, for anyone who may see it."""
    user = require(request, *Role)
    store = store_of(request)
    unit = request.query_params.get("unit", "")
    period = request.query_params.get("period", "")
    if not user.may_see(unit):
        raise HTTPException(403)
    from maturity.core.gaps import Targets
    from maturity.core.plan import PlanConfig
    from maturity.core.scoring import score
    from maturity.reports.plan import build_report, write_pdf
    from maturity.web.routes_plans import stored_result

    item, fw = stored_result(store, unit, period)
    config = PlanConfig(drafted_on=dt.date.today(), organisation=unit.split("/")[0])
    report = build_report(fw, item.assessment, score(fw, item.assessment), Targets(), config)
    content = await run_in_threadpool(_pdf, lambda path: write_pdf(report, path))
    name = f"{slug(unit)}-{period.replace('/', '-')}-plan.pdf"
    return Response(
        content,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


ROUTES = [
    Route("/board", dashboard),
    Route("/board/pack.pdf", board_pdf),
    Route("/board/plan.pdf", plan_pdf),
]
