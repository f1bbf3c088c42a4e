"""`maturity serve`: the web application, and `maturity user`: its accounts."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click

from maturity.cli.store import store_option
from maturity.core.errors import MaturityError


@click.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="The port to listen on.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes (use PostgreSQL for more than a few).",
)
@store_option
def serve(host: str, port: int, workers: int, store_url: str) -> None:
    """Serve the web application: teams fill in, moderators review, the board looks.

    Opens the store (creating it if needed) and serves http://HOST:PORT. Sessions are
    signed with MATURITY_SECRET_KEY: set it (a long random string) so that sessions
    survive a restart and are shared by every worker; without it a key is made for
    this run. Behind a reverse proxy that serves HTTPS, cookies are marked Secure
    (the proxy must send X-Forwarded-Proto). Create the first administrator with
    `maturity user add`.

    \b
    Example:
        maturity serve --store out/maturity.db
        maturity serve --store postgresql+psycopg://app@db/maturity --workers 4
    """
    import uvicorn

    from maturity.store.store import open_store

    store = open_store(store_url, create=True)  # fail here, in one line, not in each worker
    store.close()
    os.environ["MATURITY_STORE"] = store_url
    if not os.environ.get("MATURITY_SECRET_KEY"):
        os.environ["MATURITY_SECRET_KEY"] = secrets.token_urlsafe(32)
        click.echo(
            "Note: MATURITY_SECRET_KEY is not set; sessions end when the server stops.", err=True
        )
    click.echo(f"Serving {store.name} at http://{host}:{port} (Ctrl+C to stop)")
    uvicorn.run(
        "maturity.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="warning",
    )


@click.group(name="user")
def user_group() -> None:
    """Web accounts: add a user with a role and the units they work on.

    \b
    Example:
        maturity user add admin@example.org --role admin
        maturity user add team@example.org --role contributor --unit "City Council/Housing"
    """


@user_group.command(name="add")
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "contributor", "moderator", "board"]),
    help="What the user may do.",
)
@click.option(
    "--unit", "unit_prefix", help="A unit path: the user works on it and the units under it."
)
@click.option(
    "--password-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Set the password from this file's first line (for scripts and tests).",
)
@click.option(
    "--url",
    "base_url",
    default="http://127.0.0.1:8000",
    show_default=True,
    help="The site's address, for the set-password link.",
)
@store_option
def user_add(
    email: str,
    role: str,
    unit_prefix: str | None,
    password_file: Path | None,
    base_url: str,
    store_url: str,
) -> None:
    """Add a web user. Without --password-file, print a one-time link to set a password.

    The link works once, for 72 hours. Roles: admin (users, units, uploads, audit log),
    contributor (fills in their units' assessments), moderator (reviews submitted ones),
    board (the dashboard and reports).

    \b
    Example:
        maturity user add admin@example.org --role admin --store out/maturity.db
        maturity user add team@example.org --role contributor --unit "City Council/Housing"
    """
    from maturity.core.assessment import parse_unit
    from maturity.store import accounts
    from maturity.store.store import open_store

    password = None
    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise MaturityError(f"{password_file}: cannot read the password ({exc})") from None
        password = lines[0] if lines else ""
        problem = accounts.password_problem(password)
        if problem:
            raise MaturityError(f"{password_file}: {problem.lower()}")
    if "@" not in email or any(c.isspace() for c in email):
        raise MaturityError(f"'{email}' is not an email address")
    if unit_prefix is not None:
        try:
            unit_prefix = "/".join(parse_unit(unit_prefix))
        except ValueError as exc:
            raise MaturityError(f"--unit: {exc}") from None
    with open_store(store_url, create=True) as store:
        user = accounts.add_user(store, email, accounts.Role(role), unit_prefix, by="command line")
        if password is not None:
            accounts.set_password_hash(
                store, user.id, accounts.hash_password(password), "command line"
            )
            click.echo(f"{user.email}: {role} added, password set")
            return
        token = secrets.token_urlsafe(32)
        accounts.set_token(store, user.id, token)
    click.echo(f"{user.email}: {role} added. To set a password (once, within 72 hours), open:")
    click.echo(f"{base_url.rstrip('/')}/set-password/{token}")
