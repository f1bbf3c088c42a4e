"""Web accounts in the store: users and roles, sign-in attempts, and the audit log.

The tables are in `schema.py` (revision 0004). Passwords are stored only as the
hash the web layer gives (argon2); set-password links only as a SHA-256 of the token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Connection,
    delete,
    func,
    insert,
    select,
    update,
)

from maturity.core.errors import MaturityError
from maturity.store.schema import web_audit_table as audit_table
from maturity.store.schema import web_failures_table as attempts_table
from maturity.store.schema import web_units_table as units_table
from maturity.store.schema import web_users_table as users_table
from maturity.store.store import Store


class Role(StrEnum):
    """What a web user may do."""

    ADMIN = "admin"
    CONTRIBUTOR = "contributor"
    MODERATOR = "moderator"
    BOARD = "board"


def now_text(when: dt.datetime | None = None) -> str:
    return (when or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class User:
    """A web user. `unit_prefix` None: every unit."""

    id: int
    email: str
    role: Role
    unit_prefix: str | None
    password_hash: str | None

    def may_see(self, unit: str) -> bool:
        """Whether the unit is this user's unit or under it."""
        prefix = self.unit_prefix
        return prefix is None or unit == prefix or unit.startswith(prefix + "/")


def _user(row: Any) -> User:
    return User(row.id, row.email, Role(row.role), row.unit_prefix, row.password_hash)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def audit(
    conn: Connection, who: str, action: str, target: str, before: Any = None, after: Any = None
) -> None:
    """Record one change in the audit log, in the caller's transaction."""

    def text(value: Any) -> str | None:
        return None if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)

    conn.execute(
        insert(audit_table).values(
            at=now_text(),
            who=who,
            action=action,
            target=target,
            before=text(before),
            after=text(after),
        )
    )


def add_user(store: Store, email: str, role: Role, unit_prefix: str | None, by: str) -> User:
    """Create a user (without a password); refuse an email already in use."""
    email = normalise_email(email)

    def work(conn: Connection) -> User:
        if conn.execute(select(users_table.c.id).where(users_table.c.email == email)).first():
            raise MaturityError(f"a user with email {email} already exists")
        conn.execute(
            insert(users_table).values(
                email=email, role=role.value, unit_prefix=unit_prefix, created_at=now_text()
            )
        )
        audit(conn, by, "add user", email, None, {"role": role.value, "unit": unit_prefix})
        row = conn.execute(select(users_table).where(users_table.c.email == email)).one()
        return _user(row)

    return store._run(work, write=True)


def change_user(store: Store, user_id: int, role: Role, unit_prefix: str | None, by: str) -> None:
    """Change a user's role and units."""

    def work(conn: Connection) -> None:
        row = conn.execute(select(users_table).where(users_table.c.id == user_id)).first()
        if row is None:
            raise MaturityError(f"no user {user_id}")
        conn.execute(
            update(users_table)
            .where(users_table.c.id == user_id)
            .values(role=role.value, unit_prefix=unit_prefix)
        )
        audit(
            conn,
            by,
            "change user",
            row.email,
            {"role": row.role, "unit": row.unit_prefix},
            {"role": role.value, "unit": unit_prefix},
        )

    store._run(work, write=True)


def set_password_hash(store: Store, user_id: int, password_hash: str, by: str) -> None:
    """Set a user's password hash and spend any set-password link."""

    def work(conn: Connection) -> None:
        conn.execute(
            update(users_table)
            .where(users_table.c.id == user_id)
            .values(password_hash=password_hash, token_hash=None, token_expires=None)
        )
        audit(conn, by, "set password", str(user_id))

    store._run(work, write=True)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def set_token(store: Store, user_id: int, token: str, hours: int = 72) -> None:
    """Keep a one-time set-password token (its digest) valid for `hours`."""
    expires = now_text(dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours))
    stmt = (
        update(users_table)
        .where(users_table.c.id == user_id)
        .values(token_hash=token_digest(token), token_expires=expires)
    )
    store._run(lambda conn: conn.execute(stmt), write=True)


def user_by_token(store: Store, token: str) -> User | None:
    """The user whose set-password link this is, while it is valid."""
    stmt = select(users_table).where(
        (users_table.c.token_hash == token_digest(token))
        & (users_table.c.token_expires >= now_text())
    )
    row = store._run(lambda conn: conn.execute(stmt).first(), write=False)
    return None if row is None else _user(row)


def user_by_email(store: Store, email: str) -> User | None:
    stmt = select(users_table).where(users_table.c.email == normalise_email(email))
    row = store._run(lambda conn: conn.execute(stmt).first(), write=False)
    return None if row is None else _user(row)


def user_by_id(store: Store, user_id: int) -> User | None:
    stmt = select(users_table).where(users_table.c.id == user_id)
    row = store._run(lambda conn: conn.execute(stmt).first(), write=False)
    return None if row is None else _user(row)


