"""Assessments being filled in on the web, and their evidence register.

A draft is one unit-period's answers (an `Assessment`) with a status and a version
number. Every save names the version it started from; a save from a stale copy is
refused (`StaleError`, carrying what is saved now), so nothing is silently overwritten.
Evidence files are kept in the store itself, by the SHA-256 of their content: copying
the store copies them, and the same file attached twice is kept once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection, insert, select, update

from maturity.core.assessment import Assessment
from maturity.core.errors import MaturityError
from maturity.store.accounts import audit, now_text
from maturity.store.schema import web_drafts_table as drafts_table
from maturity.store.schema import web_evidence_table as evidence_table
from maturity.store.schema import web_files_table as files_table
from maturity.store.store import Store


@dataclass(frozen=True)
class Draft:
    """One unit-period's answers on the web, with its workflow status."""

    id: int
    framework: str
    unit: str
    period: str
    status: str
    version: int
    assessment: Assessment
    carried: frozenset[str]
    comment: str | None
    updated_at: str
    updated_by: str
    respondent: str = ""
    """Whose answers these are (their email); '' for a team draft shared by everyone."""


class StaleError(MaturityError):
    """A save made on a copy someone else has saved over since; `current` is theirs."""

    def __init__(self, current: Draft) -> None:
        super().__init__(
            f"{current.updated_by} saved this assessment at {current.updated_at} "
            "after you opened it; your changes were not saved"
        )
        self.current = current


def _draft(row: Any) -> Draft:
    return Draft(
        id=row.id,
        framework=row.framework,
        unit=row.unit,
        period=row.period,
        status=row.status,
        version=row.version,
        assessment=Assessment.model_validate_json(row.assessment, strict=False),
        carried=frozenset(json.loads(row.carried)),
        comment=row.comment,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        respondent=row.respondent,
    )


def _json(assessment: Assessment) -> str:
    return assessment.model_dump_json(exclude_none=True)


def create_draft(
    store: Store,
    assessment: Assessment,
    framework: str,
    carried: set[str],
    by: str,
    respondent: str = "",
) -> int:
    """Start a respondent's draft of a unit-period; refuse a second one of theirs."""

    def work(conn: Connection) -> int:
        d = drafts_table
        exists = conn.execute(
            select(d.c.id).where(
                (d.c.unit == assessment.unit)
                & (d.c.period == assessment.period)
                & (d.c.respondent == respondent)
            )
        ).first()
        if exists:
            whose = f" by {respondent}" if respondent else ""
            raise MaturityError(
                f"{assessment.unit} {assessment.period} has already been started{whose}"
            )
        result = conn.execute(
            insert(d).values(
                framework=framework,
                unit=assessment.unit,
                period=assessment.period,
                status="in_progress",
                version=1,
                assessment=_json(assessment),
                carried=json.dumps(sorted(carried)),
                updated_at=now_text(),
                updated_by=by,
                respondent=respondent,
            )
        )
        new_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        audit(
            conn,
            by,
            "start assessment",
            f"{assessment.unit} {assessment.period}",
            None,
            {"carried_over": len(carried)},
        )
        return new_id

    return store._run(work, write=True)


def get_draft(store: Store, draft_id: int) -> Draft | None:
    stmt = select(drafts_table).where(drafts_table.c.id == draft_id)
    row = store._run(lambda conn: conn.execute(stmt).first(), write=False)
    return None if row is None else _draft(row)


def all_drafts(store: Store) -> list[Draft]:
    d = drafts_table
    stmt = select(d).order_by(d.c.unit, d.c.period, d.c.respondent)
    return store._run(lambda conn: [_draft(r) for r in conn.execute(stmt)], write=False)


