"""Writing to the store: content hashes, checked files, and adding each as a new version.

The content hash is the SHA-256 of the canonical assessment JSON, not of the file's
bytes: re-saving a YAML file with other spacing or comments is `unchanged`, and an
exported store imports back as `unchanged`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Table,
    bindparam,
    exists,
    func,
    select,
    text,
    update,
)

from maturity.core.assessment import Assessment
from maturity.core.errors import MaturityError
from maturity.core.framework import Framework
from maturity.core.respondents import Submission, merge_submissions, respondent_of
from maturity.core.review import ModerationRecord, Status, apply_moderation
from maturity.core.scoring import Score, score
from maturity.store import score_json as score_json_module
from maturity.store.connection import StoreBase
from maturity.store.schema import (
    frameworks_table,
    moderations_table,
    review_table,
    submissions_table,
    units_table,
    versions_table,
)


class RejectedError(MaturityError):
    """The store refuses this one assessment; other imports may go ahead."""


# Statements used for every import, built once: building them costs more than running them.
_FRAMEWORK_HASH = select(frameworks_table.c.content_hash).where(
    (frameworks_table.c.id == bindparam("k_fid"))
    & (frameworks_table.c.version == bindparam("k_fver"))
)


def _keyed(table: Table) -> ColumnElement[bool]:
    return (
        (table.c.framework_id == bindparam("k_fid"))
        & (table.c.unit == bindparam("k_unit"))
        & (table.c.period == bindparam("k_period"))
    )


_S, _V, _M, _R = submissions_table, versions_table, moderations_table, review_table
_MINE = _keyed(_S) & (_S.c.respondent == bindparam("k_resp"))
_LIVE = _keyed(_S) & _S.c.current & ~_S.c.withdrawn
# Every respondent's current submission of a unit-period (withdrawals too): a few rows.
_SUBMITTED = select(
    _S.c.respondent, _S.c.version, _S.c.content_hash, _S.c.framework_version, _S.c.withdrawn
).where(_keyed(_S) & _S.c.current)
_SUB_RETIRE = update(_S).where(_MINE & _S.c.current).values(current=False)
_LIVE_VERSIONS = select(_S.c.framework_version).where(_LIVE)
_LIVE_COUNT = select(func.count()).where(_LIVE)
_LIVE_ROWS = select(
    _S.c.respondent, _S.c.respondent_group, _S.c.version, _S.c.assessment, _S.c.framework_version
).where(_LIVE)
_MODERATIONS = (
    select(_M.c.criterion, _M.c.level, _M.c.reason, _M.c.moderator, _M.c.moderated_on)
    .where(_keyed(_M))
    .order_by(_M.c.id)
)
_CURRENT = select(_V.c.version, _V.c.content_hash, _V.c.framework_version).where(
    _keyed(_V) & _V.c.current
)
# The current result's version, hash and framework version, and whether any moderation
# is recorded: what a merge needs to know, in one round trip.
_STATE = select(
    _CURRENT.with_only_columns(_V.c.version).scalar_subquery(),
    _CURRENT.with_only_columns(_V.c.content_hash).scalar_subquery(),
    _CURRENT.with_only_columns(_V.c.framework_version).scalar_subquery(),
    exists().where(_keyed(_M)),
)
_LATEST = select(func.max(_V.c.version)).where(_keyed(_V))
_RETIRE = update(_V).where(_keyed(_V) & _V.c.current).values(current=False)
_LAST_STEP = select(_R.c.status).where(_keyed(_R)).order_by(_R.c.id.desc()).limit(1)
_UNIT = select(units_table.c.path).where(units_table.c.path == bindparam("k_path"))
_KEY_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")


def canonical_json(data: Any) -> str:
    """JSON with sorted keys and no spaces: equal content, equal text, equal hash."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# Fields added in schema 2, left out while at their defaults so that content stored
# before them keeps its hash.
_LATER_FIELDS = ("respondent", "group")


