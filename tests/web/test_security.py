"""Headers, cookies, sign-in throttling, passwords, escaping and the audit log."""

from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette
from web_fixtures import HOUSING, PASSWORD, SignIn, csrf, start_housing, version

from maturity.store import accounts
from maturity.store.store import Store
from maturity.web import security


@pytest.mark.parametrize(
    "path", ["/sign-in", "/no-such-page", "/static/app.css", "/assets/images/favicon.ico"]
)
def test_security_headers_on_every_response(sign_in: SignIn, path: str) -> None:
    reply = sign_in(None).get(path)
    csp = reply.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_script(sign_in: SignIn) -> None:
    client = sign_in("admin@example.org")
    for path in ["/sign-in", "/admin", "/board", "/assessments", "/moderation"]:
        html = client.get(path).text
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        assert scripts and all(
            'src="/static/' in attrs and not body.strip() for attrs, body in scripts
        ), path
        assert not re.search(r"<[^>]+\son[a-z]+=", html), path  # no inline event handlers


def _cookie(reply: object) -> str:
    cookies = [v for k, v in reply.headers.multi_items() if k == "set-cookie"]  # type: ignore[attr-defined]
    assert len(cookies) == 1
    return str(cookies[0]).lower()


def test_session_cookie_is_httponly_and_samesite_lax_and_secure_over_https(
    sign_in: SignIn,
) -> None:
    plain = _cookie(sign_in(None).get("/sign-in"))
    assert "httponly" in plain and "samesite=lax" in plain and "secure" not in plain
    https = _cookie(sign_in(None, base_url="https://testserver").get("/sign-in"))
    assert "httponly" in https and "samesite=lax" in https and "; secure" in https


def _try(client: object, email: str, password: str) -> int:
    page = client.get("/sign-in")  # type: ignore[attr-defined]
    data = {"email": email, "password": password, "csrf_token": csrf(page.text)}
    return int(client.post("/sign-in", data=data).status_code)  # type: ignore[attr-defined]


def test_sign_in_is_throttled_per_account(sign_in: SignIn) -> None:
    client = sign_in(None)
    for _ in range(security.ACCOUNT_LIMIT):
        assert _try(client, "housing@example.org", "wrong password") == 400
    # Now even the right password is refused, and the page says why.
    page = client.get("/sign-in")
    locked = client.post(
        "/sign-in",
        data={"email": "housing@example.org", "password": PASSWORD, "csrf_token": csrf(page.text)},
    )
    assert locked.status_code == 429 and "Too many failed attempts" in locked.text
    assert client.get("/assessments").status_code == 303  # not signed in
    # Another account from the same address is not locked by this one's failures.
    assert _try(client, "board@example.org", PASSWORD) == 303


def test_sign_in_is_throttled_per_address(sign_in: SignIn) -> None:
    client = sign_in(None)
    for n in range(security.ADDRESS_LIMIT):
        assert _try(client, f"nobody{n}@example.org", "wrong password") == 400
    assert _try(client, "board@example.org", PASSWORD) == 429


def test_failures_expire_after_the_window(app: Starlette) -> None:
    store: Store = app.state.store
    for _ in range(security.ACCOUNT_LIMIT):
        security.record_failure(store, "x@example.org", "1.2.3.4", now=1000.0)
    assert security.throttled(store, "x@example.org", "5.6.7.8", now=1001.0)
    later = 1000.0 + security.WINDOW_SECONDS + 1
    assert not security.throttled(store, "x@example.org", "5.6.7.8", now=later)


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(sign_in: SignIn) -> None:
    client = sign_in(None)
    page = client.get("/sign-in")
    known = client.post(
        "/sign-in",
        data={"email": "board@example.org", "password": "nope", "csrf_token": csrf(page.text)},
    )
    unknown = client.post(
        "/sign-in",
        data={"email": "who@example.org", "password": "nope", "csrf_token": csrf(page.text)},
    )
    assert known.status_code == unknown.status_code == 400
    message = "Enter a correct email address and password"
    assert message in known.text and message in unknown.text


def test_passwords_are_stored_as_argon2_hashes(app: Starlette) -> None:
    user = accounts.user_by_email(app.state.store, "board@example.org")
    assert user is not None and user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_set_password_link_works_once(app: Starlette, sign_in: SignIn) -> None:
    store: Store = app.state.store
    user = accounts.add_user(store, "new@example.org", accounts.Role.BOARD, None, "t")
    accounts.set_token(store, user.id, "one-time-token")
    client = sign_in(None)
    page = client.get("/set-password/one-time-token")
    short = client.post(
        "/set-password/one-time-token",
        data={"password": "short", "confirm": "short", "csrf_token": csrf(page.text)},
    )
    assert short.status_code == 400 and "12 characters or more" in short.text
    reply = client.post(
        "/set-password/one-time-token",
        data={
            "password": "a long enough password",
            "confirm": "a long enough password",
            "csrf_token": csrf(page.text),
        },
    )
    assert reply.status_code == 303
    assert client.get("/set-password/one-time-token").status_code == 404
    assert _try(client, "new@example.org", "a long enough password") == 303


def test_typed_text_is_escaped_everywhere_it_is_shown(sign_in: SignIn) -> None:
    client = sign_in("housing@example.org")
    draft = start_housing(client)
    page = client.get(f"/assessments/{draft}/domains/environment")
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    reply = client.post(
        f"/assessments/{draft}/domains/environment",
        data={
            "csrf_token": csrf(page.text),
            "version": version(page.text),
            "then": "later",
            "level:environment.zero-tolerance": "developing",
            "notes:environment.zero-tolerance": attack,
            "owner:environment.zero-tolerance": "A <b>",
        },
    )
    assert reply.status_code == 303
    for path in [f"/assessments/{draft}/domains/environment", f"/assessments/{draft}/check"]:
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html and "A <b>" not in html
    assert "&lt;script&gt;alert" in client.get(f"/assessments/{draft}/domains/environment").text


def test_the_audit_log_records_who_what_before_and_after(app: Starlette, sign_in: SignIn) -> None:
    client = sign_in("housing@example.org")
    draft = start_housing(client)
    page = client.get(f"/assessments/{draft}/domains/environment")
    client.post(
        f"/assessments/{draft}/domains/environment",
        data={
            "csrf_token": csrf(page.text),
            "version": version(page.text),
            "then": "later",
            "level:environment.zero-tolerance": "established",
        },
    )
    entry = accounts.audit_log(app.state.store)[0]
    assert (entry.who, entry.action) == ("housing@example.org", "save answers")
    assert entry.target.startswith(HOUSING)
    assert entry.before == '{"environment.zero-tolerance": null}'
    assert entry.after is not None and '"level": "established"' in entry.after
    admin = sign_in("admin@example.org").get("/admin/audit")
    assert admin.status_code == 200 and "save answers" in admin.text
    assert client.get("/admin/audit").status_code == 403
