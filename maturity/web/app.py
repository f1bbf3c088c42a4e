"""The web application: the app factory, page rendering, and who is signed in.

`create_app` builds a Starlette app over one open store. `maturity serve` runs it with
uvicorn through `app_from_environment` (a factory, so each worker builds its own from
MATURITY_STORE and MATURITY_SECRET_KEY). Pages are rendered on the server from
Jinja2 templates with autoescape on; the routes live in one module per area.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from maturity.core.errors import MaturityError
from maturity.core.plan import format_number
from maturity.store import accounts
from maturity.store.accounts import Role, User
from maturity.store.store import Store, open_store
from maturity.web import security

HERE = Path(__file__).resolve().parent
SESSION_SECONDS = 8 * 60 * 60
ROLE_NAMES = {
    Role.ADMIN: "Administrator",
    Role.CONTRIBUTOR: "Contributor",
    Role.MODERATOR: "Moderator",
    Role.BOARD: "Board member",
}


class SignInNeeded(Exception):
    """No one is signed in (or the session expired); `form` holds what was posted."""

    def __init__(self, form: dict[str, Any] | None = None) -> None:
        super().__init__("sign in needed")
        self.form = form


def field_error(errors: list[tuple[str, str]], name: str | None = None) -> str | None:
    """The first error message for the field `name` (any field when None), or None."""
    return next((message for field, message in errors if name is None or field == name), None)


def environment() -> jinja2.Environment:
    """The one Jinja2 environment: autoescaped, strict about undefined names."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["role_names"] = ROLE_NAMES
    env.globals["format_number"] = format_number
    env.globals["field_error"] = field_error
    return env


def store_of(request: Request) -> Store:
    store = request.app.state.store
    assert isinstance(store, Store)
    return store


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """A page: the template with the signed-in user, CSRF token and flash message."""
    env: jinja2.Environment = request.app.state.templates
    values = {
        "request": request,
        "user": getattr(request.state, "user", None),
        "csrf_token": security.csrf_token(request),
        "flash": request.session.pop("flash", None),
        "errors": [],
        "title": "",
    }
    values.update(context or {})
    return HTMLResponse(env.get_template(template).render(values), status_code=status)


def redirect(path: str, flash: str | None = None, request: Request | None = None) -> Response:
    """See other: after a POST, the browser GETs the page (no resubmission on refresh)."""
    if flash and request is not None:
        request.session["flash"] = flash
    return RedirectResponse(path, status_code=303)


def current_user(request: Request) -> User | None:
    """The signed-in user, checked against the store on every request (roles can change)."""
    user_id = request.session.get("user_id")
    if not isinstance(user_id, int):
        return None
    user = accounts.user_by_id(store_of(request), user_id)
    if user is None or user.password_hash is None:
        request.session.clear()
        return None
    request.state.user = user
    return user


def require(request: Request, *roles: Role) -> User:
    """The signed-in user if their role is one of `roles`; otherwise sign in, or 403."""
    user = current_user(request)
    if user is None:
        raise SignInNeeded()
    if user.role not in roles:
        raise HTTPException(403)
    return user


async def read_form(request: Request, *roles: Role) -> tuple[User, FormData]:
    """A posted form from a signed-in user with one of `roles`, its CSRF token checked.

    With no session (it expired, or never was) nothing is done: what was posted goes
    back to the sign-in page so that it is not lost.
    """
    form = await request.form(
        max_files=1, max_fields=2000, max_part_size=security.MAX_UPLOAD_BYTES + 1024
    )
    user = current_user(request)
    if user is None:
        raise SignInNeeded(security.form_fields(form))
    if not security.csrf_ok(request, form):
        raise HTTPException(403, "The form had expired. Go back, reload the page and try again.")
    if user.role not in roles:
        raise HTTPException(403)
    return user, form


async def _error_page(request: Request, exc: Exception) -> Response:
    if isinstance(exc, SignInNeeded):
        from maturity.web.routes_account import sign_in_page

        if request.method == "GET":
            return redirect(f"/sign-in?next={request.url.path}")
        return sign_in_page(request, parked=exc.form, path=request.url.path, status=401)
    assert isinstance(exc, HTTPException)
    titles = {
        403: "You do not have access to this page",
        404: "Page not found",
        405: "Page not found",
        409: "This was changed by someone else",
        413: "The file is too large",
    }
    title = titles.get(exc.status_code, "Sorry, there is a problem")
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
    if exc.status_code == 404 or exc.status_code == 405:
        detail = "If you typed the web address, check it is correct."
    if exc.status_code == 403 and detail == "Forbidden":
        detail = None
    request.state.user = getattr(request.state, "user", None)
    return render(request, "error.html", {"title": title, "detail": detail}, exc.status_code)


async def _maturity_error(request: Request, exc: Exception) -> Response:
    return render(
        request, "error.html", {"title": "Sorry, there is a problem", "detail": str(exc)}, 400
    )


def routes() -> list[BaseRoute]:
    from maturity.web import (
        routes_account,
        routes_admin,
        routes_assess,
        routes_board,
        routes_evidence,
        routes_moderate,
        routes_plans,
    )

    return [
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        # GOV.UK Frontend's stylesheet asks for its images and fonts under /assets.
        Mount("/assets", StaticFiles(directory=HERE / "static" / "govuk" / "assets")),
        *routes_account.ROUTES,
        *routes_assess.ROUTES,
        *routes_evidence.ROUTES,
        *routes_moderate.ROUTES,
        *routes_board.ROUTES,
        *routes_plans.ROUTES,
        *routes_admin.ROUTES,
    ]


def create_app(store: Store, secret_key: str, session_seconds: int = SESSION_SECONDS) -> Starlette:
    """The web application over an open store (which it closes on shutdown)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        store.close()

    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        SignInNeeded: _error_page,
        HTTPException: _error_page,
        MaturityError: _maturity_error,
    }
    app = Starlette(
        routes=routes(),
        middleware=[
            Middleware(security.SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=secret_key,
                session_cookie="maturity_session",
                max_age=session_seconds,
                same_site="lax",
            ),
        ],
        exception_handlers=handlers,
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.templates = environment()
    return app


def app_from_environment() -> Starlette:
    """The app for uvicorn's factory mode: the store and key from the environment."""
    url = os.environ.get("MATURITY_STORE", "maturity.db")
    key = os.environ.get("MATURITY_SECRET_KEY")
    if not key:
        # Sessions then last only as long as this process: fine for one person trying it.
        key = secrets.token_urlsafe(32)
    return create_app(open_store(url, create=True), key)
