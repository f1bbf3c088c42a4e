"""Helpers for the web tests: the users, the seeded store, CSRF tokens from pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from starlette.testclient import TestClient

from maturity.store import accounts
from maturity.store.importing import import_files
from maturity.store.store import Store

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
HOUSING = "City Council/Housing/Housing Services"
ASC = "City Council/Social Care and Education/Adult Social Care"
# email -> (role, unit prefix)
USERS = {
    "admin@example.org": ("admin", None),
    "housing@example.org": ("contributor", "City Council/Housing"),
    "care@example.org": ("contributor", "City Council/Social Care and Education"),
    "moderator@example.org": ("moderator", None),
    "board@example.org": ("board", None),
}


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def version(html: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match, "no version on the page"
    return match.group(1)


def seed(store: Store) -> None:
    """Sample results for 2024/25 and 2025/26, the users, and two units open on the web."""
    import_files(store, [ROOT / "assessments/2024-25", ROOT / "assessments/2025-26"])
    for email, (role, prefix) in USERS.items():
        user = accounts.add_user(store, email, accounts.Role(role), prefix, "test")
        accounts.set_password_hash(store, user.id, accounts.hash_password(PASSWORD), "test")
    accounts.add_unit(store, HOUSING, "edi-maturity@1.0", "test")
    accounts.add_unit(store, ASC, "edi-maturity@1.0", "test")


SignIn = Callable[..., TestClient]


def start_housing(client: TestClient, carry_over: bool = False, period: str | None = None) -> int:
    """Start Housing Services' assessment for the current period; its draft id."""
    from maturity.web.routes_assess import current_period

    page = client.get("/assessments")
    data = {"csrf_token": csrf(page.text), "unit": HOUSING, "period": period or current_period()}
    if carry_over:
        data["carry_over"] = "yes"
    reply = client.post("/assessments/start", data=data)
    assert reply.status_code == 303, reply.text
    return int(reply.headers["location"].rsplit("/", 1)[1])
