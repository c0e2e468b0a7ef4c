"""The migration workflow end to end on the real stack: extract, verify, canary, cutover, rollback,
and the refusal to cut over when parity is low."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from cli.capabilities import load_registry
from cli.main import app
from proxy.client import AdminClient
from tests.proxy.stack_helpers import CloneService
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack

POSTS = "/wp-json/wp/v2/posts"


def _strangler(stack: StackHandle, *arguments: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    environment = {"STRANGLER_HOME": str(stack.home), "COLUMNS": "200", **(env or {})}
    result = CliRunner().invoke(app, list(arguments), env=environment)
    return result.exit_code, result.output


@pytest.fixture
def admin(stack: StackHandle) -> Iterator[AdminClient]:
    proxy = stack.components["proxy"]
    with AdminClient(proxy["admin_url"], proxy["admin_token"]) as client:
        yield client


def _served_by_service(response: httpx.Response) -> bool:
    # The proxy adds no header of its own; WordPress's answers carry nginx's, the service's do not.
    return response.headers.get("server") != "nginx"


def test_extract_verify_canary_cutover_rollback(stack: StackHandle, admin: AdminClient) -> None:
    public = stack.components["proxy"]["url"]
    routes = [route.name for route in load_registry()["content"].routes]
    try:
        code, output = _strangler(stack, "extract", "content")
        assert code == 0, output
        modes = {route["name"]: route["mode"] for route in admin.list_routes()}
        assert all(modes[name] == "shadow" for name in routes)
        code, again = _strangler(stack, "extract", "content")  # running it twice is harmless
        assert code == 0, again

        verified_from = time.time()
        code, report = _strangler(stack, "verify", "content")
        assert code == 0, report
        assert "content-posts" in report and "requests crawled" in report
        for name in routes:  # 100% parity on the demo seed
            compared = admin.comparisons(name, since=verified_from, limit=1000)
            assert compared, name
            assert [row["target"] for row in compared if row["outcome"] in ("mismatch", "error")] == [], name

        code, output = _strangler(stack, "cutover", "content", "--percent", "10")
        assert code == 0, output
        served = []
        for _ in range(150):
            with httpx.Client(base_url=public, timeout=30) as visitor:  # a new visitor, asking twice
                first, second = visitor.get(POSTS), visitor.get(POSTS)
            assert first.status_code == second.status_code == 200
            assert _served_by_service(first) == _served_by_service(second)  # sticky
            served.append(_served_by_service(first))
        assert 3 <= sum(served) <= 35  # about 10% of 150 visitors
        stats = admin.stats()["content-posts"]
        assert stats["served_by_service"] >= sum(served) * 2 - 2  # each visitor asked twice

        code, output = _strangler(stack, "cutover", "content")
        assert code == 0, output
        assert _served_by_service(httpx.get(public + POSTS, timeout=30))
        assert _served_by_service(httpx.get(public + "/wp-json/wp/v2/categories", timeout=30))
        assert not _served_by_service(httpx.get(public + "/", timeout=30))  # WordPress serves the rest

        code, output = _strangler(stack, "rollback", "content")
        assert code == 0, output
        assert not _served_by_service(httpx.get(public + POSTS, timeout=30))
    finally:
        for name in routes:
            admin.delete_route(name)


def test_cutover_is_refused_when_a_field_is_broken(stack: StackHandle, admin: AdminClient, tmp_path: Path) -> None:
    registry = tmp_path / "capabilities.yaml"
    registry.write_text(
        "capabilities:\n  broken:\n    tables: [wp_posts]\n    service: {module: no.such.module, port: 18010}\n"
        "    routes:\n      - name: broken-posts\n        paths: [/wp-json/wp/v2/posts]\n"
    )
    clone = CloneService(stack.components["wordpress"]["url"].rstrip("/"), break_titles=True)
    try:
        with clone.running():
            admin.set_route("broken-posts", [POSTS], "broken", service_url=clone.url, mode="shadow")
            for _ in range(5):
                httpx.get(stack.components["proxy"]["url"] + POSTS, timeout=30)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and len(admin.comparisons("broken-posts")) < 5:
                time.sleep(0.2)
            code, output = _strangler(stack, "cutover", "broken", env={"STRANGLER_CAPABILITIES": str(registry)})
        assert code == 1
        assert "refused broken-posts: parity 0.00% < 99.9%" in output
        assert "--force overrides" in output
        assert next(r for r in admin.list_routes() if r["name"] == "broken-posts")["mode"] == "shadow"
    finally:
        admin.delete_route("broken-posts")
