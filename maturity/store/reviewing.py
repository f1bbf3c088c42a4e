"""Respondents' submissions, review steps and moderation records of a unit-period.

Everything here is added, never overwritten: a withdrawal is a new submission version,
a review step and a moderation record are new rows. Whatever changes the result
(a withdrawal, a moderation) merges the unit-period again, as an import does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select, update

from maturity.core.assessment import Assessment
from maturity.core.errors import MaturityError
from maturity.core.framework import NOT_APPLICABLE
from maturity.core.respondents import Merged, Submission, merge_submissions
from maturity.core.review import ModerationRecord, ReviewStep, Status, advance
from maturity.core.scoring import Score
from maturity.store import score_json
from maturity.store.schema import (
    moderations_table,
    review_table,
    submissions_table,
    versions_table,
)
from maturity.store.writing import Key, Outcome, Writing, utc_stamp


@dataclass(frozen=True)
class StoredSubmission:
    """One version of one respondent's submission; a withdrawal has no assessment."""

    framework_id: str
    framework_version: str
    unit: str
    period: str
    respondent: str
    group: str | None
    version: int
    current: bool
    withdrawn: bool
    imported_at: str
    imported_by: str | None
    source: str
    content_hash: str | None
    assessment: Assessment | None


@dataclass(frozen=True)
class StoredStep:
    """A review step as stored: the step, and the result version it was taken on."""

    step: ReviewStep
    result_version: int | None