def save_draft(
    store: Store,
    draft_id: int,
    expected_version: int,
    by: str,
    action: str,
    assessment: Assessment | None = None,
    carried: set[str] | None = None,
    status: str | None = None,
    comment: str | None = None,
) -> Draft:
    """Save a change made on version `expected_version`; a stale one raises `StaleError`.

    The version check and the write are one UPDATE, so two saves cannot both win.
    The audit log gets what changed, before and after.
    """

    def work(conn: Connection) -> Draft:
        d = drafts_table
        before_row = conn.execute(select(d).where(d.c.id == draft_id)).first()
        if before_row is None:
            raise MaturityError(f"no assessment {draft_id}")
        before = _draft(before_row)
        values: dict[str, Any] = {
            "version": expected_version + 1,
            "updated_at": now_text(),
            "updated_by": by,
        }
        if assessment is not None:
            values["assessment"] = _json(assessment)
        if carried is not None:
            values["carried"] = json.dumps(sorted(carried))
        if status is not None:
            values["status"] = status
        if comment is not None:
            values["comment"] = comment
        done = conn.execute(
            update(d).where((d.c.id == draft_id) & (d.c.version == expected_version)).values(values)
        )
        if done.rowcount != 1:
            raise StaleError(before)
        after = _draft(conn.execute(select(d).where(d.c.id == draft_id)).one())
        audit(conn, by, action, f"{before.unit} {before.period}", *_changes(before, after))
        return after

    return store._run(work, write=True)


def _changes(before: Draft, after: Draft) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only what differs between two versions: status, comment and changed responses."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for field in ("status", "comment"):
        if getattr(before, field) != getattr(after, field):
            old[field], new[field] = getattr(before, field), getattr(after, field)
    a, b = before.assessment.responses, after.assessment.responses
    for ref in sorted(set(a) | set(b)):
        if a.get(ref) != b.get(ref):
            old[ref] = a[ref].model_dump(exclude_none=True) if ref in a else None
            new[ref] = b[ref].model_dump(exclude_none=True) if ref in b else None
    return old, new


@dataclass(frozen=True)
class Evidence:
    """An entry in a draft's evidence register: text, a link or a file."""

    id: int
    draft_id: int
    ref: str
    kind: str
    text: str
    filename: str | None
    media_type: str | None
    sha256: str | None
    size: int | None
    added_by: str
    added_at: str


def add_evidence(
    store: Store,
    draft: Draft,
    ref: str,
    kind: str,
    text: str,
    by: str,
    file: tuple[str, str, bytes] | None = None,
) -> int:
    """Add an evidence entry; a file (name, media type, content) is kept by its hash."""

    def work(conn: Connection) -> int:
        row: dict[str, Any] = {
            "draft_id": draft.id,
            "ref": ref,
            "kind": kind,
            "text": text,
            "added_by": by,
            "added_at": now_text(),
        }
        if file is not None:
            name, media_type, content = file
            digest = hashlib.sha256(content).hexdigest()
            known = conn.execute(
                select(files_table.c.sha256).where(files_table.c.sha256 == digest)
            ).first()
            if known is None:
                conn.execute(insert(files_table).values(sha256=digest, content=content))
            row |= {
                "filename": name,
                "media_type": media_type,
                "sha256": digest,
                "size": len(content),
            }
        result = conn.execute(insert(evidence_table).values(row))
        audit(
            conn,
            by,
            "add evidence",
            f"{draft.unit} {draft.period} {ref}",
            None,
            {k: v for k, v in row.items() if k not in ("draft_id", "added_at")},
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    return store._run(work, write=True)


# The register's columns in the order of `Evidence`'s fields.
_EVIDENCE = [evidence_table.c[field.name] for field in fields(Evidence)]


def evidence_for(store: Store, draft_id: int) -> list[Evidence]:
    e = evidence_table
    stmt = select(*_EVIDENCE).where(e.c.draft_id == draft_id).order_by(e.c.ref, e.c.id)
    return store._run(lambda conn: [Evidence(*r) for r in conn.execute(stmt)], write=False)


def evidence_entry(store: Store, evidence_id: int) -> Evidence | None:
    stmt = select(*_EVIDENCE).where(evidence_table.c.id == evidence_id)
    row = store._run(lambda conn: conn.execute(stmt).first(), write=False)
    return None if row is None else Evidence(*row)


def file_content(store: Store, sha256: str) -> bytes:
    stmt = select(files_table.c.content).where(files_table.c.sha256 == sha256)
    content = store._run(lambda conn: conn.execute(stmt).scalar(), write=False)
    if content is None:
        raise MaturityError(f"the store has no file {sha256}")
    return bytes(content)
