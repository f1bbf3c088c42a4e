"""Every route, as every role: the status code each one gets, and CSRF on every POST."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from web_fixtures import HOUSING, SignIn, csrf, start_housing

from maturity.store import accounts, drafts
from maturity.store.store import Store

ROLES = ("anonymous", "admin", "housing", "care", "moderator", "board")
EMAIL = {
    "admin": "admin@example.org",
    "housing": "housing@example.org",  # contributor for Housing, whose draft this is
    "care": "care@example.org",  # contributor for another department
    "moderator": "moderator@example.org",
    "board": "board@example.org",
}
CODE = ["anonymous", "admin", "housing", "care", "moderator", "board"]


def codes(*values: int) -> dict[str, int]:
    return dict(zip(CODE, values, strict=True))


TEAM = codes(303, 200, 200, 403, 403, 403)
MY_LIST = codes(303, 200, 200, 200, 403, 403)
READ_EVIDENCE = codes(303, 200, 200, 403, 200, 403)
MODERATION = codes(303, 200, 403, 403, 200, 403)
BOARD = codes(303, 200, 403, 403, 403, 200)
ADMIN = codes(303, 200, 403, 403, 403, 403)
# (method, route path) -> (concrete path, form data, status per role)
# POSTs carry a valid CSRF token and data that changes nothing (invalid, stale or refused),
# so every role meets the same assessment. Anonymous POSTs get the sign-in page (401).
EXPECTED: dict[tuple[str, str], tuple[str, dict[str, str], dict[str, int]]] = {
    ("GET", "/"): ("/", {}, codes(303, 303, 303, 303, 303, 303)),
    ("GET", "/sign-in"): ("/sign-in", {}, codes(200, 200, 200, 200, 200, 200)),
    ("POST", "/sign-in"): ("/sign-in", {}, codes(400, 400, 400, 400, 400, 400)),
    ("POST", "/sign-out"): ("/sign-out", {}, codes(303, 303, 303, 303, 303, 303)),
    ("GET", "/set-password/{token}"): ("/set-password/nope", {}, codes(*[404] * 6)),
    ("POST", "/set-password/{token}"): ("/set-password/nope", {}, codes(*[404] * 6)),
    ("GET", "/assessments"): ("/assessments", {}, MY_LIST),
    ("POST", "/assessments/start"): (
        "/assessments/start",
        {"unit": HOUSING, "period": "1999/00"},
        codes(401, 400, 400, 403, 403, 403),
    ),
    ("GET", "/assessments/{draft}"): ("/assessments/{d}", {}, TEAM),
    ("GET", "/assessments/{draft}/domains/{domain}"): (
        "/assessments/{d}/domains/environment",
        {},
        TEAM,
    ),
    ("POST", "/assessments/{draft}/domains/{domain}"): (
        "/assessments/{d}/domains/environment",
        {"version": "999"},
        codes(401, 409, 409, 403, 403, 403),
    ),
    ("GET", "/assessments/{draft}/check"): ("/assessments/{d}/check", {}, TEAM),
    ("POST", "/assessments/{draft}/submit"): (
        "/assessments/{d}/submit",
        {"version": "999"},
        codes(401, 400, 400, 403, 403, 403),
    ),
    ("GET", "/assessments/{draft}/evidence"): ("/assessments/{d}/evidence", {}, READ_EVIDENCE),
    ("POST", "/assessments/{draft}/evidence"): (
        "/assessments/{d}/evidence",
        {},
        codes(401, 400, 400, 403, 403, 403),
    ),
    ("GET", "/assessments/{draft}/evidence-pack"): (
        "/assessments/{d}/evidence-pack",
        {},
        READ_EVIDENCE,
    ),
    ("GET", "/evidence/{evidence}"): ("/evidence/{e}", {}, READ_EVIDENCE),
    ("GET", "/moderation"): ("/moderation", {}, MODERATION),
    ("GET", "/moderation/{draft}"): ("/moderation/{d}", {}, MODERATION),
    ("POST", "/moderation/{draft}/criteria/{ref}"): (
        "/moderation/{d}/criteria/environment.zero-tolerance",
        {},
        codes(401, 409, 403, 403, 409, 403),
    ),
    ("POST", "/moderation/{draft}/return"): (
        "/moderation/{d}/return",
        {},
        codes(401, 409, 403, 403, 409, 403),
    ),
    ("POST", "/moderation/{draft}/validate"): (
        "/moderation/{d}/validate",
        {"version": "1"},
        codes(401, 400, 403, 403, 400, 403),
    ),
    ("GET", "/board"): ("/board", {}, BOARD),
    # A period without results: the role check passes (404) or fails (403) without a PDF.
    ("GET", "/board/pack.pdf"): (
        "/board/pack.pdf?period=1999/00",
        {},
        codes(303, 404, 403, 403, 403, 404),
    ),
    ("GET", "/board/plan.pdf"): (
        f"/board/plan.pdf?unit={quote(HOUSING)}&period=1999/00",
        {},
        codes(303, 404, 404, 403, 404, 404),
    ),
    ("GET", "/plans"): (
        f"/plans?unit={quote(HOUSING)}&period=2025/26",
        {},
        codes(303, 200, 200, 403, 200, 200),
    ),
    # A status the core does not allow: refused (400) for whoever may update the plan.
    ("POST", "/plans/update"): (
        "/plans/update",
        {"unit": HOUSING, "period": "2025/26", "ref": "duties.pay-gap", "status": "Done"},
        codes(401, 400, 400, 403, 400, 400),
    ),
    ("GET", "/admin"): ("/admin", {}, ADMIN),
    ("POST", "/admin/users"): ("/admin/users", {}, codes(401, 400, 403, 403, 403, 403)),
    ("POST", "/admin/users/{user}"): ("/admin/users/1", {}, codes(401, 400, 403, 403, 403, 403)),
    ("POST", "/admin/units"): ("/admin/units", {}, codes(401, 400, 403, 403, 403, 403)),
    ("POST", "/admin/upload"): ("/admin/upload", {}, codes(401, 400, 403, 403, 403, 403)),
    ("POST", "/admin/frameworks"): ("/admin/frameworks", {}, codes(401, 400, 403, 403, 403, 403)),
    ("GET", "/admin/audit"): ("/admin/audit", {}, ADMIN),
}


def app_routes(app: Starlette) -> set[tuple[str, str]]:
    found = set()
    for route in app.routes:
        if isinstance(route, Route):
            for method in route.methods or ():
                if method != "HEAD":
                    found.add((method, route.path))
    return found


def test_the_table_covers_every_route(app: Starlette) -> None:
    assert app_routes(app) == set(EXPECTED)


def _fixture_ids(app: Starlette, sign_in: SignIn) -> tuple[int, int]:
    """A Housing draft with one evidence file, made by Housing's contributor."""
    client = sign_in(EMAIL["housing"])
    draft_id = start_housing(client)
    store: Store = app.state.store
    draft = drafts.get_draft(store, draft_id)
    assert draft is not None
    evidence_id = drafts.add_evidence(
        store,
        draft,
        "environment.zero-tolerance",
        "file",
        "Policy",
        "t",
        ("policy.pdf", "application/pdf", b"%PDF-1.4 test"),
    )
    return draft_id, evidence_id


