"""End-to-end fixtures: the real app served over HTTP in a thread, driven by Debian's headless Chromium."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("IMSA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        # Never a silent skip: `make test` installs Chromium, so its absence is a broken set-up.
        pytest.fail(
            f"Chromium not found at {CHROMIUM}; run `make test` (it installs it) or set IMSA_CHROMIUM"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The test app on a free local port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["IMSA_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app.config["IMSA_BASE_URL"]
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.expected_errors = []  # a test that cuts the connection on purpose lists what it expects
    yield page
    context.close()
    unexpected = [e for e in errors if not any(expected in e for expected in page.expected_errors)]
    assert unexpected == [], f"the browser reported errors: {unexpected}"
