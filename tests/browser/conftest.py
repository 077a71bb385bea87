"""Real-browser tests: Debian's headless Chromium driven by Playwright against
pytest-django's live server.

One browser for the whole session (starting Chromium costs about a second), a
fresh context (cookies, storage, viewport, language) for every test. Each
journey step goes through ``Journey.step``: a screenshot for people to look at,
then the checks every page must pass in every state: axe-core (WCAG 2.2 A/AA),
no horizontal scrolling at the current width, touch targets of 44 px, a
visible keyboard focus and no errors in the console (a Content Security
Policy violation shows there as an error).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from tests import factories

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Widths a child, a parent and a teacher use: a small phone, a tablet, a laptop.
PHONE = {"width": 360, "height": 740}
TABLET = {"width": 768, "height": 1024}
LAPTOP = {"width": 1280, "height": 800}

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
MIN_TARGET = 44  # px, WCAG 2.5.5 (AAA) — larger than 2.2's 24 px minimum, for small fingers

RESULTS_DIR = Path(settings.BASE_DIR) / "var" / "test-results" / "browser"
DOCS_DIR = Path(settings.BASE_DIR) / "docs" / "screenshots"
# The curated screenshots in docs/screenshots/ change only when asked for:
# `MIMS_UPDATE_SCREENSHOTS=1 .venv/bin/pytest tests/browser`.
UPDATE_DOCS = os.getenv("MIMS_UPDATE_SCREENSHOTS", "") == "1"

# What a person taps in the page: buttons, button-like links, form controls,
# the header and footer controls. Links inside running text are exempt, as in
# WCAG 2.5.8's "inline" exception.
TARGETS_JS = """
() => Array.from(document.querySelectorAll(
    'main button, main .button, main .actions a, main input:not([type=hidden]), main select, main textarea,'
    + ' main summary, .site-header a, .site-header button, .site-footer button, .site-footer select'))
  .filter(el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
  .filter(el => !(el.type === 'radio' || el.type === 'checkbox'))  // measured by their label instead
  .map(el => { const r = el.getBoundingClientRect();
               return {html: el.outerHTML.slice(0, 120), width: r.width, height: r.height}; })
  .concat(Array.from(document.querySelectorAll('main label'))
    .filter(l => l.control && (l.control.type === 'radio' || l.control.type === 'checkbox'))
    .map(l => { const r = l.getBoundingClientRect();
                return {html: l.outerHTML.slice(0, 120), width: r.width, height: r.height}; }))
"""


class _SharedBrowser:
    """One Chromium for the whole run, even when another folder's conftest
    imports these fixtures (pytest then makes a second session fixture, and a
    second sync_playwright() in the same thread would fail)."""

    def __init__(self) -> None:
        self.users = 0
        self.playwright = None
        self.browser: Browser | None = None

    def acquire(self) -> Browser:
        if self.browser is None:
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
        self.users += 1
        return self.browser

    def release(self) -> None:
        self.users -= 1
        if self.users == 0 and self.browser is not None:
            from django.db import connections

            try:
                self.browser.close()
            finally:
                # Django keeps connections per context, and Playwright's is its own:
                # close the ones opened in it, or dropping the test database fails.
                connections.close_all()
                self.playwright.stop()
                self.browser = self.playwright = None


_shared = _SharedBrowser()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-chromium (or `make browser`) once.")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    try:
        yield _shared.acquire()
    finally:
        _shared.release()


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


# The live server's tests empty the database after each test (pytest-django's
# transactional_db), and with it the rows data migrations made. Content types
# and permissions come back by themselves (post_migrate); these do not, so the
# fixture below puts them back. tests/browser/test_harness.py fails when a new
# RunPython migration appears that is in neither list.
RESTORED_MIGRATIONS = {
    ("accounts", "0002_staff_groups"),
    ("helpdesk", "0002_staff_group_permissions"),
    ("sspr", "0002_seed_questions"),
    ("accounts", "0007_user_language_and_undelivered_notices"),
}
MIGRATIONS_WITHOUT_ROWS = {
    ("accounts", "0003_auditevent_append_only"),  # a trigger, on PostgreSQL
    ("accounts", "0004_student_search_indexes"),  # indexes, on PostgreSQL
    ("helpdesk", "0003_reference_code_folded"),  # fixes rows that exist
    ("accounts", "0005_reserved_login_ids_and_leavers"),  # reserves the login IDs of children that exist
    ("accounts", "0006_student_ref_unique_across_schools"),  # checks rows that exist
    ("sspr", "0003_resetlock_hmac_key_dealt_pair_growing_locks"),  # re-keys lock rows that exist
}


def restore_migrated_rows() -> None:
    """The staff groups with their permissions, and the question bank, as the
    migrations in RESTORED_MIGRATIONS make them (idempotent)."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    from sspr.questions import seed_questions

    accounts = importlib.import_module("accounts.migrations.0002_staff_groups").PERMISSIONS
    helpdesk = importlib.import_module("helpdesk.migrations.0002_staff_group_permissions").PERMISSIONS
    wanted = {name: list(perms) for name, perms in accounts.items()}
    for name, codenames in helpdesk.items():
        wanted.setdefault(name, []).extend(("helpdesk", c) for c in codenames)
    # accounts 0007: ICT admins see (and clear) the notices that reached no one.
    wanted["School ICT admin"] += [("accounts", "view_undeliverednotice"), ("accounts", "delete_undeliverednotice")]
    for name, perms in wanted.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    seed_questions()


class _RestoreAfterFlush:
    """After every test that empties the database (transactional ones, the live
    server's among them, in any folder), put back the data migrations' rows, so
    that no later test depends on running before one of ours. Registered for the
    whole run from here because these tests are the first to flush many times;
    it belongs in tests/conftest.py if more folders need it."""

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item, nextitem: pytest.Item | None):
        yield
        marker = item.get_closest_marker("django_db")
        flushed = {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())) or (
            marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
        )
        # After the last test the test database is already gone, and nothing needs it.
        if flushed and nextitem is not None:
            from pytest_django.plugin import blocking_manager_key

            with item.config.stash[blocking_manager_key].unblock():
                restore_migrated_rows()


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("mims-restore-after-flush"):
        config.pluginmanager.register(_RestoreAfterFlush(), "mims-restore-after-flush")


