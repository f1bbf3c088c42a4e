"""Administration: users and roles, units, uploading assessments, and the audit log."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from maturity.core.assessment import parse_unit
from maturity.store import accounts
from maturity.store.accounts import Role
from maturity.store.store import Store
from maturity.web import security
from maturity.web.app import read_form, redirect, render, require, store_of

ADMIN = (Role.ADMIN,)
UPLOADS = (".yaml", ".yml", ".xlsx")


def framework_choices(store: Store) -> list[str]:
    """Frameworks a unit may be assessed against: the built-in ones and the store's."""
    from maturity.files.catalog import builtin_ids, load_framework

    refs = {load_framework(fid).ref for fid in builtin_ids()}
    for fid in store.framework_ids():
        refs.update(fw.ref for fw in store.frameworks(fid))
    return sorted(refs)


def admin_page(
    request: Request,
    errors: list[tuple[str, str]] | None = None,
    status: int = 200,
    **extra: object,
) -> Response:
    require(request, *ADMIN)
    store = store_of(request)
    return render(
        request,
        "admin.html",
        {
            "title": "Admin",
            "users": accounts.users(store),
            "units": accounts.assessable_units(store),
            "roles": list(Role),
            "frameworks": framework_choices(store),
            "errors": errors or [],
            "link": None,
            "reports": None,
            **extra,
        },
        status,
    )


async def admin(request: Request) -> Response:
    return admin_page(request)


def _unit(text: str) -> str | None:
    try:
        return "/".join(parse_unit(text))
    except ValueError:
        return None


