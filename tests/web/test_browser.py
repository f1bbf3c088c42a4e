"""In a real browser (Debian's Chromium through Playwright): the journey, the keyboard, axe.

A uvicorn server runs on a free loopback port over a seeded temporary store. Every
page visited is checked with axe-core (zero violations expected) and screenshotted
(PNG, in MATURITY_SCREENSHOTS or the test's temporary folder). Any Content Security
Policy violation reported in the console fails the test.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from web_fixtures import ASC, HOUSING, PASSWORD, seed

from maturity.store.store import open_store

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
AXE = Path(__file__).with_name("axe.min.js")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NEW_UNIT = "City Council/Housing/Repairs"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from maturity.web.app import create_app

    path = tmp_path_factory.mktemp("browser") / "maturity.db"
    store = open_store(str(path), create=True)
    seed(store)
    port = _free_port()
    config = uvicorn.Config(create_app(store, "browser test key"), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="on")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("MATURITY_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


class Visitor:
    """A browser tab that checks every page it lands on with axe and screenshots it."""

    def __init__(self, browser: Any, base: str, shots: Path, who: str) -> None:
        self.context = browser.new_context(base_url=base, viewport={"width": 1100, "height": 900})
        self.context.add_init_script(path=str(AXE))  # through CDP: not blocked by the CSP
        self.page = self.context.new_page()
        self.csp_errors: list[str] = []
        self.page.on("console", self._console)
        self.shots = shots
        self.who = who
        self.checked: list[str] = []

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.csp_errors.append(message.text)

    def check(self, name: str) -> None:
        """axe-core on the page as it is now, and a full-page screenshot."""
        self.page.wait_for_load_state("load")
        violations = self.page.evaluate(
            "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a',"
            " 'wcag21aa', 'wcag22aa', 'best-practice']})).violations.map("
            "v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        assert violations == [], f"{name}: {violations}"
        assert self.csp_errors == [], f"{name}: {self.csp_errors}"
        self.page.screenshot(path=str(self.shots / f"{self.who}-{name}.png"), full_page=True)
        self.checked.append(name)

    def go(self, path: str, name: str) -> None:
        self.page.goto(path)
        self.check(name)

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        self.go("/sign-in", "sign-in")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password").fill(password)
        # Wait for the answer to the sign-in: a caller's next `goto` would otherwise cancel
        # the form's navigation, and the visit after it would find no session.
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign in").click()

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()
        self.page.wait_for_url("**/sign-in")

    def close(self) -> None:
        self.context.close()


def _fill_domain(page: Any, level: str) -> None:
    for radio in page.locator(f'input[type="radio"][value="{level}"]').all():
        radio.check()


def test_the_whole_journey(browser: Any, server: str, shots: Path) -> None:
    # 1. An admin adds a unit and a contributor.
    admin = Visitor(browser, server, shots, "admin")
    admin.sign_in("admin@example.org")
    admin.page.wait_for_url("**/admin")
    admin.check("admin")
    admin.page.get_by_label("Unit path", exact=True).fill(NEW_UNIT)
    admin.page.get_by_label("Framework", exact=True).select_option("edi-maturity@1.0")
    admin.page.get_by_role("button", name="Add unit").click()
    admin.page.wait_for_url("**/admin")
    admin.check("unit-added")
    admin.page.locator("#email").fill("repairs@example.org")
    admin.page.locator("#role").select_option("contributor")
    admin.page.locator("#unit").fill("City Council/Housing/Repairs")
    admin.page.get_by_role("button", name="Add user").click()
    admin.check("user-added")
    link = admin.page.locator(".app-link-text").inner_text()
    assert re.fullmatch(rf"{re.escape(server)}/set-password/[\w-]+", link)
    admin.go("/admin/audit", "audit")
    assert "add user" in admin.page.content()
    admin.close()

    # 2. The contributor sets a password, signs in, fills in part, signs out, comes back,
    # finishes and submits.
    team = Visitor(browser, server, shots, "contributor")
    team.go(link, "set-password")
    team.page.get_by_label("Password", exact=True).fill("repairs team password")
    team.page.get_by_label("Confirm password").fill("repairs team password")
    team.page.get_by_role("button", name="Save password").click()
    team.page.wait_for_url("**/sign-in")
    team.sign_in("repairs@example.org", "repairs team password")
    team.page.wait_for_url("**/assessments")
    team.check("my-assessments-empty")
    team.page.get_by_role("button", name="Start").click()
    team.page.wait_for_url(re.compile(r".*/assessments/\d+$"))
    team.check("task-list")
    draft_url = team.page.url
    team.page.get_by_role("link", name="An inclusive environment").click()
    team.check("domain-form")
    _fill_domain(team.page, "developing")
    team.page.locator("textarea[name='notes:environment.zero-tolerance']").fill("Posters <b>up</b>")
    team.page.get_by_role("button", name="Save and come back later").click()
    team.page.wait_for_url(draft_url)
    team.check("task-list-saved")
    assert "In progress" in team.page.content()
    team.sign_out()
    team.sign_in("repairs@example.org", "repairs team password")
    team.page.goto(draft_url)
    team.page.get_by_role("link", name="An inclusive environment").click()
    assert (
        team.page.locator("textarea[name='notes:environment.zero-tolerance']").input_value()
        == "Posters <b>up</b>"
    )
    # An error, summarised at the top and linked to its field.
    team.page.locator("input[name='value:environment.harassment-gap']").fill("a lot")
    team.page.get_by_role("button", name="Save and continue").click()
    team.check("domain-error")
    team.page.locator(".govuk-error-summary a").first.click()
    assert team.page.evaluate("document.activeElement.id") == "environment--harassment-gap-value"
    team.page.locator("input[name='value:environment.harassment-gap']").fill("4.5")
    team.page.get_by_role("button", name="Save and continue").click()
    while "/domains/" in team.page.url:
        _fill_domain(team.page, "established")
        with team.page.expect_navigation():
            team.page.get_by_role("button", name="Save and continue").click()
    team.check("check-answers")
    team.go(draft_url + "/evidence", "evidence-register")
    team.page.get_by_label("Link", exact=True).check()
    team.page.get_by_label("Description, or the web address of a link").fill(
        "https://example.org/policy"
    )
    team.page.get_by_role("button", name="Add evidence").click()
    team.check("evidence-added")
    team.go(draft_url + "/check", "check-answers-again")
    team.page.get_by_role("button", name="Submit").click()
    team.page.wait_for_url("**/assessments")
    team.check("submitted")
    assert "Submitted" in team.page.content()
    team.close()

    # 3. A moderator moderates one criterion and validates the assessment.
    mod = Visitor(browser, server, shots, "moderator")
    mod.sign_in("moderator@example.org")
    mod.page.wait_for_url("**/moderation")
    mod.check("queue")
    mod.page.get_by_role("link", name=re.compile("Repairs")).click()
    mod.check("moderate")
    mod.page.get_by_text("Moderate Zero tolerance", exact=False).first.click()
    criterion = mod.page.locator("form[action$='/criteria/environment.zero-tolerance']")
    criterion.get_by_label("Moderated level").select_option("emerging")
    criterion.get_by_label("Reason").fill("The posters are not up yet")
    criterion.get_by_role("button", name=re.compile("Set moderated level")).click()
    mod.check("moderated")
    assert "The posters are not up yet" in mod.page.content()
    mod.page.get_by_role("button", name="Validate").click()
    mod.page.wait_for_url("**/moderation")
    mod.check("validated")
    mod.close()

    # 4. A board member sees the unit in the heatmap and downloads its plan PDF.
    board = Visitor(browser, server, shots, "board")
    board.sign_in("board@example.org")
    board.page.wait_for_url(re.compile(r".*/board$"))
    board.check("dashboard")
    heatmap = board.page.locator("table.app-heatmap")
    row = heatmap.locator("tr", has=board.page.locator("th", has_text="Repairs"))
    assert row.count() == 1
    assert "Emerging" in row.inner_text() or "Developing" in row.inner_text()
    board.page.locator("#department").select_option("City Council/Housing")
    board.page.get_by_role("button", name="Show results").click()
    board.check("dashboard-filtered")
    assert "Adult Social Care" not in heatmap.inner_text()
    with board.page.expect_download() as download:
        board.page.get_by_role("link", name="Plan PDF for Repairs").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    board.close()


def _tab_to(page: Any, selector: str, limit: int = 400) -> None:
    """Press Tab until the focused element matches `selector`."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement && document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {selector} with Tab")


