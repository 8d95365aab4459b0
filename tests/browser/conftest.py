"""Fixtures for browser tests: live_server, browser, page, browser_login.

The app fixture's Flask app is served from a background thread with CSRF protection switched on,
and Chromium (Debian's, not Playwright's download) drives it. Every test in this folder is marked
`browser`; all of them are skipped when no Chromium is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import func, select
from werkzeug.serving import make_server

from kitchen.extensions import db
from kitchen.models import Job
from kitchen.services import worker

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parents[1] / "test-artifacts"
CHROMIUM = os.environ.get("KITCHEN_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--lang=zh-CN",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 800}

_report_key = pytest.StashKey[dict[str, pytest.TestReport]]()


def chromium_path() -> str | None:
    """The Chromium executable to drive, or None when it is not installed."""
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which(CHROMIUM) if os.sep not in CHROMIUM else None


def _in_this_folder(item: pytest.Item) -> bool:
    return HERE in Path(item.path).resolve().parents


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark this folder's tests `browser` (before -m selects) and skip them without Chromium."""
    missing = chromium_path() is None
    skip = pytest.mark.skip(
        reason=f"Chromium not found at {CHROMIUM} (install the `chromium` package "
        "or set KITCHEN_CHROMIUM)"
    )
    for item in items:
        if _in_this_folder(item):
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say so at the end of the run when browser tests were skipped for want of Chromium."""
    if chromium_path() is None and terminalreporter.stats.get("skipped"):
        terminalreporter.write_line(
            f"browser tests skipped: Chromium not found at {CHROMIUM}", yellow=True
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item so `page` can tell whether the test failed."""
    report = yield
    item.stash.setdefault(_report_key, {})[report.when] = report
    return report


# --- the served app -------------------------------------------------------------------------


class LiveServer:
    """A Flask app served by werkzeug from a thread; remembers server errors (5xx, exceptions)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.errors: list[str] = []
        self._active = 0
        self._lock = threading.Condition()
        self.server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="live-server",
            daemon=True,
        )

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"

        def recording_start_response(status: str, *args: Any) -> Any:
            if status.startswith("5"):
                self.errors.append(f"{request} answered {status}")
            return start_response(status, *args)

        with self._lock:
            self._active += 1
        try:
            # Materialise the body so the request is over when this returns.
            body = self.app(environ, recording_start_response)
            try:
                return list(body)
            finally:
                if hasattr(body, "close"):
                    body.close()
        except BaseException as exc:
            self.errors.append(f"{request} raised {exc!r}")
            raise
        finally:
            with self._lock:
                self._active -= 1
                self._lock.notify_all()

    def start(self) -> None:
        self.thread.start()

    def stop(self, drain_seconds: float = 5.0) -> None:
        """Stop accepting, then wait for requests in flight to finish."""
        self.server.shutdown()
        self.thread.join(timeout=5)
        deadline = time.monotonic() + drain_seconds
        with self._lock:
            while self._active and time.monotonic() < deadline:
                self._lock.wait(timeout=0.05)


class LiveWorker:
    """The background worker, as `make run` starts it beside the server, in a thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="live-worker")

    def _run(self) -> None:
        with self.app.app_context():
            worker.run(self.stopping, poll=0.05)

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until the worker has done everything queued so far."""
        deadline = time.monotonic() + timeout
        with self.app.app_context():
            while db.session.scalar(select(func.count(Job.id)).where(Job.gave_up.is_(False))):
                db.session.rollback()
                if time.monotonic() > deadline:
                    pytest.fail("the worker did not empty the queue", pytrace=False)
                time.sleep(0.05)

    def stop(self) -> None:
        """Finish the batch in hand and stop."""
        self.stopping.set()
        self.thread.join(timeout=30)


@pytest.fixture
def live_worker(app: Flask) -> Iterator[LiveWorker]:
    """The worker draining the queue in the background while the test runs."""
    running = LiveWorker(app)
    running.thread.start()
    yield running
    running.stop()


@pytest.fixture
def live_server(app: Flask, live_worker: LiveWorker) -> Iterator[str]:
    """The app (with CSRF protection on) served on a free 127.0.0.1 port, with its worker;
    yields the base URL.

    Requests run in server threads with their own app contexts, hence their own SQLAlchemy
    sessions, on the same database as the test. The server stops before `app` empties the tables.
    A 5xx answer or an exception in any request fails the test at teardown.
    """
    app.config["WTF_CSRF_ENABLED"] = True
    server = LiveServer(app)
    server.start()
    yield server.url
    server.stop()
    if server.errors:
        pytest.fail("server errors: " + "; ".join(server.errors), pytrace=False)


# --- Chromium ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium, one for the whole run."""
    executable = chromium_path()
    if executable is None:
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^\w.-]+", "_", nodeid.split("::", 1)[-1]).strip("_")[:120]


@pytest.fixture
def page(browser: Browser, live_server: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh Chinese-locale page; a screenshot lands in test-artifacts/ when the test fails.

    Anything the Content-Security-Policy blocked, and any script error, fails the test: the
    policy forbids inline script, so a handler left in a template would break silently.
    It closes before the live server stops, so no request arrives after the data is gone.
    """
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP, base_url=live_server)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield tab
    reports = request.node.stash.get(_report_key, {})
    if any(r.failed for r in reports.values()):
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            tab.screenshot(
                path=ARTIFACTS / f"failed-{_artifact_name(request.node.nodeid)}.png", full_page=True
            )
        except Exception as exc:  # the page may be gone; the failure itself matters more
            print(f"no failure screenshot: {exc!r}")
    context.close()
    assert not problems, problems


BrowserLogin = Callable[[str, str], None]


@pytest.fixture
def browser_login(page: Page, live_server: str) -> BrowserLogin:
    """Sign in through the real form: browser_login(email, password), then wait for /home."""

    def login(email: str, password: str) -> None:
        page.goto(f"{live_server}/login")
        page.locator("input[name=email]").fill(email)
        page.locator("input[name=password]").fill(password)
        page.locator("main form [type=submit]").click()
        page.wait_for_url(f"{live_server}/home")

    return login
