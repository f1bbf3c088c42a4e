"""Storing a file costs the same however many units its period already holds.

Counted in work the database does (SQLite's virtual-machine steps; the rows PostgreSQL's
plans examine), not in seconds: a plan that scans the period makes import quadratic in
the number of units, and this fails long before a stopwatch would notice.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event
from test_store import write

from maturity.store import Store, open_store
from maturity.store.importing import check_file
from maturity.store.schema import versions_table
from maturity.store.writing import (
    _CURRENT,
    _LATEST,
    _LIVE_VERSIONS,
    _RETIRE,
    _STATE,
    _SUB_RETIRE,
    _SUBMITTED,
    Checked,
)

CROWD = 3000


@pytest.fixture
def crowded(store_url: str, tmp_path: Path) -> Iterator[tuple[Store, Checked]]:
    """A store with one unit in 2025/26 and CROWD in 2024/25, and a checked file."""
    item = check_file(write(tmp_path, "a.yaml"))
    assert isinstance(item, Checked)
    with open_store(store_url, create=True) as store:
        store.store(item)  # the framework row, and the template of the rows below
        with store.engine.begin() as conn:
            template = conn.execute(versions_table.select()).mappings().one()
            rows = [
                {**template, "period": "2024/25", "unit": f"City Council/Crowd/Unit {i:05d}"}
                for i in range(CROWD)
            ]
            conn.execute(versions_table.insert(), [_without_id(r) for r in rows])
        yield store, item


def _without_id(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "id"}  # the database numbers them


@pytest.mark.parametrize("new_store_url", ["sqlite"], indirect=True)
def test_storing_on_sqlite_does_not_scan_the_period(crowded: tuple[Store, Checked]) -> None:
    store, item = crowded
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    @event.listens_for(store.engine, "connect")
    def _counting(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_progress_handler(count, 10)

    store.engine.dispose()  # new connections, with the counter

    def cost(unit: str, period: str) -> int:
        steps[0] = 0
        store.store(dataclasses.replace(item, unit=unit, period=period))
        return steps[0]

    # A new unit, then the same file again (`unchanged`: the lookup alone): first in a
    # period of two units, then in the period of CROWD units.
    new, same = cost("City Council/New", "2025/26"), cost("City Council/New", "2025/26")
    new_in_crowd = cost("City Council/Crowd/New", "2024/25")
    same_in_crowd = cost("City Council/Crowd/New", "2024/25")
    # Each costs some hundreds of steps; scanning the period costs tens of thousands.
    assert new_in_crowd <= 1.5 * new + 20, (new, new_in_crowd)
    assert same_in_crowd <= 1.5 * same + 20, (same, same_in_crowd)


def _rows_examined(plan: dict[str, Any]) -> int:
    own = (
        plan.get("Actual Rows", 0)
        + plan.get("Rows Removed by Filter", 0)
        + plan.get("Rows Removed by Index Recheck", 0)
    )
    return own + sum(_rows_examined(child) for child in plan.get("Plans", []))


@pytest.mark.parametrize("new_store_url", ["postgresql"], indirect=True)
def test_storing_on_postgresql_examines_a_handful_of_rows(
    crowded: tuple[Store, Checked],
) -> None:
    store, item = crowded
    keys = {"k_fid": item.framework.id, "k_unit": "City Council/Crowd/Unit 01500",
            "k_period": "2024/25", "k_resp": "a"}  # fmt: skip

    def examined(conn: Connection, statement: Any) -> int:
        compiled = statement.compile(conn)
        sql = f"EXPLAIN (ANALYZE, FORMAT JSON) {compiled}"
        (result,) = conn.exec_driver_sql(sql, compiled.construct_params(keys)).one()
        plan = (json.loads(result) if isinstance(result, str) else result)[0]["Plan"]
        return _rows_examined(plan)

    with store.engine.connect() as conn, conn.begin() as transaction:
        counts = {name: examined(conn, stmt)
                  for name, stmt in (("current", _CURRENT), ("latest", _LATEST),
                                     ("retire", _RETIRE), ("submitted", _SUBMITTED),
                                     ("state", _STATE), ("submission retire", _SUB_RETIRE),
                                     ("live", _LIVE_VERSIONS))}  # fmt: skip
        transaction.rollback()
    assert all(n <= 5 for n in counts.values()), counts
