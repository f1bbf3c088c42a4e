"""Progress tracking: dated updates on a saved action plan, and the update-round view.

Pure functions over `maturity.core.plan` models; no I/O. An update is appended to its
item's history and never replaces an earlier one; the item's status becomes the
status of its latest update. Published progress updates (see the seeds) show one
column per update round: here a round is a calendar month in which any item was
updated, headed like the councils' own, `October 2018 update`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from maturity.core.assessment import did_you_mean
from maturity.core.errors import MaturityError
from maturity.core.plan import ActionPlan, PlanItem, Status, Update


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


class Progress(Model):
    """The progress update: rounds as columns, one row per item, and a count by status."""

    rounds: list[Round]
    rows: list[ProgressRow]
    counts: dict[Status, int] = Field(description="Items per latest status, every status listed.")
    latest: date | None = Field(description="The most recent update in the plan.")


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


def progress(plan: ActionPlan) -> Progress:
    """The plan's progress update, items in priority order."""
    columns = rounds(plan)
    rows = []
    for item in sorted(plan.items, key=lambda i: i.priority):
        cells = [[u for u in item.updates if _key(u.on) == r.key] for r in columns]
        rows.append(
            ProgressRow(
                item=item,
                cells=cells,
                status=item.updates[-1].status if item.updates else item.status,
                updated_on=item.updates[-1].on if item.updates else None,
            )
        )
    tally = Counter(row.status for row in rows)
    latest = max((row.updated_on for row in rows if row.updated_on), default=None)
    return Progress(
        rounds=columns,
        rows=rows,
        counts={status: tally.get(status, 0) for status in Status},
        latest=latest,
    )