def users(store: Store) -> list[User]:
    stmt = select(users_table).order_by(users_table.c.email)
    return store._run(lambda conn: [_user(r) for r in conn.execute(stmt)], write=False)


# Sign-in throttling: failures are counted per key (`account:EMAIL`, `address:IP`) in a window.


def failures(store: Store, keys: list[str], since: float) -> dict[str, int]:
    """Failed sign-ins per key since the time given (seconds since the epoch)."""
    a = attempts_table
    stmt = (
        select(a.c.key, func.count()).where(a.c.key.in_(keys) & (a.c.at >= since)).group_by(a.c.key)
    )
    rows = store._run(lambda conn: list(conn.execute(stmt)), write=False)
    found = {key: int(n) for key, n in rows}
    return {key: found.get(key, 0) for key in keys}


def record_failure(store: Store, keys: list[str], at: float, forget_before: float) -> None:
    """Count a failed sign-in against each key; forget failures older than the window."""

    def work(conn: Connection) -> None:
        conn.execute(delete(attempts_table).where(attempts_table.c.at < forget_before))
        conn.execute(insert(attempts_table), [{"key": key, "at": at} for key in keys])

    store._run(work, write=True)


def clear_failures(store: Store, key: str) -> None:
    stmt = delete(attempts_table).where(attempts_table.c.key == key)
    store._run(lambda conn: conn.execute(stmt), write=True)


# Units open to the web form, with the framework they are assessed against.


def add_unit(store: Store, unit: str, framework: str, by: str) -> None:
    """Open a unit for assessment on the web (or change its framework)."""

    def work(conn: Connection) -> None:
        old = conn.execute(
            select(units_table.c.framework).where(units_table.c.unit == unit)
        ).scalar()
        if old is None:
            conn.execute(insert(units_table).values(unit=unit, framework=framework))
        else:
            conn.execute(
                update(units_table).where(units_table.c.unit == unit).values(framework=framework)
            )
        audit(conn, by, "add unit", unit, old and {"framework": old}, {"framework": framework})

    store._run(work, write=True)


def web_units(store: Store) -> dict[str, str]:
    """Units open to the web form -> framework reference, in order."""
    stmt = select(units_table.c.unit, units_table.c.framework).order_by(units_table.c.unit)
    return store._run(lambda conn: {r[0]: r[1] for r in conn.execute(stmt)}, write=False)


@dataclass(frozen=True)
class AuditEntry:
    at: str
    who: str
    action: str
    target: str
    before: str | None
    after: str | None


def audit_log(store: Store, limit: int = 200) -> list[AuditEntry]:
    """The latest audit entries, newest first."""
    a = audit_table
    stmt = (
        select(a.c.at, a.c.who, a.c.action, a.c.target, a.c.before, a.c.after)
        .order_by(a.c.id.desc())
        .limit(limit)
    )
    return store._run(lambda conn: [AuditEntry(*r) for r in conn.execute(stmt)], write=False)


# Passwords: argon2id with argon2-cffi's default parameters (RFC 9106 low-memory profile).


def hash_password(password: str) -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; with no hash, a dummy check so timing tells nothing."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = PasswordHasher()
    try:
        return hasher.verify(password_hash or _DUMMY[0], password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# Hashed on first use (a module-level hash would cost every import ~50 ms).
class _Dummy:
    hash: str | None = None

    def __getitem__(self, _: int) -> str:
        if self.hash is None:
            self.hash = hash_password("not a real password")
        return self.hash


_DUMMY = _Dummy()


MIN_PASSWORD = 12


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD:
        return f"Password must be {MIN_PASSWORD} characters or more"
    if len(password) > 1000:
        return "Password must be 1000 characters or fewer"
    return None


def results_stamp(store: Store) -> int:
    """Changes whenever an assessment version is added (versions are never deleted or edited,
    so the highest id says whether anything changed): a key for caching what is read from them.
    """
    from maturity.store.schema import versions_table

    stmt = select(func.max(versions_table.c.id))
    return int(store._run(lambda conn: conn.execute(stmt).scalar() or 0, write=False))


def stored_units(store: Store) -> dict[str, str]:
    """Units with results in the store -> the framework (`id@version`) of their latest period."""
    from maturity.store.schema import versions_table as v

    stmt = (
        select(v.c.unit, v.c.framework_id, v.c.framework_version)
        .where(v.c.current)
        .order_by(v.c.unit, v.c.period)
    )
    rows = store._run(lambda conn: list(conn.execute(stmt)), write=False)
    return {unit: f"{fid}@{version}" for unit, fid, version in rows}


def assessable_units(store: Store) -> dict[str, str]:
    """Units that may be assessed on the web -> their framework: those with results in the
    store (with the framework of their latest period), and those an administrator added."""
    return {**stored_units(store), **web_units(store)}
