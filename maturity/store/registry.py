"""Frameworks registered in the store: a council's own, kept immutably like assessments.

`maturity framework add FILE` registers a validated framework version. An
assessment's `framework: id@version` then resolves against the registered
frameworks first, then the built-in ones. A second, different definition under the
same id and version is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from sqlalchemy import Connection, select, update

from maturity.core.framework import Framework
from maturity.store.schema import frameworks_table
from maturity.store.writing import RejectedError, Writing, utc_stamp


class Registry(Writing):
    """Registering frameworks, and reading the registered ones."""

    def register_framework(
        self, fw: Framework, by: str | None = None, when: dt.datetime | None = None
    ) -> Literal["registered", "already registered"]:
        """Register a framework version; the same content again is `already registered`.

        A framework already stored by an import (a built-in one) with the same
        content becomes registered. A different definition under the same id and
        version, in the store or built in, is refused with `RejectedError`.
        """
        builtin = _builtin(fw.id)
        if builtin is not None and builtin.version == fw.version and builtin != fw:
            raise RejectedError(
                f"framework '{fw.id}' version {fw.version} is built in with a different "
                "definition; give yours another id or version"
            )
        definition, digest = self._definition(fw)
        stamp = utc_stamp(when)
        f = frameworks_table

        def work(conn: Connection) -> Literal["registered", "already registered"]:
            key = (f.c.id == fw.id) & (f.c.version == fw.version)
            row = conn.execute(select(f.c.content_hash, f.c.registered_at).where(key)).first()
            if row is not None and row[0] != digest:
                raise RejectedError(
                    f"framework '{fw.id}' version {fw.version} is already in {self.name} with a "
                    "different definition; give the changed framework a new version"
                )
            if row is not None and row[1] is not None:
                return "already registered"
            if row is None:
                conn.execute(
                    f.insert(),
                    {"id": fw.id, "version": fw.version, "definition": definition,
                     "content_hash": digest, "registered_at": stamp, "registered_by": by},
                )  # fmt: skip
            else:
                conn.execute(update(f).where(key).values(registered_at=stamp, registered_by=by))
            return "registered"

        return self._run(work, write=True)

    def registered_frameworks(self) -> list[Framework]:
        """Every registered framework version, by id and version."""
        f = frameworks_table
        stmt = (
            select(f.c.definition)
            .where(f.c.registered_at.is_not(None))
            .order_by(f.c.id, f.c.version)
        )
        rows = self._run(lambda conn: list(conn.execute(stmt).scalars()), write=False)
        return [Framework.model_validate_json(text, strict=False) for text in rows]


def _builtin(framework_id: str) -> Framework | None:
    """The built-in framework with this id, if there is one."""
    from maturity.files.catalog import builtin_paths, load_framework

    for path in builtin_paths():
        if path.stem == framework_id:
            return load_framework(str(path))
    return None