def assessment_json(assessment: Assessment) -> str:
    """The assessment's canonical JSON, as stored and hashed."""
    data = assessment.model_dump(mode="json")
    for key in _LATER_FIELDS:
        if data.get(key) is None:
            data.pop(key, None)
    for response in data["responses"].values():
        if not response.get("carried_over"):
            response.pop("carried_over", None)
    return canonical_json(data)


def content_hash(assessment: Assessment) -> str:
    """SHA-256 of the assessment's canonical JSON (see the module docstring)."""
    return hashlib.sha256(assessment_json(assessment).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Outcome:
    """What importing one assessment did."""

    status: Literal["imported", "unchanged", "revised"]
    version: int | None
    """The unit-period's result version now current; None when no submission counts."""
    previous: int | None = None
    """The result version that was current before, when a new one was made."""
    new_unit: bool = False
    """Whether the unit was never seen by the store before."""
    respondents: int = 1
    """Respondents whose current submissions make the result."""


class Writing(StoreBase):
    """Adding scored assessments as new versions."""

    def __init__(self, engine: Engine, name: str) -> None:
        super().__init__(engine, name)
        self._frameworks: dict[int, tuple[Framework, str, str]] = {}
        self._stored: dict[str, Framework] = {}  # stored definitions, parsed once
        # Units known to be in the store, so that an import asks once per unit. Units are
        # never deleted; one renamed by another process meanwhile is added back by the
        # next store that has not seen it.
        self._units_seen: set[str] = set()
        self._frameworks_seen: set[tuple[str, str, str]] = set()  # id, version, hash

    def _definition(self, fw: Framework) -> tuple[str, str]:
        """The framework's canonical JSON and its hash, worked out once per framework."""
        known = self._frameworks.get(id(fw))
        if known is None or known[0] is not fw:
            definition = canonical_json(fw.model_dump(mode="json"))
            digest = hashlib.sha256(definition.encode("utf-8")).hexdigest()
            known = self._frameworks[id(fw)] = (fw, definition, digest)
        return known[1], known[2]

    def add(
        self,
        assessment: Assessment,
        fw: Framework,
        result: Score,
        source: str,
        by: str | None = None,
        when: dt.datetime | None = None,
    ) -> Outcome:
        """Store one scored assessment as a new version, in one transaction.

        Identical content already current (same hash, same framework version) is
        `unchanged` and writes nothing; otherwise the new version becomes current.
        """
        return self.store(Checked.of(Path(source), assessment, fw, result), by, when)

    def store(
        self,
        item: Checked,
        by: str | None = None,
        when: dt.datetime | None = None,
        strict_units: bool = False,
    ) -> Outcome:
        """Store one checked file as its respondent's submission, in one transaction.

        The same content already current for that respondent is `unchanged` and writes
        nothing. Otherwise the submission gets a new version (`imported` for a new
        respondent, `revised` for a known one) and the unit-period's result is merged
        again from the current submissions; a changed result becomes a new current
        version. With `strict_units`, a unit the store has never seen is refused.
        """
        fw = item.framework
        definition, fw_hash = self._definition(fw)
        stamp = utc_stamp(when)

        def work(conn: Connection) -> Outcome:
            key = Key(fw.id, item.unit, item.period)
            key.lock(conn)
            self._ensure_framework(conn, fw, definition, fw_hash)
            mine = {**key.params(), "k_resp": item.respondent}
            submitted = conn.execute(_SUBMITTED, mine).all()
            current = next((r[1:4] for r in submitted if r[0] == item.respondent), None)
            if current is not None and (current[1], current[2]) == (item.content_hash, fw.version):
                result = conn.execute(_CURRENT, key.params()).first()
                live = sum(1 for r in submitted if not r[4])
                return Outcome("unchanged", result[0] if result else None, respondents=live)
            new_unit = self._note_unit(conn, item.unit, stamp, strict_units)
            others = [r for r in submitted if r[0] != item.respondent and not r[4]]
            for respondent, _, _, version, _ in others:
                if version != fw.version:
                    raise RejectedError(
                        f"{item.unit} {item.period}: respondent '{respondent}' answered "
                        f"{fw.id}@{version}, this file {fw.ref}; respondents of one unit and "
                        "period must use one framework version (withdraw the other first)"
                    )
            # The latest version is the current one (a withdrawal is one too); the unit-period
            # is held (see Key.lock), and a unique key catches any writer that was not.
            number = 1 if current is None else current[0] + 1
            if current is not None:
                conn.execute(_SUB_RETIRE, mine)
            conn.execute(
                submissions_table.insert(),
                {**key.row(), "framework_version": fw.version, "respondent": item.respondent,
                 "respondent_group": item.group, "version": number, "current": True,
                 "withdrawn": False, "imported_at": stamp, "imported_by": by or item.submitted_by,
                 "source": item.path.name, "content_hash": item.content_hash,
                 "assessment": item.assessment_json},
            )  # fmt: skip
            made = self._remerge(
                conn, key, fw, stamp, by or item.submitted_by, item.path.name, item,
                f"a new submission by {item.respondent}", live=[fw.version] * (len(others) + 1),
            )  # fmt: skip
            return Outcome(
                "imported" if current is None else "revised",
                made.version,
                made.previous,
                new_unit,
                made.respondents,
            )

        return self._run(work, write=True)

    def _ensure_framework(
        self, conn: Connection, fw: Framework, definition: str, fw_hash: str
    ) -> None:
        if (fw.id, fw.version, fw_hash) in self._frameworks_seen:
            return
        known = conn.execute(_FRAMEWORK_HASH, {"k_fid": fw.id, "k_fver": fw.version}).scalar()
        if known == fw_hash:  # stored frameworks never change: no need to ask again
            self._frameworks_seen.add((fw.id, fw.version, fw_hash))
        if known is None:
            conn.execute(
                frameworks_table.insert(),
                {"id": fw.id, "version": fw.version, "definition": definition,
                 "content_hash": fw_hash},
            )  # fmt: skip
        elif known != fw_hash:
            raise RejectedError(
                f"framework '{fw.id}' version {fw.version} differs from the one already in "
                f"{self.name}; give a changed framework a new version"
            )

    def _note_unit(self, conn: Connection, unit: str, stamp: str, strict: bool) -> bool:
        """Record a unit (and the units above it) the store has not seen; whether it was new."""
        u = units_table
        if unit in self._units_seen:
            return False
        if conn.execute(_UNIT, {"k_path": unit}).first() is not None:
            self._units_seen.add(unit)
            return False
        if strict:
            raise RejectedError(
                f"'{unit}' is a new unit; check the unit, or import without --strict-units "
                "to add it"
            )
        parts = unit.split("/")
        paths = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        known = {r[0] for r in conn.execute(select(u.c.path).where(u.c.path.in_(paths)))}
        new = [{"path": p, "added_at": stamp} for p in paths if p not in known]
        if new:  # another importer may have added them since the lookup above
            conn.execute(u.insert(), new)
        return True

    def _framework_of(self, conn: Connection, framework_id: str, version: str) -> Framework:
        f = frameworks_table
        text = conn.execute(
            select(f.c.definition).where((f.c.id == framework_id) & (f.c.version == version))
        ).scalar_one()
        cached = self._stored.get(text)
        if cached is None:
            cached = self._stored[text] = Framework.model_validate_json(text, strict=False)
        return cached

    def _remerge(
        self,
        conn: Connection,
        key: Key,
        fw: Framework | None,
        stamp: str,
        by: str | None,
        source: str,
        item: Checked | None = None,
        reopen: str | None = None,
        live: list[str] | None = None,
    ) -> Made:
        """Merge the unit-period's current submissions again; a changed result is a new version.

        One submission and no moderation: the result is the checked file as scored on
        import (no second scoring). Otherwise the submissions are merged by the
        framework's rule, moderation is applied, and the merge is scored. `live` is the
        framework versions of the live submissions, when the caller has just read them.
        """
        keys = key.params()
        versions = live if live is not None else conn.execute(_LIVE_VERSIONS, keys).scalars().all()
        number_now, hash_now, version_now, any_moderation = conn.execute(_STATE, keys).one()
        current = None if number_now is None else (number_now, hash_now, version_now)
        moderated = conn.execute(_MODERATIONS, keys).all() if any_moderation else []
        previous = None if current is None else current[0]
        if not versions:
            if current is not None:
                conn.execute(_RETIRE, keys)
            return Made(None, previous, 0)
        if fw is None or fw.version != versions[0]:
            fw = self._framework_of(conn, key.framework_id, versions[0])
        if item is not None and len(versions) == 1 and not moderated:
            # The one submission is the checked file itself: no need to read it back.
            merged_json, digest = item.assessment_json, item.content_hash
            score_json, summary_json = item.score_json, item.summary_json
            respondents, overall = item.respondents, (item.overall_score, item.overall_level)
        else:
            rows = conn.execute(_LIVE_ROWS, keys).all()
            result, merged_json = _merged(fw, rows, moderated)
            digest = hashlib.sha256(merged_json.encode("utf-8")).hexdigest()
            score_json, summary_json = (
                score_json_module.dumps(result),
                score_json_module.summary(result),
            )
            respondents, overall = result.respondents, (result.overall.score, result.overall.level)
        if current is not None and (current[1], current[2]) == (digest, fw.version):
            return Made(previous, None, len(versions))
        if current is not None:
            number = current[0] + 1
        else:  # none current (every submission was withdrawn), or none yet
            number = (conn.execute(_LATEST, keys).scalar() or 0) + 1
        if current is not None:
            conn.execute(_RETIRE, keys)
        conn.execute(
            versions_table.insert(),
            {**key.row(), "framework_version": fw.version, "version": number, "current": True,
             "imported_at": stamp, "imported_by": by, "source": source, "content_hash": digest,
             "respondents": respondents, "overall_score": overall[0], "overall_level": overall[1],
             "assessment": merged_json, "score": score_json, "summary": summary_json},
        )  # fmt: skip
        if reopen is not None and current is not None:
            self._reopen(conn, key, number, stamp, by, reopen)
        return Made(number, previous, len(versions))

    def _reopen(
        self, conn: Connection, key: Key, number: int, stamp: str, by: str | None, what: str
    ) -> None:
        """A result that `what` changed after validation goes back, as a recorded step."""
        r = review_table
        last = conn.execute(_LAST_STEP, key.params()).scalar()
        if last is None or Status(last) not in (Status.VALIDATED, Status.APPROVED):
            return
        conn.execute(
            r.insert(),
            {**key.row(), "status": Status.RETURNED.value, "by": by or "maturity import",
             "at": stamp, "result_version": number,
             "comment": f"{what} changed the {last} result (now version {number}); "
                        "review it again"},
        )  # fmt: skip


@dataclass(frozen=True)
class Key:
    """A unit-period of one framework: what submissions, results and reviews belong to."""

    framework_id: str
    unit: str
    period: str

    def where(self, table: Table) -> ColumnElement[bool]:
        return (
            (table.c.framework_id == self.framework_id)
            & (table.c.unit == self.unit)
            & (table.c.period == self.period)
        )

    def lock(self, conn: Connection) -> None:
        """Hold the unit-period for the rest of the transaction (PostgreSQL).

        A submission's write reads the unit-period's other submissions and its current
        result, then merges: two writers at once would each merge without the other's
        submission. SQLite lets one writer in at a time already; on PostgreSQL the
        writers of one unit-period take turns, and those of different ones do not wait.
        """
        if conn.dialect.name == "postgresql":
            conn.execute(_KEY_LOCK, {"key": f"{self.framework_id}\x1f{self.unit}\x1f{self.period}"})

    def params(self) -> dict[str, str]:
        """The values of the statements built once (`k_fid`, `k_unit`, `k_period`)."""
        return {"k_fid": self.framework_id, "k_unit": self.unit, "k_period": self.period}

    def row(self) -> dict[str, str]:
        return {"framework_id": self.framework_id, "unit": self.unit, "period": self.period}


@dataclass(frozen=True)
class Made:
    """What merging again did: the result version current now, the one before, respondents."""

    version: int | None
    previous: int | None
    respondents: int


def utc_stamp(when: dt.datetime | None) -> str:
    return (when or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _merged(fw: Framework, rows: Sequence[Any], moderated: Sequence[Any]) -> tuple[Score, str]:
    """The merged, moderated and scored result of submission rows, with its canonical JSON."""
    submissions = [
        Submission(
            respondent=respondent,
            version=version,
            assessment=Assessment.model_validate_json(text, strict=False),
            group=group,
        )
        for respondent, group, version, text, _ in rows
    ]
    merged = merge_submissions(fw, submissions)
    assert merged is not None  # rows are the live submissions, and there is at least one
    records = [
        ModerationRecord(
            criterion=criterion,
            level=level,
            reason=reason,
            moderator=moderator,
            on=dt.date.fromisoformat(on),
        )
        for criterion, level, reason, moderator, on in moderated
    ]
    assessment = apply_moderation(merged.assessment, records)
    result = score(fw, assessment, merged.spreads)
    return result, assessment_json(assessment)


@dataclass(frozen=True)
class Checked:
    """A file that passed every check, scored, kept as text ready to store.

    Text, not models: an import validates every file before storing any, and ten
    thousand scored models would take gigabytes where their JSON takes a hundred MB.
    """

    path: Path
    framework: Framework
    unit: str
    period: str
    respondents: int
    submitted_by: str | None
    respondent: str
    group: str | None
    assessment_json: str
    content_hash: str
    score_json: str
    summary_json: str
    overall_score: float | None
    overall_level: str | None
    registered: bool = False

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent between processes with the framework by reference (`id@version`): a framework
        # is 100 KB of JSON, and the receiving process loads each one once.
        # A framework registered in the store is not on disk: it travels as its JSON.
        fields = {k: v for k, v in self.__dict__.items() if k != "framework"}
        if self.registered:
            return (_checked_from, (self.framework.ref, fields, self.framework.model_dump_json()))
        return (_checked_from, (self.framework.ref, fields))

    @classmethod
    def of(
        cls,
        path: Path,
        assessment: Assessment,
        fw: Framework,
        result: Score,
        registered: bool = False,
    ) -> Checked:
        """A checked file ready to store; its respondent is named in it, or is the file's name.

        The respondent is written into the stored assessment, so an exported file names it
        and imports back as the same submission.
        """
        respondent = respondent_of(assessment, path.stem)
        assessment = assessment.model_copy(update={"respondent": respondent})
        text = assessment_json(assessment)
        return cls(
            path=path,
            framework=fw,
            unit=assessment.unit,
            period=assessment.period,
            respondents=assessment.respondents,
            submitted_by=assessment.submitted_by,
            respondent=respondent,
            group=assessment.group,
            assessment_json=text,
            content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            score_json=score_json_module.dumps(result),
            summary_json=score_json_module.summary(result),
            overall_score=result.overall.score,
            overall_level=result.overall.level,
            registered=registered,
        )


_RECEIVED: dict[str, Framework] = {}  # registered frameworks received, parsed once per process


def _checked_from(
    framework_ref: str, fields: dict[str, Any], definition: str | None = None
) -> Checked:
    from maturity.files.catalog import load_framework

    if definition is None:
        return Checked(framework=load_framework(framework_ref), **fields)
    fw = _RECEIVED.get(definition)
    if fw is None:
        fw = _RECEIVED[definition] = Framework.model_validate_json(definition, strict=False)
    return Checked(framework=fw, **fields)