def set_password_link(request: Request, store: Store, user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    accounts.set_token(store, user_id, token)
    return str(request.url_for("set_password", token=token))


async def add_user(request: Request) -> Response:
    user, form = await read_form(request, *ADMIN)
    store = store_of(request)
    email = str(form.get("email", "")).strip()
    role = str(form.get("role", ""))
    prefix_text = str(form.get("unit", "")).strip()
    errors = []
    if "@" not in email or len(email) > 320 or any(c.isspace() for c in email):
        errors.append(
            ("email", "Enter an email address in the correct format, like name@example.org")
        )
    if role not in [r.value for r in Role]:
        errors.append(("role", "Choose a role"))
    prefix = _unit(prefix_text) if prefix_text else None
    if prefix_text and prefix is None:
        errors.append(("unit", "Enter a unit path such as City Council/Housing"))
    if not errors and accounts.user_by_email(store, email):
        errors.append(("email", f"There is already a user with the email address {email}"))
    if errors:
        return admin_page(request, errors, 400)
    new = accounts.add_user(store, email, Role(role), prefix, user.email)
    link = set_password_link(request, store, new.id)
    return admin_page(request, link=(new.email, link))


async def change_user(request: Request) -> Response:
    user, form = await read_form(request, *ADMIN)
    store = store_of(request)
    try:
        target = accounts.user_by_id(store, int(request.path_params["user"]))
    except ValueError:
        target = None
    if target is None:
        raise HTTPException(404)
    role = str(form.get("role", ""))
    prefix_text = str(form.get("unit", "")).strip()
    prefix = _unit(prefix_text) if prefix_text else None
    if role not in [r.value for r in Role] or (prefix_text and prefix is None):
        return admin_page(
            request, [("users", "Choose a role and a unit path such as City Council/Housing")], 400
        )
    if target.id == user.id and role != Role.ADMIN:
        return admin_page(
            request, [("users", "You cannot remove your own administrator role")], 400
        )
    accounts.change_user(store, target.id, Role(role), prefix, user.email)
    return redirect("/admin", f"{target.email} is updated.", request)


async def add_unit(request: Request) -> Response:
    user, form = await read_form(request, *ADMIN)
    store = store_of(request)
    unit = _unit(str(form.get("unit_path", "")))
    framework = str(form.get("framework", ""))
    errors = []
    if unit is None:
        errors.append(("unit_path", "Enter a unit path such as City Council/Housing/Repairs"))
    if framework not in framework_choices(store):
        errors.append(("framework", "Choose a framework"))
    if errors or unit is None:
        return admin_page(request, errors, 400)
    accounts.add_unit(store, unit, framework, user.email)
    return redirect("/admin", f"{unit} can now be assessed.", request)


async def upload(request: Request) -> Response:
    """Import a filled workbook or YAML assessment, with the same checks as `maturity import`."""
    user, form = await read_form(request, *ADMIN)
    store = store_of(request)
    file = form.get("assessment")
    if not isinstance(file, UploadFile) or not file.filename:
        return admin_page(request, [("assessment", "Choose a workbook (.xlsx) or YAML file")], 400)
    name = Path(file.filename).name
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOADS:
        return admin_page(
            request, [("assessment", "The file must be a workbook (.xlsx) or YAML (.yaml)")], 400
        )
    content = await file.read(security.MAX_UPLOAD_BYTES + 1)
    if len(content) > security.MAX_UPLOAD_BYTES:
        return admin_page(request, [("assessment", "The file must be smaller than 10 MB")], 400)
    from maturity.store import accounts as audit_log
    from maturity.store.importing import import_files

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("upload" + suffix)
        path.write_bytes(content)
        reports = import_files(store, [path], by=user.email)

    def named(text: str) -> str:
        return text.replace(str(path), name).replace(path.name, name)

    report = reports[0]
    if report.status == "rejected":
        errors = [("assessment", named(line)) for line in report.problems or (report.detail,)]
        return admin_page(request, errors, 400)
    store._run(
        lambda conn: audit_log.audit(
            conn, user.email, "upload assessment", name, None, {"result": named(report.detail)}
        ),
        write=True,
    )
    return redirect("/admin", f"{name}: {report.status}, {named(report.detail)}.", request)


async def add_framework(request: Request) -> Response:
    """Register a council's own framework from a YAML file, with the checks of `framework add`."""
    user, form = await read_form(request, *ADMIN)
    store = store_of(request)
    file = form.get("framework_file")
    field = "framework_file"
    if not isinstance(file, UploadFile) or not file.filename:
        return admin_page(request, [(field, "Choose a framework file (.yaml)")], 400)
    name = Path(file.filename).name
    if Path(name).suffix.lower() not in (".yaml", ".yml"):
        return admin_page(request, [(field, "The framework must be a YAML file (.yaml)")], 400)
    content = await file.read(security.MAX_UPLOAD_BYTES + 1)
    if len(content) > security.MAX_UPLOAD_BYTES:
        return admin_page(request, [(field, "The file must be smaller than 10 MB")], 400)
    from maturity.core.errors import InvalidFileError, MaturityError
    from maturity.core.framework import Framework
    from maturity.files.loading import load

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            fw, _ = load(path, Framework)
            done = store.register_framework(fw, by=user.email)
        except InvalidFileError as exc:
            lines = [line.replace(str(path), name) for line in exc.lines]
            return admin_page(request, [(field, line) for line in lines], 400)
        except MaturityError as exc:
            return admin_page(request, [(field, str(exc).replace(str(path), name))], 400)
    store._run(
        lambda conn: accounts.audit(conn, user.email, "add framework", fw.ref, None,
                                    {"file": name, "result": done}),
        write=True,
    )  # fmt: skip
    return redirect("/admin", f"{name}: {fw.ref} {done}.", request)


async def audit(request: Request) -> Response:
    require(request, *ADMIN)
    return render(
        request,
        "audit.html",
        {"title": "Audit log", "entries": accounts.audit_log(store_of(request))},
    )


ROUTES = [
    Route("/admin", admin),
    Route("/admin/users", add_user, methods=["POST"]),
    Route("/admin/users/{user}", change_user, methods=["POST"]),
    Route("/admin/units", add_unit, methods=["POST"]),
    Route("/admin/upload", upload, methods=["POST"]),
    Route("/admin/frameworks", add_framework, methods=["POST"]),
    Route("/admin/audit", audit),
]
