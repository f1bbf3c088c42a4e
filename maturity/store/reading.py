"""Reading the store: a unit's history, current scores, and what a benchmark needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, select, true

from maturity.core.assessment import Assessment
from maturity.core.framework import Framework
from maturity.core.scoring import FrameworkRef, OverallScore, Score
from maturity.store import score_json
from maturity.store.connection import StoreBase
from maturity.store.schema import frameworks_table, versions_table


@dataclass(frozen=True)
class Version:
    """One stored version of an assessment, without its content."""

    framework_id: str
    framework_version: str
    unit: str
    period: str
    version: int
    current: bool
    imported_at: str
    imported_by: str | None
    source: str
    content_hash: str
    respondents: int
    overall_score: float | None
    overall_level: str | None


@dataclass(frozen=True)
class StoredAssessment:
    """A version with its assessment, for export."""

    info: Version
    assessment: Assessment


class Reading(StoreBase):
    """Queries over the stored versions."""

    def _versions(self, where: Any, columns: list[Any]) -> list[Any]:
        v = versions_table
        stmt = select(*columns).where(where).order_by(v.c.framework_id, v.c.period, v.c.version)
        return self._run(lambda conn: list(conn.execute(stmt)), write=False)

    def history(self, unit: str, framework_id: str | None = None) -> list[Version]:
        """Every version of a unit's assessments, oldest first within each period."""
        v = versions_table
        where = v.c.unit == unit
        if framework_id is not None:
            where = where & (v.c.framework_id == framework_id)
        return [_version(row) for row in self._versions(where, _INFO_COLUMNS)]

    def units_like(self, unit: str) -> list[str]:
        """Stored units under `unit` or whose last part matches it, for a helpful error."""
        v = versions_table
        last = unit.rsplit("/", 1)[-1].lower()

        def work(conn: Connection) -> list[str]:
            rows = conn.execute(select(v.c.unit).distinct().order_by(v.c.unit))
            return [
                r[0]
                for r in rows
                if r[0].startswith(unit + "/") or r[0].rsplit("/", 1)[-1].lower() == last
            ]

        return self._run(work, write=False)

    def framework_ids(self) -> list[str]:
        f = frameworks_table
        stmt = select(f.c.id).distinct().order_by(f.c.id)
        return self._run(lambda conn: [r[0] for r in conn.execute(stmt)], write=False)

    def frameworks(self, framework_id: str) -> list[Framework]:
        """Every stored version of a framework, as used by its scores."""
        f = frameworks_table
        stmt = select(f.c.definition).where(f.c.id == framework_id)
        rows = self._run(lambda conn: [r[0] for r in conn.execute(stmt)], write=False)
        return [Framework.model_validate_json(text, strict=False) for text in rows]

    def versions_in_use(self, framework_id: str) -> list[str]:
        """The framework versions behind the current scores."""
        v = versions_table
        stmt = (
            select(v.c.framework_version)
            .distinct()
            .where((v.c.framework_id == framework_id) & v.c.current)
        )
        return self._run(lambda conn: sorted(r[0] for r in conn.execute(stmt)), write=False)

    def periods(self, framework_id: str) -> list[str]:
        v = versions_table
        stmt = (
            select(v.c.period)
            .distinct()
            .where((v.c.framework_id == framework_id) & v.c.current)
            .order_by(v.c.period)
        )
        return self._run(lambda conn: [r[0] for r in conn.execute(stmt)], write=False)

    def scores(
        self,
        framework_id: str,
        periods: list[str] | None = None,
        with_criteria: bool = False,
    ) -> list[Score]:
        """The current scores of a framework, all periods or the ones given.

        Without criteria (the default) only domain and overall results are read: the
        benchmark needs no more, and it keeps a large store fast and small in memory.
        """
        v = versions_table
        column = v.c.score if with_criteria else v.c.summary
        where = (v.c.framework_id == framework_id) & v.c.current
        if periods is not None:
            where = where & v.c.period.in_(periods)
        stmt = select(column).where(where).order_by(v.c.period, v.c.unit)
        rows = self._run(lambda conn: [r[0] for r in conn.execute(stmt)], write=False)
        return [score_json.loads(text) for text in rows]

    def benchmark_scores(self, framework_id: str, period: str | None = None) -> list[Score]:
        """What a benchmark of `period` (None: every period) needs, read as cheaply as it can be.

        One period: that period and the one before in full (for the change), and only the
        overall scores of earlier ones (for the trend). Several framework versions in use:
        every score with its criteria, so they can be compared on the criteria they share.
        """
        periods = self.periods(framework_id)
        several = len(self.versions_in_use(framework_id)) > 1
        if period is None or several:
            wanted = None if period is None else [p for p in periods if p <= period]
            return self.scores(framework_id, wanted, with_criteria=several)
        earlier = [p for p in periods if p < period]
        return self.overall_scores(framework_id, earlier[:-1]) + self.scores(
            framework_id, [*earlier[-1:], period]
        )

    def overall_scores(self, framework_id: str, periods: list[str]) -> list[Score]:
        """Current scores of the periods given with only their overall result filled in.

        Read from plain columns, without parsing the stored JSON: a trend across many
        periods needs no more, and a large store answers many times faster.
        """
        v = versions_table
        where = (v.c.framework_id == framework_id) & v.c.current & v.c.period.in_(periods)
        stmt = select(
            v.c.unit, v.c.period, v.c.respondents, v.c.overall_score, v.c.overall_level,
            v.c.framework_version,
        ).where(where).order_by(v.c.period, v.c.unit)  # fmt: skip
        rows = self._run(lambda conn: list(conn.execute(stmt)), write=False)
        return [
            Score(
                framework=FrameworkRef(framework_id, version),
                unit=unit,
                period=period,
                respondents=respondents,
                overall=OverallScore(score=score, level=level, rating=None, completeness=1.0),
                domains=[],
                criteria=[],
                groups=[],
            )
            for unit, period, respondents, score, level, version in rows
        ]

    def assessments(
        self, all_versions: bool = False, unit: str | None = None, period: str | None = None
    ) -> list[StoredAssessment]:
        """Stored assessments, current ones only unless `all_versions`; of one unit or period."""
        v = versions_table
        conditions: list[Any] = [] if all_versions else [v.c.current]
        if unit is not None:
            conditions.append(v.c.unit == unit)
        if period is not None:
            conditions.append(v.c.period == period)
        where = and_(true(), *conditions)
        rows = self._versions(where, [*_INFO_COLUMNS, v.c.assessment])
        return [
            StoredAssessment(
                _version(row[:-1]), Assessment.model_validate_json(row[-1], strict=False)
            )
            for row in rows
        ]


_INFO_COLUMNS = [
    versions_table.c.framework_id,
    versions_table.c.framework_version,
    versions_table.c.unit,
    versions_table.c.period,
    versions_table.c.version,
    versions_table.c.current,
    versions_table.c.imported_at,
    versions_table.c.imported_by,
    versions_table.c.source,
    versions_table.c.content_hash,
    versions_table.c.respondents,
    versions_table.c.overall_score,
    versions_table.c.overall_level,
]


def _version(row: Any) -> Version:
    values = dict(zip(Version.__dataclass_fields__, row, strict=True))
    values["current"] = bool(values["current"])
    return Version(**values)
