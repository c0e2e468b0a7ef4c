"""The content service's post events on the real stack: a post written through WordPress's own REST API
(created as a draft, published, its title edited, trashed, deleted) reaches ``wordpress.events.posts``
as exactly the expected events, once each, valid against their contracts, with the link both
WordPress and the content service show.

The stack runs the content service (the registry's ``content`` capability, which publishes ``posts``).
The post is deleted for good at the end, whatever happens (other tests crawl the site).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.extracted.content.content_process import admin_client, wait_for
from tests.extracted.users.test_users_live import events_of
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack
TOPIC = "wordpress.events.posts"


def events_about(bootstrap: str, post_id: int) -> list[dict[str, Any]]:
    """The committed events about one post, each checked against its contract, in publishing order."""
    return [{k: v for k, v in event.items() if k != "key"} for event in events_of(bootstrap, post_id, TOPIC)]


@pytest.fixture(scope="module")
def content(stack: StackHandle) -> str:
    running = stack.refresh()["content"]
    assert running["healthy"] is True and running["url"], running
    return str(running["url"])


@pytest.fixture(scope="module")
def admin(stack: StackHandle) -> Iterator[httpx.Client]:
    with admin_client(stack.components) as client:
        yield client


def test_a_post_s_life_is_announced_once_each(stack: StackHandle, content: str, admin: httpx.Client) -> None:
    bootstrap = stack.components["kafka"]["bootstrap"]
    created = admin.post("/wp-json/wp/v2/posts", json={"title": "Ferns live", "content": "<p>Ferns.</p>",
                                                        "status": "draft"})  # fmt: skip
    assert created.status_code == 201, created.text
    post_id = int(created.json()["id"])
    try:
        events: list[dict[str, Any]] = []

        def arrived(count: int) -> bool:
            events[:] = events_about(bootstrap, post_id)
            return len(events) >= count

        published = admin.post(f"/wp-json/wp/v2/posts/{post_id}", json={"status": "publish"})
        assert published.status_code == 200, published.text
        wait_for(lambda: arrived(1), 60, interval=0.3)
        wordpress_link = published.json()["link"]
        served = httpx.get(f"{content}/wp-json/wp/v2/posts/{post_id}", params={"_fields": "link"}, timeout=10)
        assert served.status_code == 200 and served.json()["link"] == wordpress_link

        assert admin.post(f"/wp-json/wp/v2/posts/{post_id}", json={"title": "Ferns live, edited"}).status_code == 200
        wait_for(lambda: arrived(2), 60, interval=0.3)
        assert admin.delete(f"/wp-json/wp/v2/posts/{post_id}").status_code == 200  # to the trash
        wait_for(lambda: arrived(3), 60, interval=0.3)
        assert admin.delete(f"/wp-json/wp/v2/posts/{post_id}", params={"force": "true"}).status_code == 200
        wait_for(lambda: arrived(4), 60, interval=0.3)
    finally:
        admin.delete(f"/wp-json/wp/v2/posts/{post_id}", params={"force": "true"})

    assert [event["type"] for event in events] == ["post.published", "post.updated", "post.unpublished",
                                                   "post.deleted"]  # fmt: skip
    assert len({event["id"] for event in events}) == 4 and {event["subject"] for event in events} == {str(post_id)}
    data = events[0]["data"]
    assert {key: data[key] for key in ("id", "type", "status", "title", "content", "author", "link")} == {
        "id": post_id, "type": "post", "status": "publish", "title": "Ferns live", "content": "<p>Ferns.</p>",
        "author": created.json()["author"], "link": wordpress_link,
    }  # fmt: skip
    assert data["date_gmt"] == published.json()["date_gmt"] + "Z"
    assert events[1]["data"] == {"id": post_id, "type": "post", "changed": {"title": "Ferns live, edited"}}
    assert events[2]["data"] == {"id": post_id, "type": "post", "status": "trash"}
    assert events[3]["data"] == {"id": post_id, "type": "post"}
    assert len(events_about(bootstrap, post_id)) == 4  # and nothing more came