def test_fill_in_with_the_keyboard_only(browser: Any, server: str, shots: Path) -> None:
    """Sign in, start, answer every criterion, check and submit: only keys are pressed."""
    team = Visitor(browser, server, shots, "keyboard")
    page = team.page
    page.goto("/sign-in")
    _tab_to(page, "#email")
    page.keyboard.type("care@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/assessments")
    _tab_to(page, "#unit")
    _tab_to(page, "button.govuk-button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/assessments/\d+$"))
    assert ASC in page.content()
    _tab_to(page, ".govuk-task-list__link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(".*/domains/.*"))
    while "/domains/" in page.url:
        radios = page.locator('input[type="radio"][value="emerging"]')
        for n in range(radios.count()):
            ref = radios.nth(n).get_attribute("name")
            # Tab reaches a radio group at its first option: Space chooses it (Emerging).
            _tab_to(page, f'input[type="radio"][name="{ref}"]')
            page.keyboard.press("Space")
            assert radios.nth(n).is_checked()
        _tab_to(page, 'button[value="continue"]')
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.url.endswith("/check")
    team.check("check-answers")
    _tab_to(page, 'form[action$="/submit"] button')
    page.keyboard.press("Enter")
    page.wait_for_url("**/assessments")
    assert "Submitted" in page.content()
    team.close()


def test_other_pages_pass_axe(browser: Any, server: str, shots: Path) -> None:
    """Pages the journeys do not reach: errors, and the admin's own error states."""
    visitor = Visitor(browser, server, shots, "other")
    visitor.go("/sign-in", "sign-in")
    visitor.page.get_by_role("button", name="Sign in").click()
    visitor.check("sign-in-errors")
    visitor.sign_in("admin@example.org")
    visitor.go("/no-such-page", "not-found")
    visitor.go("/moderation", "moderation-as-admin")
    visitor.go("/assessments", "assessments-as-admin")
    visitor.go("/board?period=2024/25", "board-2024-25")
    visitor.go("/admin", "admin")
    visitor.page.get_by_role("button", name="Add user").click()
    visitor.check("admin-errors")
    # One axe check of the plan page (35 items long): with an update's history and an error.
    visitor.page.goto(f"/plans?unit={quote(HOUSING)}&period=2025/26")
    page = visitor.page
    for status in ("On track", ""):
        page.get_by_text("Update the status of duties.pay-gap").click()
        page.locator("#duties--pay-gap-status").select_option(status)
        page.locator("#duties--pay-gap-note").fill("Payroll data requested")
        with page.expect_navigation():
            page.locator("#duties--pay-gap button").click()
    assert "Payroll data requested</td>" in page.content()
    visitor.check("plan-update-errors")
    visitor.close()


def test_autosave_and_unsaved_changes(browser: Any, server: str, shots: Path) -> None:
    """Typing marks the page as changed; a few seconds later the answers are saved."""
    team = Visitor(browser, server, shots, "autosave")
    team.sign_in("housing@example.org")
    page = team.page
    page.wait_for_url("**/assessments")
    page.locator("#unit").select_option(HOUSING)
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r".*/assessments/\d+$"))
    page.get_by_role("link", name="An inclusive environment").click()
    page.locator("textarea[name='notes:environment.inclusive-buildings']").fill("Autosaved note")
    status = page.locator("[data-autosave-status]")
    assert status.inner_text() == "You have unsaved changes"
    playwright_api.expect(status).to_have_text(re.compile("^Saved automatically"), timeout=10_000)
    team.check("autosaved")
    # The version moved on with the save, so the buttons still save without a conflict.
    page.get_by_role("button", name="Save and come back later").click()
    page.wait_for_url(re.compile(r".*/assessments/\d+$"))
    page.get_by_role("link", name="An inclusive environment").click()
    saved = page.locator("textarea[name='notes:environment.inclusive-buildings']").input_value()
    assert saved == "Autosaved note"
    team.close()