@pytest.mark.parametrize("role", ROLES)
def test_every_route_as_every_role(app: Starlette, sign_in: SignIn, role: str) -> None:
    draft_id, evidence_id = _fixture_ids(app, sign_in)
    client = sign_in(EMAIL.get(role))
    got = {}
    for (method, _), (path, data, expected) in EXPECTED.items():
        path = path.format(d=draft_id, e=evidence_id)
        if method == "GET":
            reply = client.get(path)
        else:
            token = csrf(client.get("/sign-in").text)
            reply = client.post(path, data={"csrf_token": token, **data})
            if path == "/sign-out" and role != "anonymous":
                client = sign_in(EMAIL[role])  # signed out: sign in again for the rest
        got[f"{method} {path}"] = (reply.status_code, expected[role])
    wrong = {k: v for k, v in got.items() if v[0] != v[1]}
    assert wrong == {}, "(got, expected)"


def test_every_post_needs_the_csrf_token(app: Starlette, sign_in: SignIn) -> None:
    draft_id, evidence_id = _fixture_ids(app, sign_in)
    store: Store = app.state.store
    user = accounts.user_by_email(store, EMAIL["board"])
    assert user is not None
    accounts.set_token(store, user.id, "a-real-token")
    client = sign_in(EMAIL["admin"])
    refused = {}
    for (method, _), (path, data, _) in EXPECTED.items():
        if method != "POST":
            continue
        path = path.format(d=draft_id, e=evidence_id).replace("nope", "a-real-token")
        for token in (None, "wrong"):
            form = data if token is None else {**data, "csrf_token": token}
            refused[f"{path} {token}"] = client.post(path, data=form).status_code
    assert set(refused.values()) == {403}, refused
    # Nothing was done: still signed in, and no audit entry beyond the seed's and the draft's.
    assert client.get("/admin").status_code == 200
    actions = {e.action for e in accounts.audit_log(store)}
    assert actions <= {"add user", "set password", "add unit", "start assessment", "add evidence"}


def test_a_moderator_limited_to_a_department_sees_only_its_units(
    app: Starlette, sign_in: SignIn
) -> None:
    draft_id, _ = _fixture_ids(app, sign_in)
    store: Store = app.state.store
    department = "City Council/Social Care and Education"
    accounts.add_user(store, "mod2@example.org", accounts.Role.MODERATOR, department, "t")
    user = accounts.user_by_email(store, "mod2@example.org")
    assert user is not None
    from web_fixtures import PASSWORD

    accounts.set_password_hash(store, user.id, accounts.hash_password(PASSWORD), "t")
    client = sign_in("mod2@example.org")
    assert client.get(f"/moderation/{draft_id}").status_code == 403
    assert HOUSING not in client.get("/moderation").text
