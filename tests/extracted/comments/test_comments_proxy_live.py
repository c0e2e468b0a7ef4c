"""Visitors' comments through the proxy in each mode, with the registry's route for the comment form:
shadow (WordPress takes the comment; the service's dry run answers alike and its decision is paired with
WordPress's once the comment arrives), cutover (the service takes it, WordPress gets it from the legacy
sync), and rollback (WordPress alone again).

Every comment reaches WordPress from the proxy's address, and WordPress refuses a second comment of one
address within 15 s (its flood check): the comments an earlier step made are dated an hour back first.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from cli.capabilities import REGISTRY, load_registry
from proxy.client import AdminClient
from tests.cdc.harness import query
from tests.extracted.comments.test_comments_submissions_live import TOPIC, health, wordpress_comment
from tests.extracted.content.content_process import wait_for
from tests.extracted.users.test_users_live import events_of
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack
ROUTE = "comments-post"


@pytest.fixture(scope="module")
def service(stack: StackHandle) -> str:
    url = str(stack.refresh()["comments"]["url"])
    wait_for(lambda: health(url)["caught_up"], 120)
    return url


@pytest.fixture(scope="module")
def admin(stack: StackHandle, service: str) -> Iterator[AdminClient]:
    proxy = stack.components["proxy"]
    route = next(route for route in load_registry(REGISTRY)["comments"].routes if route.name == ROUTE)
    with AdminClient(proxy["admin_url"], proxy["admin_token"]) as client:
        client.set_route(ROUTE, route.paths, "comments", service_url=service, mode="shadow", methods=route.methods,
                         **route.proxy_options())  # fmt: skip
        yield client
        client.delete_route(ROUTE)


def through_proxy(stack: StackHandle, content: str, **fields: str) -> httpx.Response:
    form = {"comment_post_ID": "1", "author": "Ann", "email": f"ann.{uuid.uuid4().hex[:10]}@example.test",
            "url": "", "comment": content, "comment_parent": "0", **fields}  # fmt: skip
    return httpx.post(f"{stack.components['proxy']['url']}/wp-comments-post.php", data=form, timeout=30)


def comparisons(admin: AdminClient, since: float, count: int) -> list[dict[str, Any]]:
    wait_for(lambda: len(admin.comparisons(ROUTE, since=since)) >= count, 30, interval=0.2)
    return admin.comparisons(ROUTE, since=since)


def age_recent_comments(stack: StackHandle, service: str, comment_id: int) -> None:
    """Date the comments of the last hour an hour back (WordPress's flood check looks 15 s back), and wait
    until the service has the change too."""
    query(stack.components, "UPDATE wp_comments SET comment_date = comment_date - INTERVAL 1 HOUR, "
          "comment_date_gmt = comment_date_gmt - INTERVAL 1 HOUR WHERE comment_date_gmt > UTC_TIMESTAMP() - "
          "INTERVAL 1 HOUR")  # fmt: skip
    bootstrap = str(stack.components["kafka"]["bootstrap"])
    wait_for(lambda: events_of(bootstrap, comment_id, TOPIC)[-1]["type"] == "comment.updated", 30, interval=0.2)


def test_shadow_cutover_and_rollback(stack: StackHandle, service: str, admin: AdminClient) -> None:
    since = time.time() - 1
    content = f"Shadowed {uuid.uuid4().hex}"
    answer = through_proxy(stack, content)
    assert answer.status_code == 302 and "unapproved=" in answer.headers["location"]
    refused = through_proxy(stack, "")
    assert refused.status_code == 200 and "Please type your comment" in refused.text
    try:
        rows = comparisons(admin, since, 2)
    except AssertionError:
        raise AssertionError(f"{admin.stats().get(ROUTE)} {admin.comparisons(ROUTE)} {admin.table()}") from None
    assert [row["outcome"] for row in rows] == ["match", "match"], rows
    wordpress = wordpress_comment(stack, content)
    assert wordpress is not None and wordpress["approved"] == "0"  # WordPress took it
    wait_for(lambda: health(service)["dry_runs"]["agreed"] >= 1, 30, interval=0.2)  # and decided alike
    assert health(service)["dry_runs"]["disagreed"] == 0

    bootstrap = str(stack.components["kafka"]["bootstrap"])
    wait_for(lambda: len(events_of(bootstrap, wordpress["id"], TOPIC)) >= 1, 30, interval=0.2)
    age_recent_comments(stack, service, wordpress["id"])
    admin.set_mode(ROUTE, "cutover")
    taken = f"Taken by the service {uuid.uuid4().hex}"
    answer = through_proxy(stack, taken)
    assert answer.status_code == 302, answer.text[:300]
    wait_for(lambda: wordpress_comment(stack, taken) is not None, 30, interval=0.1)  # the legacy sync
    assert admin.stats()[ROUTE]["served_by_service"] >= 1

    taken_id = int(answer.headers["location"].rsplit("#comment-", 1)[1])
    wait_for(lambda: len(events_of(bootstrap, taken_id, TOPIC)) >= 1, 30, interval=0.2)
    age_recent_comments(stack, service, taken_id)
    admin.set_mode(ROUTE, "legacy")  # the rollback
    served = admin.stats()[ROUTE]["served_by_service"]
    back = f"WordPress's again {uuid.uuid4().hex}"
    assert through_proxy(stack, back).status_code == 302
    assert wordpress_comment(stack, back) is not None and admin.stats()[ROUTE]["served_by_service"] == served
