"""Crawl a capability's routes through the proxy, so their shadow copies get compared.

Every collection route is walked page by page (``X-WP-TotalPages``), then every item it lists,
plus a few parameter variations visitors use (ordering, embedding, field selection); the routes' files
outside the REST API (``/robots.txt``, the sitemaps, ``/feed/``) as they are, without paging; then every
URL of the site's sitemap (``/wp-sitemap.xml`` and the sitemaps it lists) that one of the routes matches.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import httpx

from cli.capabilities import Capability
from proxy.routing import compile_pattern

#: parameter variations requested on each collection besides plain paging
VARIATIONS = ("orderby=id&order=asc", "_embed=1", "_fields=id,link", "per_page=5&page=2")
_ITEM = re.compile(r"\{(\w+)(?::\w+)?\}")
REST_PREFIX = "/wp-json/"
#: a slug no site has: what a pattern route outside the REST API answers for a URL that names nothing
MISSING_SLUG = "strangler-verify-missing"


def collection_paths(capability: Capability) -> list[tuple[str, str | None]]:
    """(collection path, item path template or None) for each route a visitor reads (GET): a form's
    POST (comments, registration) is verified by the submissions shadowed, not by a crawl."""
    pairs = []
    for route in capability.routes:
        if "GET" not in route.methods:
            continue
        collections = [path for path in route.paths if _is_fixed(path) and path.startswith(REST_PREFIX)]
        items = [path for path in route.paths if _ITEM.search(path)]
        pairs += [(collection, items[0] if items else None) for collection in collections]
    return pairs


def file_paths(capability: Capability) -> list[str]:
    """The paths of GET routes outside the REST API, fetched once as they are (paging and REST
    variations mean nothing to them): fixed ones (``/robots.txt``, sitemaps, feeds), and each pattern
    with :data:`MISSING_SLUG` in its placeholders, the route's answer for something the site does not
    have (the 404 page); the site's own URLs of those patterns come from its sitemaps."""
    paths: list[str] = []
    for route in capability.routes:
        if "GET" not in route.methods:
            continue
        for path in route.paths:
            if path.startswith(REST_PREFIX) or "*" in path:
                continue
            paths.append(path if _is_fixed(path) else _ITEM.sub(MISSING_SLUG, path))
    return paths


def _is_fixed(path: str) -> bool:
    return "{" not in path and "*" not in path


def crawl(
    public_url: str,
    capability: Capability,
    advance: Callable[[str], None] = lambda target: None,
    *,
    transport: httpx.BaseTransport | None = None,
) -> int:
    """Fetch every collection page, every listed item and each variation through the proxy (the
    visitors' path). Returns how many requests were made; ``advance`` is told each target."""
    count = 0
    with httpx.Client(base_url=public_url, timeout=60.0, follow_redirects=False, transport=transport) as client:

        def fetch(target: str) -> httpx.Response:
            nonlocal count
            response = client.get(target)
            count += 1
            advance(target)
            return response

        for collection, item_template in collection_paths(capability):
            page, pages = 1, 1
            while page <= pages:
                response = fetch(f"{collection}?per_page=100&page={page}")
                pages = int(response.headers.get("X-WP-TotalPages") or 1)
                items = response.json() if response.status_code == 200 and item_template else []
                for item in items if isinstance(items, list) else []:
                    if item_template and isinstance(item, dict) and "id" in item:
                        fetch(_ITEM.sub(str(item["id"]), item_template, count=1))
                page += 1
            for variation in VARIATIONS:
                fetch(f"{collection}?{variation}")
        for path in file_paths(capability):
            fetch(path)
        patterns = [compile_pattern(path) for route in capability.routes for path in route.paths]
        for target in sitemap_targets(client):
            if any(pattern.match(urlsplit(target).path) for pattern in patterns):
                fetch(target)
    return count


def sitemap_targets(client: httpx.Client, index: str = "/wp-sitemap.xml") -> Iterator[str]:
    """Path and query of every URL in the sitemap index's sitemaps (none when the site has none)."""
    sitemaps = _locations(client, index)
    for sitemap in sitemaps:
        for url in _locations(client, sitemap):
            parts = urlsplit(url)
            yield parts.path + (f"?{parts.query}" if parts.query else "")


def _locations(client: httpx.Client, target: str) -> list[str]:
    response = client.get(target)
    if response.status_code != 200:
        return []
    try:
        root = ET.fromstring(response.content)
    except ET.ParseError:
        return []
    return [element.text.strip() for element in root.iter() if element.tag.endswith("loc") and element.text]
