"""The evidence register: text, links and files beside each claim, and the evidence pack."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from maturity.core.errors import MaturityError
from maturity.files.output import csv_text, slug
from maturity.store import drafts
from maturity.store.accounts import Role
from maturity.web import security, workflow
from maturity.web.app import read_form, redirect, render, require, store_of
from maturity.web.routes_assess import draft_for, may_change

READERS = (Role.CONTRIBUTOR, Role.MODERATOR, Role.ADMIN)
WRITERS = (Role.CONTRIBUTOR, Role.ADMIN)
KINDS = {"text": "Text", "link": "Link", "file": "File"}


def file_type(content: bytes) -> tuple[str, str] | None:
    """(media type, what to call it) from the file's first bytes; None if not allowed.

    By content, never by name: a renamed program stays refused. Word and Excel files
    are zip archives holding their main part; an Excel file also gets the workbook
    safety checks (size, members, compression ratio).
    """
    if content.startswith(b"%PDF-"):
        return "application/pdf", "PDF"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "PNG image"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "JPEG image"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return (
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "Word document",
            )
        if "xl/workbook.xml" in names:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"
    return None


def _check_workbook(content: bytes) -> None:
    from maturity.files.workbook.safety import check_archive

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "evidence.xlsx"
        path.write_bytes(content)
        check_archive(path)


def register_page(
    request: Request, status: int = 200, errors: list[tuple[str, str]] | None = None
) -> Response:
    user = require(request, *READERS)
    draft = draft_for(request, user)
    store = store_of(request)
    fw = workflow.framework(store, draft.framework)
    return render(
        request,
        "evidence.html",
        {
            "title": "Evidence register",
            "draft": draft,
            "fw": fw,
            "errors": errors or [],
            "evidence": drafts.evidence_for(store, draft.id),
            "kinds": KINDS,
            "may_add": user.role in WRITERS and may_change(request, draft),
        },
        status,
    )


async def register(request: Request) -> Response:
    return register_page(request)


async def add(request: Request) -> Response:
    user, form = await read_form(request, *WRITERS)
    draft = draft_for(request, user, write=True)
    store = store_of(request)
    fw = workflow.framework(store, draft.framework)
    if not workflow.editable(store, draft):
        raise HTTPException(
            409, "This assessment has been submitted; add evidence when it is returned."
        )
    ref = str(form.get("ref", ""))
    kind = str(form.get("kind", ""))
    text = str(form.get("text", "")).strip()
    upload = form.get("file")
    errors: list[tuple[str, str]] = []
    if ref not in fw.criteria:
        errors.append(("ref", "Choose the criterion this evidence is for"))
    if kind not in KINDS:
        errors.append(("kind", "Choose text, a link or a file"))
    if not text:
        errors.append(("text", "Describe the evidence (for a link, give the web address)"))
    elif len(text) > 5000:
        errors.append(("text", "The description must be 5,000 characters or fewer"))
    if kind == "link" and text and not text.startswith(("https://", "http://")):
        errors.append(("text", "Enter a web address starting with https://"))
    file: tuple[str, str, bytes] | None = None
    if kind == "file":
        if not isinstance(upload, UploadFile) or not upload.filename:
            errors.append(("file", "Choose a file"))
        else:
            content = await upload.read(security.MAX_UPLOAD_BYTES + 1)
            found = file_type(content)
            if len(content) > security.MAX_UPLOAD_BYTES:
                errors.append(("file", "The file must be smaller than 10 MB"))
            elif found is None:
                errors.append(
                    (
                        "file",
                        "The file must be a PDF, Word document, Excel workbook, PNG or JPEG image",
                    )
                )
            else:
                if found[1] == "Excel":
                    try:
                        _check_workbook(content)
                    except MaturityError as exc:
                        errors.append(("file", f"The workbook was refused: {exc}"))
                name = Path(upload.filename).name[:200]
                file = (name, found[0], content)
    if errors:
        return register_page(request, 400, errors)
    drafts.add_evidence(store, draft, ref, kind, text, user.email, file)
    return redirect(f"/assessments/{draft.id}/evidence", "The evidence is added.", request)


def _entry_for(request: Request) -> drafts.Evidence:
    user = require(request, *READERS)
    try:
        entry = drafts.evidence_entry(store_of(request), int(request.path_params["evidence"]))
    except ValueError:
        raise HTTPException(404) from None
    if entry is None or entry.sha256 is None:
        raise HTTPException(404)
    draft = drafts.get_draft(store_of(request), entry.draft_id)
    if draft is None or not user.may_see(draft.unit):
        raise HTTPException(403)
    return entry


async def download(request: Request) -> Response:
    entry = _entry_for(request)
    assert entry.sha256 is not None and entry.filename is not None
    content = drafts.file_content(store_of(request), entry.sha256)
    return Response(
        content,
        media_type=entry.media_type or "application/octet-stream",
        headers={
            "content-disposition": f'attachment; filename="{_ascii(entry.filename)}"',
        },
    )


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)


async def pack(request: Request) -> Response:
    """One unit-period's evidence as a zip: the files, and index.csv listing every entry."""
    user = require(request, *READERS)
    draft = draft_for(request, user)
    store = store_of(request)
    fw = workflow.framework(store, draft.framework)
    entries = drafts.evidence_for(store, draft.id)
    rows: list[list[str]] = [
        [
            "Criterion",
            "Title",
            "Kind",
            "Evidence",
            "File in this pack",
            "SHA-256",
            "Added by",
            "Added at",
        ]
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for ref, response in draft.assessment.responses.items():
            for text in response.evidence:
                title = fw.criteria[ref][1].title if ref in fw.criteria else ref
                rows.append([ref, title, "Text (in the answer)", text, "", "", "", ""])
        for entry in entries:
            title = fw.criteria[entry.ref][1].title if entry.ref in fw.criteria else entry.ref
            member = ""
            if entry.sha256 is not None and entry.filename:
                member = f"files/{entry.id}-{_ascii(entry.filename)}"
                archive.writestr(member, drafts.file_content(store, entry.sha256))
            rows.append(
                [
                    entry.ref,
                    title,
                    KINDS.get(entry.kind, entry.kind),
                    entry.text,
                    member,
                    entry.sha256 or "",
                    entry.added_by,
                    entry.added_at,
                ]
            )
        archive.writestr("index.csv", csv_text(rows[0], rows[1:]))
    name = f"{slug(draft.unit)}-{draft.period.replace('/', '-')}-evidence.zip"
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


ROUTES = [
    Route("/assessments/{draft}/evidence", register),
    Route("/assessments/{draft}/evidence", add, methods=["POST"]),
    Route("/assessments/{draft}/evidence-pack", pack),
    Route("/evidence/{evidence}", download),
]
