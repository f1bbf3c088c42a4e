"""Writing to the store: content hashes, checked files, and adding each as a new version.

The content hash is the SHA-256 of the canonical assessment JSON, not of the file's
bytes: re-saving a YAML file with other spacing or comments is `unchanged`, and an
exported store imports back as `unchanged`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Engine, bindparam, func, select, update

from maturity.core.assessment import Assessment
from maturity.core.errors import MaturityError
from maturity.core.framework import Framework
from maturity.core.scoring import Score
from maturity.store.connection import StoreBase
from maturity.store.schema import frameworks_table, versions_table


class RejectedError(MaturityError):
    """The store refuses this one assessment; other imports may go ahead."""


# Statements used for every import, built once.
_KEY = (
    (versions_table.c.framework_id == bindparam("k_fid"))
    & (versions_table.c.unit == bindparam("k_unit"))
    & (versions_table.c.period == bindparam("k_period"))
)
_FRAMEWORK_HASH = select(frameworks_table.c.content_hash).where(
    (frameworks_table.c.id == bindparam("k_fid"))
    & (frameworks_table.c.version == bindparam("k_fver"))
)
_CURRENT = select(
    versions_table.c.version, versions_table.c.content_hash, versions_table.c.framework_version
).where(_KEY & versions_table.c.current)
_LATEST = select(func.max(versions_table.c.version)).where(_KEY)
_RETIRE = update(versions_table).where(_KEY & versions_table.c.current).values(current=False)


def canonical_json(data: Any) -> str:
    """JSON with sorted keys and no spaces: equal content, equal text, equal hash."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(assessment: Assessment) -> str:
    """SHA-256 of the assessment's canonical JSON (see the module docstring)."""
    text = canonical_json(assessment.model_dump(mode="json"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Outcome:
    """What importing one assessment did."""

    status: Literal["imported", "unchanged", "revised"]
    version: int
    previous: int | None = None


class Writing(StoreBase):
    """Adding scored assessments as new versions."""

    def __init__(self, engine: Engine, name: str) -> None:
        super().__init__(engine, name)
        self._frameworks: dict[int, tuple[Framework, str, str]] = {}

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
        self, item: Checked, by: str | None = None, when: dt.datetime | None = None
    ) -> Outcome:
        """Store one checked file as a new version (see `add`), in one transaction."""
        fw = item.framework
        digest = item.content_hash
        definition, fw_hash = self._definition(fw)
        stamp = (when or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        keys = {"k_fid": fw.id, "k_unit": item.unit, "k_period": item.period}

        def work(conn: Connection) -> Outcome:
            known = conn.execute(_FRAMEWORK_HASH, {"k_fid": fw.id, "k_fver": fw.version}).scalar()
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
            current = conn.execute(_CURRENT, keys).first()
            if current is not None and (current[1], current[2]) == (digest, fw.version):
                return Outcome("unchanged", current[0])
            number = (conn.execute(_LATEST, keys).scalar() or 0) + 1
            if current is not None:
                conn.execute(_RETIRE, keys)
            row = {
                "framework_id": fw.id,
                "framework_version": fw.version,
                "unit": item.unit,
                "period": item.period,
                "version": number,
                "current": True,
                "imported_at": stamp,
                "imported_by": by or item.submitted_by,
                "source": item.path.name,
                "content_hash": digest,
                "respondents": item.respondents,
                "overall_score": item.overall_score,
                "overall_level": item.overall_level,
                "assessment": item.assessment_json,
                "score": item.score_json,
                "summary": item.summary_json,
            }
            conn.execute(versions_table.insert(), row)
            if current is None:
                return Outcome("imported", number)
            return Outcome("revised", number, current[0])

        return self._run(work, write=True)


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
    assessment_json: str
    content_hash: str
    score_json: str
    summary_json: str
    overall_score: float | None
    overall_level: str | None

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent between processes with the framework by reference (`id@version`): a framework
        # is 100 KB of JSON, and the receiving process loads each one once.
        fields = {k: v for k, v in self.__dict__.items() if k != "framework"}
        return (_checked_from, (self.framework.ref, fields))

    @classmethod
    def of(cls, path: Path, assessment: Assessment, fw: Framework, result: Score) -> Checked:
        text = canonical_json(assessment.model_dump(mode="json"))
        return cls(
            path=path,
            framework=fw,
            unit=assessment.unit,
            period=assessment.period,
            respondents=assessment.respondents,
            submitted_by=assessment.submitted_by,
            assessment_json=text,
            content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            score_json=result.model_dump_json(),
            summary_json=result.model_copy(update={"criteria": []}).model_dump_json(),
            overall_score=result.overall.score,
            overall_level=result.overall.level,
        )


def _checked_from(framework_ref: str, fields: dict[str, Any]) -> Checked:
    from maturity.files.catalog import load_framework

    return Checked(framework=load_framework(framework_ref), **fields)
