"""The journeys without a browser: nothing lost, the workflow, evidence, uploads, the CLI."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from click.testing import CliRunner
from starlette.applications import Starlette
from web_fixtures import HOUSING, PASSWORD, ROOT, SignIn, csrf, start_housing, version

from maturity.cli import main
from maturity.store import accounts, drafts
from maturity.store.store import Store, open_store
from maturity.web import workflow

PAGE = "/assessments/{}/domains/environment"
REF = "environment.zero-tolerance"


def _save(client: object, draft: int, data: dict[str, str], page_html: str | None = None) -> object:
    html = page_html or client.get(PAGE.format(draft)).text  # type: ignore[attr-defined]
    form = {"csrf_token": csrf(html), "version": version(html), "then": "later", **data}
    return client.post(PAGE.format(draft), data=form)  # type: ignore[attr-defined]


def test_a_stale_save_is_refused_and_what_was_typed_is_kept(
    app: Starlette, sign_in: SignIn
) -> None:
    first = sign_in("housing@example.org")
    draft = start_housing(first)
    second = sign_in("admin@example.org")
    opened = second.get(PAGE.format(draft)).text  # the second person opens the page...
    assert _save(first, draft, {f"level:{REF}": "established"}).status_code == 303  # type: ignore[attr-defined]
    typed = "Our own words, typed on a stale copy"
    reply = _save(second, draft, {f"level:{REF}": "developing", f"notes:{REF}": typed}, opened)
    assert reply.status_code == 409  # type: ignore[attr-defined]
    assert "Your answers were not saved" in reply.text  # type: ignore[attr-defined]
    assert typed in reply.text  # type: ignore[attr-defined]  # kept, to re-apply
    assert "Their saved answer: established" in reply.text  # type: ignore[attr-defined]
    saved = drafts.get_draft(app.state.store, draft)
    assert saved is not None and saved.assessment.responses[REF].level == "established"
    # Saving again from the refusal page (it carries the new version) applies it.
    again = _save(second, draft, {f"level:{REF}": "developing", f"notes:{REF}": typed}, reply.text)  # type: ignore[attr-defined]
    assert again.status_code == 303  # type: ignore[attr-defined]
    saved = drafts.get_draft(app.state.store, draft)
    assert saved is not None and saved.assessment.responses[REF].notes == typed


def test_an_expired_session_keeps_what_was_typed(app: Starlette, sign_in: SignIn) -> None:
    client = sign_in("housing@example.org")
    draft = start_housing(client)
    html = client.get(PAGE.format(draft)).text
    client.cookies.clear()  # the session expired while they typed
    typed = "Typed while the session ran out"
    form = {
        "csrf_token": csrf(html),
        "version": version(html),
        "then": "later",
        f"level:{REF}": "established",
        f"notes:{REF}": typed,
    }
    reply = client.post(PAGE.format(draft), data=form)
    assert (
        reply.status_code == 401
        and "You were signed out before your answers were saved" in reply.text
    )
    parked = re.search(r'name="parked" value="([^"]*)"', reply.text)
    assert parked and "Typed while the session ran out" in parked.group(1)
    back = client.post(
        "/sign-in",
        data={
            "email": "housing@example.org",
            "password": PASSWORD,
            "csrf_token": csrf(reply.text),
            "next": PAGE.format(draft),
            "parked": parked.group(1).replace("&#34;", '"'),
        },
    )
    assert back.status_code == 200 and "Save my answers" in back.text and typed in back.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', back.text))
    assert client.post(PAGE.format(draft), data=fields).status_code == 303
    saved = drafts.get_draft(app.state.store, draft)
    assert saved is not None and saved.assessment.responses[REF].notes == typed


def test_errors_are_summarised_and_link_to_their_field(sign_in: SignIn) -> None:
    client = sign_in("housing@example.org")
    draft = start_housing(client)
    reply = _save(
        client,
        draft,
        {"value:environment.harassment-gap": "lots", "value:environment.bystander-training": "140"},
    )
    assert reply.status_code == 400  # type: ignore[attr-defined]
    html = reply.text  # type: ignore[attr-defined]
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert summary
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(1))
    assert [i for i, _ in links] == [
        "environment--bystander-training-value",
        "environment--harassment-gap-value",
    ]
    assert "140 is not a percentage (0 to 100)" in links[0][1]
    assert all(f'id="{i}"' in html for i, _ in links)
    assert 'value="lots"' in html  # what was typed stays in the field


def test_last_years_answers_carry_over_until_confirmed(app: Starlette, sign_in: SignIn) -> None:
    client = sign_in("housing@example.org")
    draft = start_housing(client, carry_over=True, period="2026/27")
    store: Store = app.state.store
    saved = drafts.get_draft(store, draft)
    assert saved is not None and REF in saved.carried
    last = store.assessments(unit=HOUSING, period="2025/26")[0].assessment
    assert saved.assessment.responses[REF].level == last.responses[REF].level
    assert "Carried over from last year" in client.get(PAGE.format(draft)).text
    check = client.get(f"/assessments/{draft}/check").text
    submit = client.post(
        f"/assessments/{draft}/submit", data={"csrf_token": csrf(check), "version": version(check)}
    )
    assert submit.status_code == 400 and "Confirm or change last year" in submit.text
    _save(client, draft, {f"level:{REF}": last.responses[REF].level or "", f"confirm:{REF}": "yes"})
    saved = drafts.get_draft(store, draft)
    assert saved is not None and REF not in saved.carried


def _answer_everything(app: Starlette, draft: int, by: str) -> None:
    store: Store = app.state.store
    current = drafts.get_draft(store, draft)
    assert current is not None
    fw = workflow.framework(store, current.framework)
    from maturity.core.assessment import Response

    responses = {ref: Response(level=fw.level_ids[2]) for ref in fw.criteria}
    assessment = current.assessment.model_copy(update={"responses": responses})
    drafts.save_draft(store, draft, current.version, by, "save answers", assessment=assessment)


def test_submit_moderate_return_and_validate(app: Starlette, sign_in: SignIn) -> None:
    team = sign_in("housing@example.org")
    draft = start_housing(team, period="2026/27")
    _answer_everything(app, draft, "housing@example.org")
    check = team.get(f"/assessments/{draft}/check").text
    reply = team.post(
        f"/assessments/{draft}/submit", data={"csrf_token": csrf(check), "version": version(check)}
    )
    assert reply.status_code == 303
    assert _save(team, draft, {f"level:{REF}": "developing"}).status_code == 409  # type: ignore[attr-defined]
    mod = sign_in("moderator@example.org")
    assert HOUSING in mod.get("/moderation").text
    page = mod.get(f"/moderation/{draft}").text
    reply = mod.post(
        f"/moderation/{draft}/criteria/{REF}",
        data={
            "csrf_token": csrf(page),
            "version": version(page),
            "level": "developing",
            "rationale": "No evidence of the posters being replaced",
        },
    )
    assert reply.status_code == 303
    page = mod.get(f"/moderation/{draft}").text
    reply = mod.post(
        f"/moderation/{draft}/return",
        data={"csrf_token": csrf(page), "version": version(page), "comment": "Add the policy"},
    )
    assert reply.status_code == 303
    assert "Add the policy" in team.get(f"/assessments/{draft}").text
    check = team.get(f"/assessments/{draft}/check").text
    team.post(
        f"/assessments/{draft}/submit", data={"csrf_token": csrf(check), "version": version(check)}
    )
    page = mod.get(f"/moderation/{draft}").text
    reply = mod.post(
        f"/moderation/{draft}/validate", data={"csrf_token": csrf(page), "version": version(page)}
    )
    assert reply.status_code == 303
    stored = app.state.store.assessments(unit=HOUSING, period="2026/27")
    assert len(stored) == 1
    moderated = stored[0].assessment.responses[REF].moderated
    assert moderated is not None and moderated.level == "developing"
    assert moderated.by == "moderator@example.org"
    board = sign_in("board@example.org").get("/board?period=2026/27").text
    assert "Housing Services" in board
    # The store's review workflow holds it all, as the CLI reads it.
    store: Store = app.state.store
    fw_id = stored[0].info.framework_id
    subs = store.submissions(fw_id, HOUSING, "2026/27", all_versions=True)
    # Submitted again unchanged after the return: still the one submission.
    assert [(s.respondent, s.version, s.source) for s in subs] == [
        ("housing@example.org", 1, "web")
    ]
    steps = [
        (s.step.status.value, s.step.by) for s in store.review_steps(fw_id, HOUSING, "2026/27")
    ]
    assert steps == [
        ("submitted", "housing@example.org"),
        ("returned", "moderator@example.org"),
        ("submitted", "housing@example.org"),
        ("validated", "moderator@example.org"),
    ]
    assert store.review_steps(fw_id, HOUSING, "2026/27")[1].step.comment == "Add the policy"
    (record,) = store.moderations(fw_id, HOUSING, "2026/27")
    assert (record.criterion, record.level, record.moderator) == (
        REF,
        "developing",
        "moderator@example.org",
    )
    assert store.review_statuses(fw_id)[(HOUSING, "2026/27")].value == "validated"
    # The moderation queue and the team's page read the same status.
    assert "Validated" in team.get("/assessments").text
    actions = [e.action for e in accounts.audit_log(store)]
    assert {"submit", "return", "validate", f"moderate {REF}"} <= set(actions)


def test_a_second_validation_is_refused_not_recorded_twice(app: Starlette, sign_in: SignIn) -> None:
    team = sign_in("housing@example.org")
    draft = start_housing(team, period="2026/27")
    _answer_everything(app, draft, "housing@example.org")
    check = team.get(f"/assessments/{draft}/check").text
    team.post(
        f"/assessments/{draft}/submit", data={"csrf_token": csrf(check), "version": version(check)}
    )
    # Two moderators open the page at the same time; both press Validate.
    first, second = sign_in("moderator@example.org"), sign_in("admin@example.org")
    pages = [first.get(f"/moderation/{draft}").text, second.get(f"/moderation/{draft}").text]
    data = [{"csrf_token": csrf(p), "version": version(p)} for p in pages]
    assert first.post(f"/moderation/{draft}/validate", data=data[0]).status_code == 303
    refused = second.post(f"/moderation/{draft}/validate", data=data[1])
    assert refused.status_code == 409
    assert "cannot go from validated to validated" in refused.text
    store: Store = app.state.store
    saved = store.assessments(unit=HOUSING, period="2026/27")
    steps = store.review_steps(saved[0].info.framework_id, HOUSING, "2026/27")
    assert [s.step.status.value for s in steps] == ["submitted", "validated"]
    # A validated assessment cannot be changed or moderated any more.
    assert _save(team, draft, {f"level:{REF}": "developing"}).status_code == 409  # type: ignore[attr-defined]


def test_evidence_files_are_checked_by_content_and_kept_by_hash(
    app: Starlette, sign_in: SignIn
) -> None:
    client = sign_in("housing@example.org")
    draft = start_housing(client)
    path = f"/assessments/{draft}/evidence"

    def add(name: str, content: bytes) -> object:
        page = client.get(path).text
        return client.post(
            path,
            data={
                "csrf_token": csrf(page),
                "ref": REF,
                "kind": "file",
                "text": "Zero tolerance policy",
            },
            files={"file": (name, content, "application/pdf")},
        )

    pretend = add("policy.pdf", b"MZ\x90\x00 a program, named as a PDF")
    assert pretend.status_code == 400 and "must be a PDF, Word document" in pretend.text  # type: ignore[attr-defined]
    pdf = b"%PDF-1.7\n" + b"x" * 100
    assert add("policy.pdf", pdf).status_code == 303  # type: ignore[attr-defined]
    assert add("same policy.pdf", pdf).status_code == 303  # type: ignore[attr-defined]
    entries = drafts.evidence_for(app.state.store, draft)
    assert len(entries) == 2 and entries[0].sha256 == entries[1].sha256
    download = client.get(f"/evidence/{entries[0].id}")
    assert download.content == pdf and download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment")
    pack = client.get(f"/assessments/{draft}/evidence-pack")
    with zipfile.ZipFile(io.BytesIO(pack.content)) as archive:
        names = archive.namelist()
        index = archive.read("index.csv").decode()
    assert "index.csv" in names and len([n for n in names if n.startswith("files/")]) == 2
    assert "Zero tolerance policy" in index and entries[0].sha256 in index
    # A moderator sees the evidence beside the claim.
    mod = sign_in("moderator@example.org").get(f"/moderation/{draft}").text
    assert f'href="/evidence/{entries[0].id}"' in mod


def test_upload_gets_the_cli_checks_with_errors_against_the_field(
    app: Starlette, sign_in: SignIn, tmp_path: Path
) -> None:
    client = sign_in("admin@example.org")
    bad = (ROOT / "assessments/2025-26/housing-services.yaml").read_text()
    bad = bad.replace("level: developing", "level: brilliant", 1)
    page = client.get("/admin").text
    reply = client.post(
        "/admin/upload",
        data={"csrf_token": csrf(page)},
        files={"assessment": ("housing.yaml", bad.encode(), "text/yaml")},
    )
    assert reply.status_code == 400
    assert re.search(r'href="#assessment">housing\.yaml:\d+: .*brilliant', reply.text)
    good = (ROOT / "assessments/2025-26/housing-services.yaml").read_bytes()
    good = good.replace(b"period: 2025/26", b"period: 2026/27")
    reply = client.post(
        "/admin/upload",
        data={"csrf_token": csrf(page)},
        files={"assessment": ("housing.yaml", good, "text/yaml")},
    )
    assert reply.status_code == 303
    assert app.state.store.assessments(unit=HOUSING, period="2026/27")


def test_cli_user_add_with_a_password_file_and_with_a_link(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    pw = tmp_path / "pw.txt"
    pw.write_text("a long enough password\n")
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "user",
            "add",
            "Team@Example.org",
            "--role",
            "contributor",
            "--unit",
            "City Council/Housing",
            "--password-file",
            str(pw),
            "--store",
            db,
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output == "team@example.org: contributor added, password set\n"
    result = runner.invoke(
        main, ["user", "add", "boss@example.org", "--role", "admin", "--store", db]
    )
    assert result.exit_code == 0
    link = result.output.splitlines()[-1]
    assert link.startswith("http://127.0.0.1:8000/set-password/")
    with open_store(db) as store:
        assert accounts.user_by_token(store, link.rsplit("/", 1)[1]) is not None
        user = accounts.user_by_email(store, "team@example.org")
        assert user is not None and user.unit_prefix == "City Council/Housing"
        assert accounts.verify_password(user.password_hash, "a long enough password")
    again = runner.invoke(
        main, ["user", "add", "team@example.org", "--role", "board", "--store", db]
    )
    assert again.exit_code == 1
    assert again.output == "Error: a user with email team@example.org already exists\n"
    pw.write_text("short\n")
    short = runner.invoke(
        main,
        [
            "user",
            "add",
            "x@example.org",
            "--role",
            "board",
            "--password-file",
            str(pw),
            "--store",
            db,
        ],
    )
    assert short.exit_code == 1
    assert "password must be 12 characters or more" in short.output


def test_an_admin_adds_a_framework_from_a_file_with_the_cli_checks(
    app: Starlette, sign_in: SignIn
) -> None:
    client = sign_in("admin@example.org")
    text = (ROOT / "frameworks/council-equality-3.yaml").read_text()
    own = text.replace("id: council-equality-3", "id: our-framework", 1)
    assert own != text
    page = client.get("/admin").text
    reply = client.post(
        "/admin/frameworks",
        data={"csrf_token": csrf(page)},
        files={"framework_file": ("ours.yaml", own.encode(), "text/yaml")},
    )
    assert reply.status_code == 303, reply.text
    assert "our-framework@" in client.get("/admin").text  # now a choice for units
    broken = own.replace("id: our-framework", "id: Our Framework!", 1)
    reply = client.post(
        "/admin/frameworks",
        data={"csrf_token": csrf(page)},
        files={"framework_file": ("ours.yaml", broken.encode(), "text/yaml")},
    )
    assert reply.status_code == 400
    assert re.search(r'href="#framework_file">ours\.yaml:\d+: ', reply.text), reply.text


def test_each_contributor_submits_their_own_answers_and_the_spread_shows(
    app: Starlette, sign_in: SignIn
) -> None:
    store: Store = app.state.store
    second = accounts.add_user(
        store, "tenants@example.org", accounts.Role.CONTRIBUTOR, "City Council/Housing", "test"
    )
    accounts.set_password_hash(store, second.id, accounts.hash_password(PASSWORD), "test")
    alice, bea = sign_in("housing@example.org"), sign_in("tenants@example.org")
    mine, theirs = start_housing(alice, period="2026/27"), start_housing(bea, period="2026/27")
    assert mine != theirs
    # Each sees and changes only their own answers.
    assert f"/assessments/{theirs}" not in alice.get("/assessments").text
    refused = _save(alice, theirs, {f"level:{REF}": "developing"})
    assert refused.status_code == 403  # type: ignore[attr-defined]
    _answer_everything(app, mine, "housing@example.org")
    _answer_everything(app, theirs, "tenants@example.org")
    draft = drafts.get_draft(store, theirs)
    assert draft is not None
    fw = workflow.framework(store, draft.framework)
    lower, agreed = fw.levels[1], fw.levels[2]  # _answer_everything claims the third level
    answers = dict(draft.assessment.responses)
    answers[REF] = answers[REF].model_copy(update={"level": lower.id})
    changed = draft.assessment.model_copy(update={"responses": answers})
    drafts.save_draft(store, theirs, draft.version, "tenants@example.org", "save", changed)
    for client, draft in ((alice, mine), (bea, theirs)):
        check = client.get(f"/assessments/{draft}/check").text
        reply = client.post(
            f"/assessments/{draft}/submit",
            data={"csrf_token": csrf(check), "version": version(check)},
        )
        assert reply.status_code == 303, reply.text
    fw_id = fw.id
    subs = store.submissions(fw_id, HOUSING, "2026/27")
    assert sorted(s.respondent for s in subs) == ["housing@example.org", "tenants@example.org"]
    # One review step: the second submission joined the submitted unit-period.
    steps = store.review_steps(fw_id, HOUSING, "2026/27")
    assert [s.step.status.value for s in steps] == ["submitted"]
    merged = store.spread(fw_id, HOUSING, "2026/27")
    assert merged is not None
    (differing,) = [c for c in merged.criteria if len(set(c.levels.values())) > 1]
    assert differing.id == REF and differing.spread == 1
    # The moderator and the team see where they disagree, and only there.
    for page in (
        sign_in("moderator@example.org").get(f"/moderation/{mine}").text,
        alice.get(f"/assessments/{mine}").text,
    ):
        assert "Where the respondents disagree" in page
        spread = page[page.index('id="spread"') :]
        assert f"tenants@example.org: {lower.name}" in spread
        assert f"housing@example.org: {agreed.name}" in spread
        assert spread.count('scope="row"') == 1