@pytest.fixture
def questions_bank(transactional_db) -> None:
    """What the data migrations made: the question bank and the staff groups."""
    restore_migrated_rows()


@pytest.fixture
def staff_groups(questions_bank) -> None:
    """The staff groups with every app's permissions (same as questions_bank; named for readers)."""


class Journey:
    """One test's browser context and page, with the checks run at every step."""

    def __init__(self, context: BrowserContext, base_url: str, name: str, axe: Axe) -> None:
        self.context = context
        self.base_url = base_url
        self.name = name
        self.axe = axe
        self.page = context.new_page()
        self.errors: list[str] = []
        self.steps = 0
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.dir = RESULTS_DIR / name
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)

    def _console(self, message) -> None:
        # A 4xx page (the lock page is a 429) is logged as a failed resource; for
        # the page itself that is the page working. A missing asset still fails.
        page_itself = message.location.get("url") == self.page.url
        if message.type == "error" and not (page_itself and message.text.startswith("Failed to load resource")):
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str) -> Page:
        response = self.page.goto(self.url(path))
        assert response is not None and response.status < 500, f"{path}: {response and response.status}"
        return self.page

    def set_width(self, viewport: dict) -> None:
        self.page.set_viewport_size(viewport)

    def step(self, label: str, *, docs: str = "", checks: bool = True, layout: bool = True) -> Path:
        """Screenshot this state and check it. ``docs`` names a curated copy."""
        self.page.wait_for_load_state("load")
        self.steps += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        path = self.dir / f"{self.steps:02d}-{slug}.png"
        self.page.screenshot(path=path, full_page=True)
        if docs and UPDATE_DOCS:
            DOCS_DIR.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS_DIR / f"{docs}.png")
        if checks:
            self.check(label, layout=layout)
        return path

    def check(self, label: str = "", *, layout: bool = True) -> None:
        """axe always; the layout rules (44 px, no sideways scroll) on the portal's own
        pages — Django admin is a desktop tool with its own dense layout."""
        where = f"{self.name} / {label} ({self.page.url})"
        results = run_axe(self.page, self.axe)
        assert results.violations_count == 0, f"{where}\n{results.generate_report()}"
        if layout:
            check_layout(self.page, where)
            check_forms(self.page, where)
            # Every state must also fit the smallest phone, whatever width this journey uses.
            viewport = self.page.viewport_size
            if viewport != PHONE:
                self.page.set_viewport_size(PHONE)
                check_layout(self.page, f"{where} at 360 px")
                self.page.set_viewport_size(viewport)
        assert not self.errors, f"{where}: {self.errors}"


