"""Security on every request: response headers, cookies, CSRF tokens and sign-in throttling."""

from __future__ import annotations

import hmac
import secrets
import time
from typing import Any

from starlette.datastructures import FormData, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from maturity.store import accounts
from maturity.store.store import Store

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
CSRF_FIELD = "csrf_token"

# Sign-in throttling: this many failures within the window locks the account (or address).
WINDOW_SECONDS = 15 * 60
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
MAX_FORM_BYTES = 1_000_000
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class SecurityHeaders:
    """Adds the security headers to every response, and `Secure` to cookies over HTTPS.

    Over HTTPS (or behind a proxy that says so, with uvicorn's --proxy-headers) the
    session cookie must never travel in clear, so each Set-Cookie gains `Secure`.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                if "cache-control" not in headers:
                    headers["cache-control"] = "no-store"
                if https:
                    cookies = headers.getlist("set-cookie")
                    del headers["set-cookie"]
                    for cookie in cookies:
                        secure = "; secure" in cookie.lower()
                        headers.append("set-cookie", cookie if secure else cookie + "; Secure")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_ok(request: Request, form: FormData) -> bool:
    """Whether the form carries the session's CSRF token."""
    expected = request.session.get("csrf")
    given = form.get(CSRF_FIELD)
    return (
        isinstance(expected, str)
        and isinstance(given, str)
        and hmac.compare_digest(expected.encode(), given.encode())
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def throttle_keys(email: str, address: str) -> list[str]:
    return [f"account:{accounts.normalise_email(email)}", f"address:{address}"]


def throttled(store: Store, email: str, address: str, now: float | None = None) -> bool:
    """Whether sign-in is locked for this account or this address for now."""
    now = time.time() if now is None else now
    counts = accounts.failures(store, throttle_keys(email, address), now - WINDOW_SECONDS)
    account_key, address_key = throttle_keys(email, address)
    return counts[account_key] >= ACCOUNT_LIMIT or counts[address_key] >= ADDRESS_LIMIT


def record_failure(store: Store, email: str, address: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    accounts.record_failure(store, throttle_keys(email, address), now, now - WINDOW_SECONDS)


def form_fields(form: FormData) -> dict[str, Any]:
    """Text fields of a form, without the CSRF token (to give back what someone typed)."""
    return {k: v for k, v in form.multi_items() if isinstance(v, str) and k != CSRF_FIELD}
