"""Action-plan progress recorded on the web: status updates on plan items, appended.

One table, `plan_updates` (schema version 7): for a framework, unit and period, each
update of an item (its ref) with the new status, the note, who and when. Rows are only
ever inserted: the history is the rows in the order they were added, and the page
applies them to the plan drafted from the unit's current result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, insert, select

from maturity.store.accounts import audit
from maturity.store.schema import plan_updates_table as table

if TYPE_CHECKING:
    from maturity.store.store import Store


@dataclass(frozen=True)
class PlanUpdate:
    """One stored update of one plan item."""

    ref: str
    status: str
    note: str | None
    by: str
    at: str  # UTC, `YYYY-MM-DDTHH:MM:SSZ`


def plan_updates(store: Store, framework_id: str, unit: str, period: str) -> list[PlanUpdate]:
    """The updates on a unit's plan for the period, oldest first."""
    t = table
    stmt = (
        select(t.c.ref, t.c.status, t.c.note, t.c.by, t.c.at)
        .where((t.c.framework_id == framework_id) & (t.c.unit == unit) & (t.c.period == period))
        .order_by(t.c.id)
    )
    return store._run(lambda conn: [PlanUpdate(*r) for r in conn.execute(stmt)], write=False)


def add_plan_update(
    store: Store,
    framework_id: str,
    unit: str,
    period: str,
    update: PlanUpdate,
    before: str,
) -> None:
    """Append one update and its audit entry (status `before` -> `update.status`) together."""

    def work(conn: Connection) -> None:
        conn.execute(
            insert(table).values(
                framework_id=framework_id,
                unit=unit,
                period=period,
                ref=update.ref,
                status=update.status,
                note=update.note,
                by=update.by,
                at=update.at,
            )
        )
        audit(
            conn,
            update.by,
            "update plan item",
            f"{unit} {period} {update.ref}",
            {"status": before},
            {"status": update.status, "note": update.note},
        )

    store._run(work, write=True)
