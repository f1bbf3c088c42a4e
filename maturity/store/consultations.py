"""Consultations in the store: the redacted responses, and officers' corrections to the mapping.

Three tables in `schema.py`, added by schema version 5 (Alembic revision 0005):

- `consultations`: one row per consultation, by its unique name;
- `consultation_responses`: the responses, redacted on import (the original text never
  reaches the store), with their demographic answers and how many details were redacted;
- `consultation_corrections`: for a consultation and a framework, the criteria an officer
  gave a response in a review file; later mapping runs use them instead of the ranking.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Connection, delete, select

from maturity.core.consultation import Consultation, Response
from maturity.core.errors import MaturityError
from maturity.store.connection import StoreBase
from maturity.store.schema import consultation_corrections_table as corrections_table
from maturity.store.schema import consultation_responses_table as responses_table
from maturity.store.schema import consultations_table


def _stamp(when: dt.datetime | None) -> str:
    return (when or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Consulting(StoreBase):
    """Keeping consultations and the corrections to their mapping."""

    def _consultation_id(self, conn: Connection, name: str) -> int:
        found = conn.execute(
            select(consultations_table.c.id).where(consultations_table.c.name == name)
        ).scalar()
        if found is None:
            known = self._names(conn)
            raise MaturityError(
                f"no consultation '{name}' in {self.name} "
                f"(it holds: {', '.join(known) or 'none'}; import one with maturity consult import)"
            )
        return int(found)

    def _names(self, conn: Connection) -> list[str]:
        stmt = select(consultations_table.c.name).order_by(consultations_table.c.name)
        return [r[0] for r in conn.execute(stmt)]

    def consultation_names(self) -> list[str]:
        """The names of the stored consultations."""
        return self._run(self._names, write=False)

    def add_consultation(
        self,
        consultation: Consultation,
        replace: bool = False,
        by: str | None = None,
        when: dt.datetime | None = None,
    ) -> None:
        """Store a consultation in one transaction; an existing name only with `replace`.

        Replacing keeps the corrections of the responses whose ids are still there.
        """
        c = consultation

        def work(conn: Connection) -> None:
            old = conn.execute(
                select(consultations_table.c.id).where(consultations_table.c.name == c.name)
            ).scalar()
            if old is not None and not replace:
                raise MaturityError(
                    f"consultation '{c.name}' is already in {self.name}; "
                    "use --replace to import it again"
                )
            row = {
                "name": c.name,
                "question": c.question,
                "period": c.period,
                "unit": c.unit,
                "source": c.source,
                "group_columns": json.dumps(c.group_columns, ensure_ascii=False),
                "imported_at": _stamp(when),
                "imported_by": by,
            }
            if old is None:
                key = conn.execute(consultations_table.insert(), row).inserted_primary_key
                cid = int(key[0]) if key else self._consultation_id(conn, c.name)
            else:
                cid = int(old)
                conn.execute(
                    consultations_table.update().where(consultations_table.c.id == cid), row
                )
                conn.execute(
                    delete(responses_table).where(responses_table.c.consultation_id == cid)
                )
                ids = [r.id for r in c.responses]
                conn.execute(
                    delete(corrections_table).where(
                        (corrections_table.c.consultation_id == cid)
                        & corrections_table.c.response_id.not_in(ids)
                    )
                )
            conn.execute(
                responses_table.insert(),
                [
                    {
                        "consultation_id": cid,
                        "response_id": r.id,
                        "position": i,
                        "text": r.text,
                        "groups": json.dumps(r.groups, ensure_ascii=False),
                        "redactions": r.redactions,
                    }
                    for i, r in enumerate(c.responses)
                ],
            )

        self._run(work, write=True)

    def consultation(self, name: str) -> Consultation:
        """A stored consultation with its responses, in the order they were imported."""

        def work(conn: Connection) -> Consultation:
            cid = self._consultation_id(conn, name)
            t = consultations_table
            head = conn.execute(
                select(t.c.question, t.c.period, t.c.unit, t.c.source, t.c.group_columns).where(
                    t.c.id == cid
                )
            ).one()
            r = responses_table
            rows = conn.execute(
                select(r.c.response_id, r.c.text, r.c.groups, r.c.redactions)
                .where(r.c.consultation_id == cid)
                .order_by(r.c.position)
            )
            return Consultation(
                name=name,
                question=head.question,
                period=head.period,
                unit=head.unit,
                source=head.source,
                group_columns=json.loads(head.group_columns),
                responses=[
                    Response(id=rid, text=text, groups=json.loads(groups), redactions=n)
                    for rid, text, groups, n in rows
                ],
            )

        return self._run(work, write=False)

    def corrections(self, name: str, framework_id: str) -> dict[str, list[str]]:
        """An officer's criteria for each reviewed response (an empty list: none apply)."""

        def work(conn: Connection) -> dict[str, list[str]]:
            cid = self._consultation_id(conn, name)
            t = corrections_table
            rows = conn.execute(
                select(t.c.response_id, t.c.criteria).where(
                    (t.c.consultation_id == cid) & (t.c.framework_id == framework_id)
                )
            )
            return {rid: json.loads(criteria) for rid, criteria in rows}

        return self._run(work, write=False)

    def set_corrections(
        self,
        name: str,
        framework_id: str,
        corrections: dict[str, list[str] | None],
        by: str | None = None,
        when: dt.datetime | None = None,
    ) -> None:
        """Record corrections in one transaction: a list replaces, None removes one."""
        stamp = _stamp(when)

        def work(conn: Connection) -> None:
            cid = self._consultation_id(conn, name)
            t = corrections_table
            for rid, criteria in corrections.items():
                conn.execute(
                    delete(t).where(
                        (t.c.consultation_id == cid)
                        & (t.c.framework_id == framework_id)
                        & (t.c.response_id == rid)
                    )
                )
                if criteria is not None:
                    conn.execute(
                        t.insert(),
                        {
                            "consultation_id": cid,
                            "framework_id": framework_id,
                            "response_id": rid,
                            "criteria": json.dumps(criteria),
                            "reviewed_at": stamp,
                            "reviewed_by": by,
                        },
                    )

        self._run(work, write=True)
