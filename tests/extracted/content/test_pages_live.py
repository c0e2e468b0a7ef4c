"""The 404 page, byte for byte and header for header as WordPress answers an anonymous visitor, from the
pieces WordPress rendered ahead of time (``extracted.content.pages``); the paths WordPress answers
otherwise are declined; a new site name reaches the page once WordPress rendered the pieces again."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from content_parity import visitor_clients
from content_process import admin_client, content_service, wait_for
from test_sitemaps_live import difference as sitemaps_difference

from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack

#: what must be equal besides status and body (Date, Server and the framing may differ)
HEADERS = ("content-type", "link", "location", "x-redirect-by", "last-modified", "etag", "cache-control",
           "expires", "pragma", "vary", "x-pingback")  # fmt: skip
NOT_FOUND = ["/this-does-not-exist/", "/this-does-not-exist", "/zzz-nothing-here/", "/no-such-page-2/",
             "/comment-page-2/"]  # fmt: skip
#: WordPress answers these otherwise (a page, a redirect, an archive, a feed) or the service does not
#: know they are 404s (a query string, capitals)
DECLINED = ["/about/", "/sample-page/", "/sample/", "/wp-admin/", "/login/", "/dashboard/", "/2024/", "/embed/",
            "/this-does-not-exist/?x=1", "/Uppercase/"]  # fmt: skip
PIECES_TIMEOUT_S = 300  # WordPress renders the pieces in a few seconds, many more on a loaded machine


def wordpress_php(components: dict[str, dict[str, object]]) -> dict[str, object]:
    script = Path(__file__).resolve().parents[3] / "wordpress" / "php" / "page_pieces.php"
    docroot, public = components["wordpress"]["docroot"], components["proxy"]["url"]
    return {"docroot": docroot, "public_url": public, "script": str(script), "command": ["php"], "server_name": "_"}


@pytest.fixture(scope="module")
def service(stack: StackHandle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The stack's content service (the stack gives it the settings that let WordPress render the pieces;
    a fresh one would replay every earlier test's events), or one started with those settings."""
    directory = tmp_path_factory.mktemp("pages")
    settings = directory / "settings.json"
    settings.write_text(json.dumps({"wordpress_php": wordpress_php(stack.components)}))
    with content_service(stack.components, directory / "content.db", settings=settings) as url:
        yield url


@pytest.fixture(scope="module")
def clients(service: str, stack: StackHandle) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    wordpress, candidate = visitor_clients(stack.components, service)
    with wordpress, candidate:
        wait_for(lambda: candidate.get(NOT_FOUND[0]).status_code == 404, PIECES_TIMEOUT_S, interval=0.2)
        yield wordpress, candidate


def difference(wordpress: httpx.Client, service: httpx.Client, method: str, url: str) -> str | None:
    return sitemaps_difference(wordpress, service, method, url, HEADERS)


def test_the_404_page_is_wordpress_s(clients: tuple[httpx.Client, httpx.Client]) -> None:
    wordpress, service = clients
    asked = [(method, url) for url in NOT_FOUND for method in ("GET", "HEAD")]
    problems = [d for method, url in asked if (d := difference(wordpress, service, method, url))]
    print(f"\n{len(asked) - len(problems)}/{len(asked)} answers equal")
    assert problems == []


def test_other_pages_are_declined(clients: tuple[httpx.Client, httpx.Client]) -> None:
    wordpress, service = clients
    for url in DECLINED:
        candidate = service.get(url)
        assert candidate.status_code == 503 and candidate.headers["x-strangler-unavailable"], url
        if url not in ("/Uppercase/", "/this-does-not-exist/?x=1"):
            assert wordpress.get(url).status_code != 404, url  # a page, a redirect, an archive: not the 404


def test_a_new_site_name_reaches_the_page(stack: StackHandle, clients: tuple[httpx.Client, httpx.Client]) -> None:
    wordpress, service = clients
    url = NOT_FOUND[0]
    with admin_client(stack.components) as admin:
        old = admin.get("/wp-json/wp/v2/settings").json()["title"]
        new = "Pages & <Strangler> – live"
        admin.post("/wp-json/wp/v2/settings", json={"title": new}).raise_for_status()
        started = time.monotonic()
        try:
            # the REST API stores the name escaped (sanitize_option), as wp-admin's form does
            title = "<title>Page not found &#8211; Pages &amp; &lt;Strangler&gt; – live</title>"
            assert title.encode() in wordpress.get(url).content
            # stale pieces are never served: the old name is declined, the new one comes once re-rendered
            wait_for(lambda: difference(wordpress, service, "GET", url) is None, PIECES_TIMEOUT_S, interval=0.1)
            print(f"\na new site name reached the 404 page within {time.monotonic() - started:.2f} s")
        finally:
            admin.post("/wp-json/wp/v2/settings", json={"title": old}).raise_for_status()
        wait_for(lambda: difference(wordpress, service, "GET", url) is None, PIECES_TIMEOUT_S, interval=0.1)
        assert service.get(url).status_code == 404
