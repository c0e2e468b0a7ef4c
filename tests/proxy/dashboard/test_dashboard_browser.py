"""The dashboard in headless Chromium (Debian's `chromium` + `chromium-driver`, driven by selenium):
sign in, see components and routes, drill into a mismatch, change a mode and ignore a field
through the UI (checked through the admin API), and save a screenshot to test-artifacts/."""

from __future__ import annotations

import base64
import contextlib
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from aiohttp import web

from proxy.client import AdminClient
from tests.proxy.proxy_processes import REPO, ProxyProcess, Upstream, free_port, serve_in_thread, start_proxy

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (dev extra)")
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chromium.webdriver import ChromiumDriver as WebDriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Debian's chromium and chromium-driver "
    "(apt-get install -y --no-install-recommends chromium chromium-driver)",
)
SCREENSHOT = REPO / "test-artifacts" / "dashboard.png"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1440,1000",
)  # fmt: skip
T = TypeVar("T")


def eventually(check: Callable[[], T], timeout: float = 15.0, what: str = "condition") -> T:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(AssertionError, LookupError, NoSuchElementException, StaleElementReferenceException):
            result = check()
            if result:
                return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def browser(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebDriver]:
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_AVOID_STATS", "true")  # explicit binaries: Selenium Manager must not phone home
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    service = Service(executable_path=CHROMEDRIVER, log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(20)
    try:
        yield driver
        if getattr(request.node, "report_call", None) is not None and request.node.report_call.failed:
            save_full_page(driver, SCREENSHOT.with_name("dashboard-failure.png"))
    finally:
        driver.quit()


@pytest.fixture
def cdc_health() -> Iterator[str]:
    """Stands in for the CDC connector's /healthz."""

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"healthy": True, "state": "streaming", "lag_ms": 42, "tables": {"wp_posts": {}}})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    port = free_port()
    with serve_in_thread(app, port):
        yield f"http://127.0.0.1:{port}/healthz"


@pytest.fixture
def proxy(tmp_path: Path, cdc_health: str) -> Iterator[ProxyProcess]:
    with Upstream().running() as wordpress, Upstream().running() as service:
        routes = (
            f"services: {{content: '{service.url}'}}\n"
            "routes:\n"
            "  - {name: posts, paths: ['/wp-json/wp/v2/posts/**'], service: content, mode: shadow,"
            " shadow: {noise_sample_percent: 0}}\n"
            "  - {name: pages, paths: ['/about/**'], service: content, mode: shadow,"
            " shadow: {noise_sample_percent: 0}}\n"
        )
        components = [
            "--component",
            f"cdc={cdc_health}",
            "--component",
            f"search=http://127.0.0.1:{free_port()}/healthz",
        ]
        process = start_proxy(tmp_path, wordpress.url, routes_text=routes, extra_args=components)
        try:
            # The fake upstreams answer JSON with their own port: posts mismatch at $.port; pages match.
            with httpx.Client(base_url=process.url) as visitor:
                for index in range(6):
                    visitor.get(f"/wp-json/wp/v2/posts/{index}").raise_for_status()
                    visitor.get(f"/about/{index}").raise_for_status()
            with AdminClient(process.admin_url, process.token) as admin:
                eventually(lambda: sum(admin.stats()["posts"]["comparisons"].values()) >= 6, what="comparisons")
            yield process
        finally:
            process.stop()


def element(driver: WebDriver, css: str, timeout: float = 15.0) -> WebElement:
    return eventually(lambda: driver.find_element(By.CSS_SELECTOR, css), timeout, css)


def cell(driver: WebDriver, route: str, column: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, f'tr[data-route="{route}"] td[data-col="{column}"]').text)


def save_full_page(driver: WebDriver, path: Path) -> None:
    """The whole page, not just the viewport (Chrome DevTools' captureBeyondViewport)."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 6000), "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"captureBeyondViewport": True, "clip": clip})
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))


def route_of(admin: AdminClient, name: str) -> dict[str, Any]:
    return next(r for r in admin.list_routes() if r["name"] == name)


def test_dashboard_in_headless_chromium(proxy: ProxyProcess, browser: WebDriver) -> None:
    admin = AdminClient(proxy.admin_url, proxy.token)
    browser.get(proxy.admin_url + "/")
    token_input = element(browser, "#login-token")
    token_input.send_keys("wrong\n")
    eventually(lambda: "Wrong token" in browser.find_element(By.ID, "login-error").text, what="refusal")
    token_input.clear()
    token_input.send_keys(proxy.token + "\n")

    # Routes with their parity, components with their health and the CDC lag.
    eventually(lambda: cell(browser, "pages", "match") == "100%", what="pages at 100%")
    assert cell(browser, "posts", "match") == "0%"
    assert "shadow" in cell(browser, "posts", "mode")
    assert "lag 42 ms" in element(browser, '[data-component="cdc"].up').text
    assert "down" in element(browser, '[data-component="search"].down').text
    assert element(browser, "#cdc-lag").text == "CDC lag 42 ms"

    # Drill down: route panel, charts, a mismatch with its diff and the curl commands.
    element(browser, 'tr[data-route="posts"] button.inspect').click()
    element(browser, "#route-panel svg.chart polyline")
    element(browser, "#route-panel tr.comparison").click()
    difference = element(browser, '#drilldown tr.difference[data-path="$.port"]')
    assert "curl -sS" in element(browser, "#drilldown pre.command").text
    assert browser.find_elements(By.CSS_SELECTOR, "#drilldown td.code.change")

    # Ignore the field from the drill-down: it lands in the route's compare.ignore.
    difference.find_element(By.CSS_SELECTOR, "button.ignore").click()
    eventually(lambda: route_of(admin, "posts")["compare"]["ignore"] == ["$.port"], what="ignore saved")
    element(browser, '#route-panel ul.ignored li[data-path="$.port"]')

    # Canary at 25%: parity is low, so the first click arms and the second applies.
    row = element(browser, 'tr[data-route="posts"]')
    Select(row.find_element(By.CSS_SELECTOR, "select.mode")).select_by_value("canary")
    percent = row.find_element(By.CSS_SELECTOR, "input.percent")
    percent.clear()
    percent.send_keys("25")
    apply = row.find_element(By.CSS_SELECTOR, "button.apply")
    apply.click()
    eventually(lambda: apply.text.startswith("Confirm"), what="confirmation")
    apply.click()
    eventually(lambda: route_of(admin, "posts")["mode"] == "canary", what="mode change")
    assert route_of(admin, "posts")["canary_percent"] == 25
    eventually(lambda: "canary 25%" in cell(browser, "posts", "mode"), what="mode shown")

    save_full_page(browser, SCREENSHOT)
    console = browser.get_log("browser")  # type: ignore[no-untyped-call]
    errors = [e for e in console if e["level"] == "SEVERE" and "/api/routes" not in e["message"]]
    assert errors == []  # the 401 of the wrong token is the only expected console error
    admin.close()
