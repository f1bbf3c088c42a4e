"""Progress tracking: dated updates on a saved action plan, and the update-round view.

Pure functions over `maturity.core.plan` models; no I/O. An update is appended to its
item's history and never replaces an earlier one; the item's status becomes the
status of its latest update. Published progress updates (see the seeds) show one
column per update round: here a round is a calendar month in which any item was
updated, headed like the councils' own, `October 2018 update`.

A progress update leads with what changed in the latest round and what is overdue
on the report's date. An item is due at the end of the month its timeframe names
(`by September 2026`); a plan drafted before dated timeframes (`6-12 months`) is
due that many months after its date. It is overdue when that day has passed and
it is neither Complete nor In place. Each item has a RAG status: green when Complete,
In place or On track; amber when At risk or Not yet commenced; red when Delayed or
overdue.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from maturity.core.assessment import did_you_mean
from maturity.core.board import Rag
from maturity.core.errors import MaturityError
from maturity.core.plan import ActionPlan, PlanItem, Status, Update, add_months

DONE = frozenset({Status.COMPLETE, Status.IN_PLACE})
MONTHS = {f"{date(2000, m, 1):%B}".casefold(): m for m in range(1, 13)}


def status_names() -> str:
    """The statuses, in their order, for messages: `Not yet commenced, On track, ...`."""
    return ", ".join(s.value for s in Status)


def parse_status(text: str) -> Status:
    """A status from its name, ignoring case and extra spaces; anything else is refused."""
    wanted = " ".join(text.split()).casefold()
    for status in Status:
        if status.value.casefold() == wanted:
            return status
    raise MaturityError(f"'{text}' is not a status; use one of: {status_names()}")


def _item(plan: ActionPlan, ref: str) -> int:
    refs = [item.ref for item in plan.items]
    if ref in refs:
        return refs.index(ref)
    hint = did_you_mean(ref, refs) if refs else "; the plan has no items"
    raise MaturityError(f"no item '{ref}' in the plan for {plan.unit} {plan.period}{hint}")


def add_update(
    plan: ActionPlan,
    ref: str,
    status: Status | str,
    note: str | None,
    on: date,
    by: str | None = None,
) -> ActionPlan:
    """The plan with one more update on item `ref`; earlier updates are kept as they were.

    Updates stay in date order (one dated before others goes in its place, after any
    of the same day). The item's status becomes that of its latest update.
    """
    index = _item(plan, ref)
    chosen = status if isinstance(status, Status) else parse_status(status)
    item = plan.items[index]
    try:
        update = Update(on=on, status=chosen, note=note or None, by=by or None)
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = ".".join(str(p) for p in problem["loc"])
        raise MaturityError(f"update on '{ref}': {field}: {problem['msg']}") from None
    position = sum(1 for u in item.updates if u.on <= on)
    updates = [*item.updates[:position], update, *item.updates[position:]]
    changed = item.model_copy(update={"updates": updates, "status": updates[-1].status})
    items = [*plan.items[:index], changed, *plan.items[index + 1 :]]
    return plan.model_copy(update={"items": items})


def due_date(timeframe: str, drafted_on: date) -> date | None:
    """When an item is due (see the module docstring); None for wording we cannot date."""
    text = " ".join(timeframe.split()).casefold()
    dated = re.fullmatch(r"by ([a-z]+) (\d{4})", text)
    if dated and dated[1] in MONTHS:
        return add_months(date(int(dated[2]), MONTHS[dated[1]], 1), 1) - timedelta(days=1)
    span = re.fullmatch(r"\d+ ?- ?(\d+) months?", text)
    if span:
        months = int(span[1])
        day = add_months(drafted_on, months)
        return day.replace(day=min(drafted_on.day, _last_day(day)))
    return None


def _last_day(day: date) -> int:
    return (add_months(day, 1) - timedelta(days=1)).day


def item_rag(status: Status, overdue: bool) -> Rag:
    """An item's RAG status (see the module docstring)."""
    if status in DONE or (status is Status.ON_TRACK and not overdue):
        return Rag.GREEN
    if overdue or status is Status.DELAYED:
        return Rag.RED
    return Rag.AMBER


class Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Round(Model):
    """One update round: a month in which any item was updated."""

    key: str = Field(description="`YYYY-MM`.")
    heading: str = Field(description="The column heading, e.g. `October 2018 update`.")


class ProgressRow(Model):
    """One item of the plan with its updates sorted into rounds."""

    item: PlanItem
    cells: list[list[Update]] = Field(description="The item's updates in each round, in order.")
    status: Status = Field(description="The latest status.")
    updated_on: date | None = Field(description="The date of the latest update, if any.")
    due: date | None = Field(description="When the item is due, if its timeframe says.")
    overdue: bool = Field(description="Past due on the report's date and not done.")
    rag: Rag = Field(description="Green, amber or red (see the module docstring).")
    changed: bool = Field(description="Whether updated in the latest round.")
    before: Status | None = Field(description="If changed: the status before the latest round.")


class Progress(Model):
    """The progress update: rounds as columns, one row per item, and a count by status."""

    rounds: list[Round]
    rows: list[ProgressRow]
    counts: dict[Status, int] = Field(description="Items per latest status, every status listed.")
    latest: date | None = Field(description="The most recent update in the plan.")
    on: date = Field(description="The report's date: overdue is judged on it.")
    rag_counts: dict[Rag, int] = Field(description="Items per RAG status, green first.")

    @property
    def changed(self) -> list[ProgressRow]:
        """The items updated in the latest round, in priority order."""
        return [row for row in self.rows if row.changed]

    @property
    def overdue(self) -> list[ProgressRow]:
        """The items past due and not done, soonest due first."""
        late = [row for row in self.rows if row.overdue]
        return sorted(late, key=lambda r: (r.due or date.max, r.item.priority))


def _key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def rounds(plan: ActionPlan) -> list[Round]:
    """The update rounds of a plan, oldest first (see the module docstring)."""
    days = sorted({u.on for item in plan.items for u in item.updates})
    seen: dict[str, Round] = {}
    for day in days:
        key = _key(day)
        if key not in seen:
            seen[key] = Round(key=key, heading=f"{day:%B %Y} update")
    return list(seen.values())


def progress(plan: ActionPlan, on: date | None = None) -> Progress:
    """The plan's progress update on `on` (default: the latest update, or the plan's date).

    Items come in priority order.
    """
    columns = rounds(plan)
    last = columns[-1].key if columns else None
    latest = max((u.on for item in plan.items for u in item.updates), default=None)
    today = on or latest or plan.drafted_on
    rows = []
    for item in sorted(plan.items, key=lambda i: i.priority):
        cells = [[u for u in item.updates if _key(u.on) == r.key] for r in columns]
        status = item.updates[-1].status if item.updates else item.status
        due = due_date(item.timeframe, plan.drafted_on)
        overdue = due is not None and today > due and status not in DONE
        earlier = [u for u in item.updates if _key(u.on) != last]
        changed = bool(cells) and bool(cells[-1])
        rows.append(
            ProgressRow(
                item=item,
                cells=cells,
                status=status,
                updated_on=item.updates[-1].on if item.updates else None,
                due=due,
                overdue=overdue,
                rag=item_rag(status, overdue),
                changed=changed,
                before=(earlier[-1].status if earlier else Status.NOT_YET_COMMENCED)
                if changed
                else None,
            )
        )
    tally = Counter(row.status for row in rows)
    rags = Counter(row.rag for row in rows)
    return Progress(
        rounds=columns,
        rows=rows,
        counts={status: tally.get(status, 0) for status in Status},
        latest=latest,
        on=today,
        rag_counts={rag: rags.get(rag, 0) for rag in Rag},
    )
