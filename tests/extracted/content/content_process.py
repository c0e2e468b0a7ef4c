"""The content service for integration tests: the stack's own (when ``strangler up`` runs it) or a
process started here against the stack's Kafka; and WordPress's REST API as its admin.

Content knows users only from the users service's events (``wordpress.events.users``), which the
users service publishes a moment after WordPress wrote them (it waits for a user's statements to
settle): a content service counts as ready once it is caught up *and* knows every user WordPress has.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from cli.stack.ports import free_port
from tests.service_process import service_process


def wait_for(check: Callable[[], bool], timeout: float, interval: float = 0.02) -> float:
    """Seconds until ``check()`` held; raises AssertionError after ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if check():
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def caught_up(url: str) -> bool:
    health = httpx.get(f"{url}/healthz", timeout=2).json()
    return bool(health.get("healthy") and health.get("caught_up"))


def wordpress_authors(components: dict[str, dict[str, Any]]) -> list[int]:
    """The users WordPress lists to a visitor: those with published content, whose embeds content gives."""
    ids: list[int] = []
    for page in range(1, 100):
        params = {"per_page": 100, "page": page, "_fields": "id"}
        answer = httpx.get(f"{components['wordpress']['url']}/wp-json/wp/v2/users", params=params, timeout=30)
        answer.raise_for_status()
        ids += [user["id"] for user in answer.json()]
        if page >= int(answer.headers.get("X-WP-TotalPages", 1)):
            break
    return ids


def embeds_authors(url: str, author_ids: list[int]) -> bool:
    """Whether content embeds each of ``author_ids`` in its content (it knows them from the users
    service's events) and has consumed everything it was sent."""
    for author in author_ids:
        for base in ("posts", "pages"):
            params = {"author": author, "per_page": 1, "_embed": "author"}
            items = httpx.get(f"{url}/wp-json/wp/v2/{base}", params=params, timeout=5).json()
            if items:
                if items[0].get("_embedded", {}).get("author", [{}])[0].get("id") != author:
                    return False
                break
    return caught_up(url)


def wait_until_ready(components: dict[str, dict[str, Any]], url: str, prefix: str) -> None:
    wait_for(lambda: caught_up(url), 120, interval=0.2)
    if prefix == "wordpress" and components.get("users", {}).get("url"):  # private prefixes have no users service
        authors = wordpress_authors(components)
        try:
            wait_for(lambda: embeds_authors(url, authors), 60, interval=0.2)
        except AssertionError as error:
            raise AssertionError(f"content does not know every author of {authors} (users' events?): {error}") from None


@contextmanager
def content_service(
    components: dict[str, dict[str, Any]],
    store: Path,
    *,
    prefix: str = "wordpress",
    own: bool = False,
    settings: Path | None = None,
) -> Iterator[str]:
    """The URL of a content service that has consumed everything committed so far and knows every user
    WordPress has (see the module): the stack's, or (``own``, or when the stack runs none) one started here
    (with ``settings``: its ``--settings`` file)."""
    running = components.get("content", {})
    if not own and running.get("healthy") and running.get("url"):
        wait_until_ready(components, str(running["url"]), prefix)
        yield str(running["url"])
        return
    port = free_port()
    command = [
        sys.executable, "-m", "extracted.content", "serve", "--listen", f"127.0.0.1:{port}",
        "--bootstrap", components["kafka"]["bootstrap"], "--store", f"sqlite:///{store}", "--prefix", prefix,
        "--group", f"content-test-{os.getpid()}-{port}", "--log-level", "warning",
        *(["--settings", str(settings)] if settings else []),
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with service_process(command, "content service"):
        wait_until_ready(components, url, prefix)
        yield url


def admin_client(components: dict[str, dict[str, Any]]) -> httpx.Client:
    wordpress = components["wordpress"]
    return httpx.Client(
        base_url=wordpress["url"], auth=(wordpress["admin_user"], wordpress["app_password"]), timeout=60
    )


def hidden_ids(admin: httpx.Client) -> list[int]:
    """Posts and pages an anonymous visitor may not see (drafts, private, scheduled, trashed)."""
    found: list[int] = []
    for base in ("posts", "pages"):
        statuses = "draft,private,future,trash,pending"
        params = {"status": statuses, "context": "edit", "per_page": 100, "_fields": "id"}
        answer = admin.get(f"/wp-json/wp/v2/{base}", params=params)
        answer.raise_for_status()
        found += [item["id"] for item in answer.json()]
    return found
