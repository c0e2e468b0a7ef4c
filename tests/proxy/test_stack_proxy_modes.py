"""Modes on the real stack with a stand-in service: shadow (parity, safety), canary, cutover,
fallback when the service dies mid-traffic, rollback, hot reload good and bad."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from proxy.client import AdminClient
from tests.proxy.stack_helpers import CloneService

pytestmark = pytest.mark.stack
ROUTE = "stack-test-posts"
PATHS = ["/wp-json/wp/v2/posts", "/wp-json/wp/v2/posts/{id:int}"]


@pytest.fixture
def admin(stack) -> Iterator[AdminClient]:  # type: ignore[no-untyped-def]
    proxy = stack.components["proxy"]
    with AdminClient(proxy["admin_url"], proxy["admin_token"]) as client:
        yield client
        if any(r["name"] == ROUTE for r in client.list_routes()):
            client.delete_route(ROUTE)


@pytest.fixture
def clone(stack) -> Iterator[CloneService]:  # type: ignore[no-untyped-def]
    with CloneService(stack.components["wordpress"]["url"].rstrip("/")).running() as service:
        yield service


@pytest.fixture
def proxy_url(stack) -> str:  # type: ignore[no-untyped-def]
    return str(stack.components["proxy"]["url"]).rstrip("/")


def _wait_for_comparisons(admin: AdminClient, count: int, since: float) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 45
    rows = admin.comparisons(ROUTE, since=since, limit=500)
    while len(rows) < count and time.monotonic() < deadline:
        time.sleep(0.2)
        rows = admin.comparisons(ROUTE, since=since, limit=500)
    return rows


def test_shadow_matches_and_stays_safe(admin: AdminClient, clone: CloneService, proxy_url: str) -> None:
    since = time.time()
    admin.set_route(
        ROUTE,
        PATHS,
        "clone",
        service_url=clone.url,
        mode="shadow",
        timeout=60,  # the machine may be slow; this test is about parity, not timeouts
        compare={"headers": ["content-type", "x-wp-total", "x-wp-totalpages", "link"]},
    )
    posts = httpx.get(proxy_url + "/wp-json/wp/v2/posts", timeout=120).json()
    targets = ["/wp-json/wp/v2/posts", "/?rest_route=/wp/v2/posts", "/wp-json/wp/v2/posts?per_page=1"]
    targets += [f"/wp-json/wp/v2/posts/{p['id']}" for p in posts[:5]]
    for target in targets:
        answer = httpx.get(proxy_url + target, headers={"Cookie": "theme=dark"}, timeout=120)
        assert answer.status_code == 200 and "x-served-by" not in answer.headers
    expected = len(targets) + 1  # the collection fetched first is shadowed too
    rows = _wait_for_comparisons(admin, expected, since)
    assert len(rows) == expected, ([(r["target"], r["outcome"], r["error"]) for r in rows], admin.stats())
    assert all(r["outcome"] in ("match", "noise", "equivalent") for r in rows), [
        r["diff"] for r in rows if r["outcome"] != "match"
    ]
    assert all("cookie" not in seen["headers"] for seen in clone.seen)
    before = len(clone.seen)
    httpx.post(proxy_url + "/wp-json/wp/v2/posts", json={"title": "x"}, timeout=120)
    httpx.get(proxy_url + "/wp-json/wp/v2/posts?_method=POST", timeout=120)
    httpx.get(proxy_url + "/wp-json/wp/v2/posts", headers={"X-HTTP-Method-Override": "DELETE"}, timeout=120)
    editor = httpx.get(proxy_url + "/wp-json/wp/v2/posts", headers={"Cookie": "wordpress_logged_in_x=s"}, timeout=120)
    assert editor.status_code == 200 and "x-served-by" not in editor.headers
    # a last anonymous read is shadowed: copies leave the queue in order, so had any of the writes or the
    # editor's read above been copied, it would have reached the service before this one was compared
    httpx.get(proxy_url + "/wp-json/wp/v2/posts?per_page=2", timeout=120)
    rows = _wait_for_comparisons(admin, expected + 1, since)
    assert len(rows) == expected + 1
    assert [seen["path"] for seen in clone.seen[before:]] == ["/wp-json/wp/v2/posts?per_page=2"], (
        "unsafe and personal requests must never reach the shadow service"
    )
    stats = admin.stats()[ROUTE]
    assert stats["match_percent"] == 100.0 and stats["legacy_ms"]["p50"] and stats["candidate_ms"]["p50"]


def test_shadow_reports_a_broken_field(admin: AdminClient, clone: CloneService, proxy_url: str) -> None:
    clone.break_titles = True
    since = time.time()
    admin.set_route(ROUTE, PATHS, "clone", service_url=clone.url, mode="shadow", timeout=60)
    httpx.get(proxy_url + "/wp-json/wp/v2/posts", timeout=120)
    (row,) = _wait_for_comparisons(admin, 1, since)
    assert row["outcome"] == "mismatch"
    assert [d["path"] for d in row["diff"]["differences"]] == ["$[0].title.rendered"]


def test_canary_cutover_fallback_and_rollback(admin: AdminClient, clone: CloneService, proxy_url: str) -> None:
    admin.set_route(ROUTE, PATHS, "clone", service_url=clone.url, mode="canary", canary_percent=30, timeout=60)
    served = []
    for _ in range(30):
        with httpx.Client(timeout=120) as visitor:  # a fresh visitor each time, twice each
            first = visitor.get(proxy_url + "/wp-json/wp/v2/posts")
            second = visitor.get(proxy_url + "/wp-json/wp/v2/posts")
        assert ("x-served-by" in first.headers) == ("x-served-by" in second.headers)
        served.append("x-served-by" in first.headers)
    assert 2 <= sum(served) <= 18  # binomial(30, 0.3): mean 9, sd 2.5
    admin.set_mode(ROUTE, "cutover")
    assert httpx.get(proxy_url + "/wp-json/wp/v2/posts", timeout=120).headers["x-served-by"] == "clone"
    assert "x-served-by" not in httpx.get(proxy_url + "/", timeout=120).headers
    admin.set_mode(ROUTE, "legacy")
    assert "x-served-by" not in httpx.get(proxy_url + "/wp-json/wp/v2/posts", timeout=120).headers


def test_fallback_when_the_service_is_killed_mid_traffic(stack, admin: AdminClient, proxy_url: str) -> None:  # type: ignore[no-untyped-def]
    service = CloneService(stack.components["wordpress"]["url"].rstrip("/"))
    admin.set_route(ROUTE, PATHS, "clone", service_url=service.url, mode="cutover", timeout=5)
    statuses, by_service = [], []
    with service.running():
        for _ in range(5):
            answer = httpx.get(proxy_url + "/wp-json/wp/v2/posts", timeout=120)
            statuses.append(answer.status_code)
            by_service.append("x-served-by" in answer.headers)
    for _ in range(5):
        answer = httpx.get(proxy_url + "/wp-json/wp/v2/posts", timeout=120)
        statuses.append(answer.status_code)
        by_service.append("x-served-by" in answer.headers)
    assert statuses == [200] * 10 and by_service == [True] * 5 + [False] * 5
    assert admin.stats()[ROUTE]["fallbacks"] >= 5


def test_hot_reload_good_and_bad(stack, admin: AdminClient, clone: CloneService, proxy_url: str) -> None:  # type: ignore[no-untyped-def]
    routes = Path(stack.components["proxy"]["routes_file"])
    original = routes.read_text() if routes.exists() else None
    try:
        routes.write_text(
            f"services: {{clone: '{clone.url}'}}\nroutes:\n"
            f"  - {{name: {ROUTE}, paths: ['/wp-json/wp/v2/posts'], service: clone, mode: cutover, timeout: 60}}\n"
        )
        deadline = time.monotonic() + 5
        while (
            time.monotonic() < deadline and "x-served-by" not in httpx.get(proxy_url + "/wp-json/wp/v2/posts").headers
        ):
            time.sleep(0.2)
        assert httpx.get(proxy_url + "/wp-json/wp/v2/posts", timeout=120).headers["x-served-by"] == "clone"
        routes.write_text(routes.read_text().replace("mode: cutover", "mode: sideways"))
        time.sleep(1.5)
        health = admin.health()
        assert health["healthy"] and "mode" in (health["routes_error"] or "")
        assert httpx.get(proxy_url + "/wp-json/wp/v2/posts", timeout=120).headers["x-served-by"] == "clone"
    finally:
        routes.write_text(original or "")
        time.sleep(1.0)