class Reviewing(Writing):
    """Submissions, withdrawals, review steps and moderation of unit-periods."""

    def submissions(
        self,
        framework_id: str,
        unit: str,
        period: str,
        all_versions: bool = False,
    ) -> list[StoredSubmission]:
        """A unit-period's submissions: current ones (withdrawals included), or every version.

        Ordered by respondent, then version.
        """
        s = submissions_table
        where = Key(framework_id, unit, period).where(s)
        if not all_versions:
            where = where & s.c.current
        stmt = select(*_SUBMISSION_COLUMNS).where(where).order_by(s.c.respondent, s.c.version)
        rows = self._run(lambda conn: conn.execute(stmt).all(), write=False)
        return [_submission(row) for row in rows]

    def all_submissions(self, all_versions: bool = False) -> list[StoredSubmission]:
        """Every submission that is not withdrawn: current ones, or every version in the order
        they were stored (replaying them in that order rebuilds the results), for export."""
        s = submissions_table
        where = ~s.c.withdrawn
        if not all_versions:
            where = where & s.c.current
        stmt = (
            select(*_SUBMISSION_COLUMNS)
            .where(where)
            .order_by(s.c.framework_id, s.c.period, s.c.unit, s.c.id)
        )
        rows = self._run(lambda conn: conn.execute(stmt).all(), write=False)
        return [_submission(row) for row in rows]

    def spread(self, framework_id: str, unit: str, period: str) -> Merged | None:
        """The merge of a unit-period's current submissions, with the spread per criterion
        and per respondent group; None when no submission counts."""
        current = self.submissions(framework_id, unit, period)
        live = [s for s in current if not s.withdrawn]
        if not live:
            return None
        fw = self._run(
            lambda conn: self._framework_of(conn, framework_id, live[0].framework_version),
            write=False,
        )
        return merge_submissions(
            fw,
            [Submission(s.respondent, s.version, s.assessment, s.group) for s in current],
        )

    def withdraw(
        self,
        framework_id: str,
        unit: str,
        period: str,
        respondent: str,
        by: str,
        when: dt.datetime | None = None,
    ) -> Outcome:
        """Withdraw a respondent's submission: a new version without content; the result is
        merged again without it (no result at all when it was the last one)."""
        stamp = utc_stamp(when)
        key = Key(framework_id, unit, period)

        def work(conn: Connection) -> Outcome:
            key.lock(conn)
            s = submissions_table
            mine = key.where(s) & (s.c.respondent == respondent)
            current = conn.execute(
                select(s.c.version, s.c.withdrawn, s.c.framework_version).where(mine & s.c.current)
            ).first()
            if current is None:
                known = conn.execute(
                    select(s.c.respondent).distinct().where(key.where(s) & s.c.current)
                ).scalars()
                raise MaturityError(
                    f"no submission by '{respondent}' for {unit} {period} "
                    f"(respondents: {', '.join(sorted(known)) or 'none'})"
                )
            if current[1]:
                raise MaturityError(
                    f"the submission by '{respondent}' for {unit} {period} is already withdrawn"
                )
            conn.execute(update(s).where(mine & s.c.current).values(current=False))
            conn.execute(
                s.insert(),
                {**key.row(), "framework_version": current[2], "respondent": respondent,
                 "version": current[0] + 1, "current": True, "withdrawn": True,
                 "imported_at": stamp, "imported_by": by, "source": "withdrawn"},
            )  # fmt: skip
            made = self._remerge(
                conn, key, None, stamp, by, f"withdrawal of {respondent}", None,
                f"the withdrawal of {respondent}'s submission",
            )  # fmt: skip
            return Outcome("revised", made.version, made.previous, False, made.respondents)

        return self._run(work, write=True)

    def review_steps(self, framework_id: str, unit: str, period: str) -> list[StoredStep]:
        """A unit-period's review steps, oldest first."""
        r = review_table
        stmt = (
            select(r.c.status, r.c.by, r.c.at, r.c.comment, r.c.result_version)
            .where(Key(framework_id, unit, period).where(r))
            .order_by(r.c.id)
        )
        rows = self._run(lambda conn: conn.execute(stmt).all(), write=False)
        return [_step(row) for row in rows]

    def review(
        self,
        framework_id: str,
        unit: str,
        period: str,
        status: Status,
        by: str,
        comment: str | None = None,
        when: dt.datetime | None = None,
    ) -> StoredStep:
        """Record one review step (who, when, comment) on the current result.

        Refused (`ReviewError`) when the step skips a status, or returns without a
        comment; refused when the unit-period has no current result.
        """
        key = Key(framework_id, unit, period)
        at = (when or dt.datetime.now(dt.UTC)).replace(microsecond=0)

        def work(conn: Connection) -> StoredStep:
            key.lock(conn)
            v, r = versions_table, review_table
            version = conn.execute(select(v.c.version).where(key.where(v) & v.c.current)).scalar()
            if version is None:
                raise MaturityError(
                    f"no current {framework_id} result for {unit} {period} to review; "
                    "import its submissions first"
                )
            rows = conn.execute(
                select(r.c.status, r.c.by, r.c.at, r.c.comment, r.c.result_version)
                .where(key.where(r))
                .order_by(r.c.id)
            ).all()
            step = advance([_step(row).step for row in rows], status, by, comment, at)
            conn.execute(
                r.insert(),
                {**key.row(), "status": step.status.value, "by": step.by, "at": utc_stamp(step.at),
                 "comment": step.comment, "result_version": version},
            )  # fmt: skip
            return StoredStep(step, version)

        return self._run(work, write=True)

    def review_statuses(self, framework_id: str) -> dict[tuple[str, str], Status]:
        """Each reviewed unit-period's status, keyed by (unit, period); draft ones are absent."""
        r = review_table
        last = (
            select(func.max(r.c.id))
            .where(r.c.framework_id == framework_id)
            .group_by(r.c.unit, r.c.period)
        )
        stmt = select(r.c.unit, r.c.period, r.c.status).where(r.c.id.in_(last))
        rows = self._run(lambda conn: conn.execute(stmt).all(), write=False)
        return {(unit, period): Status(status) for unit, period, status in rows}

    def moderate(
        self,
        framework_id: str,
        unit: str,
        period: str,
        record: ModerationRecord,
        when: dt.datetime | None = None,
    ) -> Outcome:
        """Record a moderator's level for one criterion beside the team's answers.

        The submissions are untouched; the result is merged again with the latest
        moderation of each criterion counting, and a changed result is a new version.
        """
        key = Key(framework_id, unit, period)
        stamp = utc_stamp(when)

        def work(conn: Connection) -> Outcome:
            key.lock(conn)
            v = versions_table
            current = conn.execute(
                select(v.c.framework_version).where(key.where(v) & v.c.current)
            ).scalar()
            if current is None:
                raise MaturityError(
                    f"no current {framework_id} result for {unit} {period} to moderate"
                )
            fw = self._framework_of(conn, framework_id, current)
            if record.criterion not in fw.criteria:
                raise MaturityError(f"{fw.ref} has no criterion '{record.criterion}'")
            if record.level not in [*fw.level_ids, NOT_APPLICABLE]:
                raise MaturityError(
                    f"'{record.level}' is not a level of {fw.ref} "
                    f"({', '.join([*fw.level_ids, NOT_APPLICABLE])})"
                )
            conn.execute(
                moderations_table.insert(),
                {**key.row(), "criterion": record.criterion, "level": record.level,
                 "reason": record.reason, "moderator": record.moderator,
                 "moderated_on": record.on.isoformat(), "recorded_at": stamp},
            )  # fmt: skip
            made = self._remerge(
                conn, key, fw, stamp, record.moderator, f"moderation of {record.criterion}"
            )
            return Outcome("revised", made.version, made.previous, False, made.respondents)

        return self._run(work, write=True)

    def moderations(self, framework_id: str, unit: str, period: str) -> list[ModerationRecord]:
        """A unit-period's moderation records, oldest first (the last per criterion counts)."""
        m = moderations_table
        stmt = (
            select(m.c.criterion, m.c.level, m.c.reason, m.c.moderator, m.c.moderated_on)
            .where(Key(framework_id, unit, period).where(m))
            .order_by(m.c.id)
        )
        rows = self._run(lambda conn: conn.execute(stmt).all(), write=False)
        return [
            ModerationRecord(
                criterion=c, level=lv, reason=why, moderator=who, on=dt.date.fromisoformat(on)
            )
            for c, lv, why, who, on in rows
        ]

    def period_reviews(
        self, framework_id: str, period: str
    ) -> dict[str, tuple[list[ReviewStep], list[ModerationRecord]]]:
        """Every unit's review steps and moderation records for one period, oldest first."""
        r, m = review_table, moderations_table

        def work(conn: Connection) -> dict[str, tuple[list[ReviewStep], list[ModerationRecord]]]:
            found: dict[str, tuple[list[ReviewStep], list[ModerationRecord]]] = {}
            steps = conn.execute(
                select(r.c.unit, r.c.status, r.c.by, r.c.at, r.c.comment, r.c.result_version)
                .where((r.c.framework_id == framework_id) & (r.c.period == period))
                .order_by(r.c.id)
            ).all()
            for unit, *rest in steps:
                found.setdefault(unit, ([], []))[0].append(_step(rest).step)
            records = conn.execute(
                select(m.c.unit, m.c.criterion, m.c.level, m.c.reason, m.c.moderator,
                       m.c.moderated_on)
                .where((m.c.framework_id == framework_id) & (m.c.period == period))
                .order_by(m.c.id)
            ).all()  # fmt: skip
            for unit, criterion, level, reason, moderator, on in records:
                found.setdefault(unit, ([], []))[1].append(
                    ModerationRecord(
                        criterion=criterion,
                        level=level,
                        reason=reason,
                        moderator=moderator,
                        on=dt.date.fromisoformat(on),
                    )
                )
            return found

        return self._run(work, write=False)

    def result_frameworks(self, unit: str, period: str) -> list[str]:
        """The frameworks with a current result for a unit and period, by id."""
        v = versions_table
        stmt = (
            select(v.c.framework_id)
            .distinct()
            .where((v.c.unit == unit) & (v.c.period == period) & v.c.current)
            .order_by(v.c.framework_id)
        )
        return self._run(lambda conn: list(conn.execute(stmt).scalars()), write=False)

    def current_score(self, framework_id: str, unit: str, period: str) -> Score | None:
        """A unit-period's current result with its criteria; None when it has none."""
        v = versions_table
        stmt = select(v.c.score).where(Key(framework_id, unit, period).where(v) & v.c.current)
        text = self._run(lambda conn: conn.execute(stmt).scalar(), write=False)
        return None if text is None else score_json.loads(text)


_SUBMISSION_COLUMNS = [
    submissions_table.c[name]
    for name in ("framework_id", "framework_version", "unit", "period", "respondent",
                 "respondent_group", "version", "current", "withdrawn", "imported_at",
                 "imported_by", "source", "content_hash", "assessment")
]  # fmt: skip


def _submission(row: Any) -> StoredSubmission:
    values = dict(zip(StoredSubmission.__dataclass_fields__, row, strict=True))
    values["current"] = bool(values["current"])
    values["withdrawn"] = bool(values["withdrawn"])
    text = values["assessment"]
    values["assessment"] = (
        None if text is None else Assessment.model_validate_json(text, strict=False)
    )
    return StoredSubmission(**values)


def _step(row: Any) -> StoredStep:
    status, by, at, comment, version = row
    when = dt.datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    return StoredStep(ReviewStep(status=Status(status), by=by, at=when, comment=comment), version)
