"""Signing in and out, setting a password from a one-time link, and the home page."""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from maturity.store import accounts
from maturity.store.accounts import Role
from maturity.web import security
from maturity.web.app import current_user, redirect, render, store_of

HOME = {
    Role.ADMIN: "/admin",
    Role.CONTRIBUTOR: "/assessments",
    Role.MODERATOR: "/moderation",
    Role.BOARD: "/board",
}


def safe_next(path: str | None) -> str | None:
    """A path on this site to go back to after signing in; anything else is dropped."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return None


def sign_in_page(
    request: Request,
    parked: dict[str, Any] | None = None,
    path: str | None = None,
    status: int = 200,
    errors: list[tuple[str, str]] | None = None,
    email: str = "",
) -> Response:
    """The sign-in form; `parked` is what someone posted when their session had expired."""
    return render(
        request,
        "sign_in.html",
        {
            "title": "Sign in",
            "errors": errors or [],
            "email": email,
            "next": safe_next(path or request.query_params.get("next")) or "",
            "parked": json.dumps(parked) if parked else "",
        },
        status,
    )


async def home(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return redirect("/sign-in")
    return redirect(HOME[user.role])


async def sign_in(request: Request) -> Response:
    if request.method == "GET":
        return sign_in_page(request)
    form = await request.form(max_files=0, max_fields=2000)
    if not security.csrf_ok(request, form):
        raise HTTPException(403, "The form had expired. Go back, reload the page and try again.")
    email = str(form.get("email", "")).strip()
    password = str(form.get("password", ""))
    next_path = safe_next(str(form.get("next", "")))
    parked = str(form.get("parked", ""))
    errors = []
    if not email:
        errors.append(("email", "Enter your email address"))
    if not password:
        errors.append(("password", "Enter your password"))
    if errors:
        return sign_in_page(request, None, next_path, 400, errors, email)
    store = store_of(request)
    address = security.client_address(request)
    if security.throttled(store, email, address):
        message = "Too many failed attempts to sign in. Wait 15 minutes, then try again."
        return sign_in_page(request, None, next_path, 429, [("email", message)], email)
    user = accounts.user_by_email(store, email)
    if user is None or not accounts.verify_password(user.password_hash, password):
        security.record_failure(store, email, address)
        message = "Enter a correct email address and password"
        return sign_in_page(request, None, next_path, 400, [("email", message)], email)
    accounts.clear_failures(store, security.throttle_keys(email, address)[0])
    request.session.clear()  # a new session on sign-in: no fixation
    request.session["user_id"] = user.id
    request.state.user = user
    if parked and next_path:
        # They were signed out while filling in a form: offer to send what they typed.
        try:
            fields = json.loads(parked)
        except ValueError:
            fields = {}
        if isinstance(fields, dict):
            return render(
                request,
                "resubmit.html",
                {
                    "title": "Send your answers again",
                    "path": next_path,
                    "fields": {str(k): str(v) for k, v in fields.items()},
                },
            )
    return redirect(next_path or HOME[user.role])


async def sign_out(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    if request.session.get("user_id") is not None and not security.csrf_ok(request, form):
        raise HTTPException(403)
    request.session.clear()
    return redirect("/sign-in", "You have signed out.", request)


async def set_password(request: Request) -> Response:
    store = store_of(request)
    token = request.path_params["token"]
    user = accounts.user_by_token(store, token)
    if user is None:
        raise HTTPException(
            404, "This link has expired or been used. Ask an administrator for a new one."
        )
    context: dict[str, Any] = {"title": "Create your password", "email": user.email}
    if request.method == "GET":
        return render(request, "set_password.html", context)
    form = await request.form(max_files=0, max_fields=10)
    if not security.csrf_ok(request, form):
        raise HTTPException(403, "The form had expired. Go back, reload the page and try again.")
    password = str(form.get("password", ""))
    problem = accounts.password_problem(password)
    if problem is None and password != form.get("confirm"):
        problem = "The passwords do not match"
    if problem:
        return render(
            request, "set_password.html", {**context, "errors": [("password", problem)]}, 400
        )
    accounts.set_password_hash(store, user.id, accounts.hash_password(password), user.email)
    return redirect("/sign-in", "Your password is set. Sign in with it now.", request)


ROUTES = [
    Route("/", home),
    Route("/sign-in", sign_in, methods=["GET", "POST"]),
    Route("/sign-out", sign_out, methods=["POST"]),
    Route("/set-password/{token}", set_password, methods=["GET", "POST"], name="set_password"),
]
