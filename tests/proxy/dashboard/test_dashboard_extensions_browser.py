"""The dashboard's Extensions section in headless Chromium, against a real `python -m proxy serve`
whose `extensions` component is a stand-in of the extensions service's API: the tables fill from
it, and Disable / Enable / Test / Replay / attempts reach it through the proxy's pass-through."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.proxy.dashboard import test_dashboard_browser as base
from tests.proxy.dashboard.extensions_api import FakeExtensionsApi
from tests.proxy.proxy_processes import ProxyProcess, Upstream, free_port, start_proxy

if TYPE_CHECKING:
    from selenium.webdriver.chromium.webdriver import ChromiumDriver as WebDriver

By = pytest.importorskip("selenium.webdriver.common.by").By
pytestmark = base.pytestmark
browser = base.browser  # the fixture: headless Chromium, a screenshot when the test fails
eventually, element = base.eventually, base.element
SCREENSHOT = base.SCREENSHOT.with_name("dashboard-extensions.png")


@pytest.fixture
def extensions_api() -> Iterator[FakeExtensionsApi]:
    with FakeExtensionsApi("sekret").running() as api:  # start_proxy's admin token
        yield api


def start(tmp_path: Path, wordpress: Upstream, *components: str) -> ProxyProcess:
    arguments = [flag for component in components for flag in ("--component", component)]
    return start_proxy(tmp_path, wordpress.url, extra_args=arguments)


def sign_in(driver: WebDriver, proxy: ProxyProcess) -> None:
    driver.get(proxy.admin_url + "/")
    element(driver, "#login-token").send_keys(proxy.token + "\n")
    element(driver, "#components [data-component]")


def text(driver: WebDriver, css: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, css).text)


def shows(driver: WebDriver, css: str, expected: str) -> None:
    """The section re-renders on every refresh: an element read once may be stale, so read until it shows."""
    eventually(lambda: text(driver, css) == expected, what=f"{css} = {expected!r}")


def click(driver: WebDriver, css: str) -> None:
    """Find and click in one go, again if a refresh replaced the element in between."""

    def clicked() -> bool:
        driver.find_element(By.CSS_SELECTOR, css).click()
        return True

    eventually(clicked, what=f"click {css}")


def test_extensions_section(tmp_path: Path, extensions_api: FakeExtensionsApi, browser: WebDriver) -> None:
    with Upstream().running() as wordpress:
        proxy = start(tmp_path, wordpress, f"extensions={extensions_api.health_url}")
        try:
            sign_in(browser, proxy)
            audit = 'tr[data-extension="audit-log"]'
            eventually(lambda: text(browser, f'{audit} td[data-col="state"]') == "enabled", what="extensions table")
            shows(browser, f'{audit} td[data-col="subscriptions"]', "post.*, comment.created")
            shows(browser, f'{audit} td[data-col="handled"]', "1,234")
            shows(browser, f'{audit} td[data-col="dead_lettered"]', "2")
            broken = 'tr[data-extension="broken-one"]'
            eventually(lambda: "ImportError" in text(browser, f'{broken} td[data-col="error"]'), what="broken error")
            assert not browser.find_elements(By.CSS_SELECTOR, f"{broken} button")  # broken: nothing to switch

            # Disable an extension: the POST reaches the service with the admin token.
            click(browser, f"{audit} button.disable")
            eventually(lambda: extensions_api.requests("POST", "/api/extensions/audit-log/disable"), what="disable")
            assert extensions_api.requests("POST", "/api/extensions/")[0].authorization == "Bearer sekret"
            eventually(lambda: text(browser, f'{audit} td[data-col="state"]') == "disabled", what="disabled shown")
            element(browser, f"{audit} button.enable")

            # A webhook endpoint disabled after failing: enable it, then send a test event.
            endpoint = 'tr[data-endpoint="ep_1"]'
            eventually(lambda: "failing for 5 days" in text(browser, f'{endpoint} td[data-col="state"]'), what="reason")
            shows(browser, f'{endpoint} td[data-col="counts"]', "1 / 7 / 3")
            click(browser, f"{endpoint} button.enable")
            eventually(lambda: extensions_api.requests("POST", "/api/webhooks/endpoints/ep_1/enable"), what="enable")
            eventually(lambda: element(browser, f"{endpoint} button.disable"), what="endpoint enabled")
            click(browser, f"{endpoint} button.test")
            eventually(lambda: "test delivery msg_abc" in text(browser, "#flash"), what="test result")

            # A failed delivery: replay it, then open its attempts.
            delivery = 'tr[data-delivery="msg_abc"]'
            shows(browser, f'{delivery} td[data-col="state"]', "failed")
            click(browser, f"{delivery} button.replay")
            replays = "/api/webhooks/deliveries/msg_abc/replay"
            eventually(lambda: extensions_api.requests("POST", replays), what="replay")
            eventually(lambda: text(browser, f'{delivery} td[data-col="state"]') == "pending", what="replay shown")
            click(browser, f"{delivery} button.attempts")
            log = 'tr.attempt-log[data-attempts-of="msg_abc"]'
            eventually(lambda: "#1" in text(browser, log) and "500" in text(browser, log), what="attempt log")
            base.save_full_page(browser, SCREENSHOT)
            console = browser.get_log("browser")  # type: ignore[no-untyped-call]
            assert [e for e in console if e["level"] == "SEVERE"] == []
        finally:
            proxy.stop()


def test_section_hidden_without_the_component(tmp_path: Path, browser: WebDriver) -> None:
    with Upstream().running() as wordpress:
        proxy = start(tmp_path, wordpress, f"search=http://127.0.0.1:{free_port()}/healthz")
        try:
            sign_in(browser, proxy)
            element(browser, '#components [data-component="search"]')
            assert not browser.find_element(By.ID, "extensions").is_displayed()
        finally:
            proxy.stop()
