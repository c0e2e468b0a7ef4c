"""Crawl a capability's REST routes through the proxy, so their shadow copies get compared.

Every collection route is walked page by page (``X-WP-TotalPages``), then every item it lists,
plus a few parameter variations visitors use (ordering, embedding, field selection).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx

from cli.capabilities import Capability

#: parameter variations requested on each collection besides plain paging
VARIATIONS = ("orderby=id&order=asc", "_embed=1", "_fields=id,link", "per_page=5&page=2")
_ITEM = re.compile(r"\{(\w+)(?::\w+)?\}")


def collection_paths(capability: Capability) -> list[tuple[str, str | None]]:
    """(collection path, item path template or None) for each route."""
    pairs = []
    for route in capability.routes:
        collections = [path for path in route.paths if "{" not in path and "*" not in path]
        items = [path for path in route.paths if _ITEM.search(path)]
        pairs += [(collection, items[0] if items else None) for collection in collections]
    return pairs


def crawl(public_url: str, capability: Capability, advance: Callable[[str], None] = lambda target: None) -> int:
    """Fetch every collection page, every listed item and each variation through the proxy (the
    visitors' path). Returns how many requests were made; ``advance`` is told each target."""
    count = 0
    with httpx.Client(base_url=public_url, timeout=60.0, follow_redirects=False) as client:

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
    return count