def run_axe(page: Page, axe: Axe) -> AxeResults:
    """axe-core's WCAG checks; the 500 kB script goes in once per document, not once per check."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe.axe_script)
    return AxeResults(page.evaluate("options => axe.run(document, options)", AXE_OPTIONS))


def check_layout(page: Page, where: str) -> None:
    """No sideways scrolling at this width; every target big enough to tap."""
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{where}: page is {scroll_width}px wide in a {width}px window"
    small = [t for t in page.evaluate(TARGETS_JS) if t["width"] < MIN_TARGET - 0.5 or t["height"] < MIN_TARGET - 0.5]
    assert not small, f"{where}: targets smaller than {MIN_TARGET}px: {small}"


FORMS_JS = """
() => {
  const problems = [];
  const controls = document.querySelectorAll('main input:not([type=hidden]), main select, main textarea');
  for (const el of controls) {
    if (!el.labels || el.labels.length === 0) problems.push('no label: ' + el.outerHTML.slice(0, 100));
    if (el.getAttribute('aria-invalid') === 'true') {
      // A radio group's message belongs to its fieldset.
      const group = (el.type === 'radio' || el.type === 'checkbox') && el.closest('fieldset');
      const holder = group && group.hasAttribute('aria-describedby') ? group : el;
      const ids = (holder.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
      const texts = ids.map(id => document.getElementById(id)).filter(Boolean).map(e => e.textContent.trim());
      if (!texts.some(Boolean)) problems.push('invalid but no message tied to it: ' + el.name);
    }
  }
  const errorsShown = document.querySelector('main .errorlist li, main .form-errors');
  if (errorsShown && !document.querySelector('main [role=alert]')) problems.push('errors shown but none announced');
  return problems;
}
"""


def check_forms(page: Page, where: str) -> None:
    """Labels tied to every control; an invalid box points at its message; errors are announced."""
    problems = page.evaluate(FORMS_JS)
    assert not problems, f"{where}: {problems}"


def new_journey(browser: Browser, live_server, request, axe: Axe, viewport: dict = LAPTOP,
                locale: str = "en-GB", who: str = "") -> Journey:
    context = browser.new_context(viewport=viewport, locale=locale, reduced_motion="reduce")
    context.set_default_timeout(5_000)
    request.addfinalizer(context.close)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    return Journey(context, live_server.url, f"{name}-{who}" if who else name, axe)


@pytest.fixture
def journey(browser: Browser, live_server, request, axe: Axe, questions_bank) -> Journey:
    """A laptop-sized browser tab in English (override the width per test with set_width)."""
    return new_journey(browser, live_server, request, axe)


@pytest.fixture
def make_journey(browser: Browser, live_server, request, axe: Axe, questions_bank):
    """Several independent people (say, a parent and a teacher) in one test."""

    def make(viewport: dict = LAPTOP, locale: str = "en-GB", who: str = "") -> Journey:
        return new_journey(browser, live_server, request, axe, viewport, locale, who)

    return make


# --- What a person does -----------------------------------------------------


def field(page: Page, label: str) -> Locator:
    """The form control with this label (Django adds a colon to labels)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}[:：]?\s*$"))


def download_pdf(page: Page, link_name: str, folder: Path) -> tuple[str, str]:
    """Click the link that downloads a PDF; (the file's name, its first page's text)."""
    import pypdfium2 as pdfium

    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).click()
    target = folder / download.value.suggested_filename
    download.value.save_as(target)
    return target.name, pdfium.PdfDocument(target.read_bytes())[0].get_textpage().get_text_range()


def sign_in(
    j: Journey, login_id: str, password: str, *, label: str = "sign in", check: bool = True, docs: str = ""
) -> None:
    device = _staff_authenticator(login_id)
    j.goto("/login/")
    field(j.page, "Login ID").fill(login_id)
    field(j.page, "Password").fill(password)
    if check:
        j.step(f"{label} form", docs=docs)
    j.page.get_by_role("button", name="Sign in").click()
    j.page.wait_for_load_state("load")
    if device is not None and "/staff/second-factor/" in j.page.url:
        # Staff: the second step, with the code their authenticator app shows now
        # (tests/browser/test_journeys_second_factor.py walks these pages themselves).
        from tests.second_factor.conftest import code_for

        field(j.page, "Code").fill(code_for(device))
        j.page.get_by_role("button", name="Continue").click()
        j.page.wait_for_load_state("load")


def _staff_authenticator(login_id: str):
    """An authenticator app for a staff member who needs a second factor (None for children)."""
    from accounts.models import User
    from second_factor import rules

    user = User.objects.filter(username=login_id).first()
    if user is None or not rules.must_verify(user):
        return None
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or factories.give_authenticator(user)


def answer_questions(page: Page, answers: dict[str, str]) -> None:
    """Fill in the answers to whichever questions the page asks (by label text)."""
    boxes = page.locator("input[name^=answer_]")
    for i in range(boxes.count()):
        box = boxes.nth(i)
        label = page.locator(f"label[for='{box.get_attribute('id')}']").inner_text().strip().rstrip(":")
        box.fill(answers[label])


def set_up_questions(j: Journey, answers: list[str], *, password: str = "", label: str = "set-up") -> None:
    """The set-up, one question per page: the password on the first step, then on
    each step the second question left in the list and its answer."""
    page = j.page
    for n, answer in enumerate(answers, 1):
        expect(page.locator(".caption")).to_have_text(f"Question {n} of {len(answers)}")
        if n == 1 and password:
            field(page, "Your password").fill(password)
        page.get_by_role("group", name=f"Pick question {n}").get_by_role("radio").nth(1).check()
        field(page, "Your answer").fill(answer)
        j.step(f"{label}: question {n} of {len(answers)} answered")
        page.get_by_role("button", name="Next" if n < len(answers) else "Save my questions").click()
        page.wait_for_load_state("load")
