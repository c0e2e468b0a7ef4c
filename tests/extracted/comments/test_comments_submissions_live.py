"""Visitors' comments taken by the comments service on the real stack: the system of record, its one event,
the sync into WordPress and its echo, WordPress stopped, moderation in WordPress coming back as events,
dry runs, and a ``kill -9`` under a stream of submissions.

WordPress's flood check (15 s between two comments of one IP address or one email) would refuse the second
comment of a test: each submission comes from its own loopback address (``127.0.x.y``) and email, as visitors'.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cdc.harness import query
from tests.extracted.content.content_process import admin_client, wait_for
from tests.extracted.users.test_users_live import events_of
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack
REPOSITORY = Path(__file__).resolve().parents[3]
TOPIC = "wordpress.events.comments"
_ADDRESSES = (f"127.0.{high}.{low}" for high, low in itertools.product(range(10, 250), range(2, 250)))


def submit(
    url: str, post_id: int, content: str, *, headers: dict[str, str] | None = None, address: str = "", **fields: str
) -> httpx.Response:
    """A visitor's comment form, posted from an address of its own (or ``address``)."""
    email = f"zoe.{uuid.uuid4().hex[:12]}@example.test"
    form = {"comment_post_ID": str(post_id), "author": "Zoë", "email": email, "url": "", "comment": content,
            "comment_parent": "0", **fields}  # fmt: skip
    transport = httpx.HTTPTransport(local_address=address or next(_ADDRESSES))
    with httpx.Client(transport=transport, timeout=30) as client:
        return client.post(f"{url}/wp-comments-post.php", data=form, headers=headers or {})


def wordpress_comment(stack: StackHandle, content: str) -> dict[str, Any] | None:
    rows = query(stack.components, "SELECT comment_ID, comment_post_ID, comment_author, comment_author_email, "
                 "comment_content, comment_approved, comment_author_IP FROM wp_comments WHERE comment_content = %s",
                 (content,))  # fmt: skip
    if not rows:
        return None
    assert len(rows) == 1, rows  # never twice
    names = ("id", "post", "author", "email", "content", "approved", "ip")
    return dict(zip(names, rows[0], strict=True))


def health(url: str) -> dict[str, Any]:
    found: dict[str, Any] = httpx.get(f"{url}/healthz", timeout=5).json()
    return found


@pytest.fixture(scope="module")
def service(stack: StackHandle) -> str:
    comments = stack.refresh()["comments"]
    url = str(comments["url"])
    wait_for(lambda: health(url)["caught_up"], 120)
    # each test's comments decide themselves: moderation by the rules, not by an earlier approved comment
    query(
        stack.components, "UPDATE wp_options SET option_value = '1' WHERE option_name = 'comment_previously_approved'"
    )
    return url


@pytest.fixture(scope="module")
def bootstrap(stack: StackHandle) -> str:
    return str(stack.components["kafka"]["bootstrap"])


def test_a_held_comment_is_one_event_one_wordpress_row_and_no_echo(
    stack: StackHandle, service: str, bootstrap: str
) -> None:
    content = f"A first comment {uuid.uuid4().hex}"
    answer = submit(service, 1, content)
    assert answer.status_code == 302, answer.text[:500]
    location = answer.headers["location"]
    assert "unapproved=" in location and "moderation-hash=" in location, location
    comment_id = int(location.rsplit("#comment-", 1)[1])
    wait_for(lambda: wordpress_comment(stack, content) is not None, 30, interval=0.1)
    row = wordpress_comment(stack, content)
    assert row is not None
    assert (row["id"], row["post"], row["author"], row["approved"]) == (comment_id, 1, "Zoë", "0")
    assert row["email"].startswith("zoe.") and row["email"].endswith("@example.test")
    assert row["ip"].startswith("127.0.")
    wait_for(lambda: len(events_of(bootstrap, comment_id, TOPIC)) >= 1, 30, interval=0.2)
    wait_for(lambda: health(service)["workers"]["announcer"]["pending"] == 0 and health(service)["lag_events"] == 0, 30)
    (posted,) = events_of(bootstrap, comment_id, TOPIC)  # the CDC echo of the sync made no second event
    assert posted["type"] == "comment.posted" and posted["data"]["status"] == "hold"
    assert posted["data"]["content"] == content and posted["key"] == str(comment_id)
    # held: the visitor's answer names it, the public listing does not
    listing = httpx.get(f"{service}/wp-json/wp/v2/comments", params={"post": 1, "per_page": 100}).json()
    assert comment_id not in [item["id"] for item in listing]


def test_an_approved_comment_is_read_at_once_and_moderation_in_wordpress_comes_back_as_events(
    stack: StackHandle, service: str, bootstrap: str
) -> None:
    query(
        stack.components, "UPDATE wp_options SET option_value = '0' WHERE option_name = 'comment_previously_approved'"
    )
    try:
        # the option has reached the service once a new author's comment is no longer held
        wait_for(lambda: "unapproved=" not in submit(service, 1, "probe " + uuid.uuid4().hex).headers["location"], 20)
        content = f"Approved at once {uuid.uuid4().hex}"
        # from the address wp-admin's requests come from: WordPress's REST API rewrites the comment's IP
        # with the editor's on every update (which is a comment.updated of author_ip otherwise); the
        # proxy's comments come from there too, and floods are refused for 15 s (nothing is stored)
        answers: list[httpx.Response] = []

        def not_flooded() -> bool:
            answers.append(submit(service, 1, content, address="127.0.0.1"))
            return answers[-1].status_code != 429

        listing = f"{service}/wp-json/wp/v2/comments?post=1&per_page=100&orderby=id"
        httpx.get(listing)  # kept in the service's answer cache until the read model changes
        wait_for(not_flooded, 30, interval=1.0)
        answer = answers[-1]
        assert answer.status_code == 302 and "unapproved=" not in answer.headers["location"]
        comment_id = int(answer.headers["location"].rsplit("#comment-", 1)[1])
        shown = httpx.get(f"{service}/wp-json/wp/v2/comments/{comment_id}")  # before any sync or CDC
        assert shown.status_code == 200 and content in shown.json()["content"]["rendered"]
        assert comment_id in [item["id"] for item in httpx.get(listing).json()]  # the cached listing is not kept
    finally:
        query(
            stack.components,
            "UPDATE wp_options SET option_value = '1' WHERE option_name = 'comment_previously_approved'",
        )
    wait_for(lambda: wordpress_comment(stack, content) is not None, 30, interval=0.1)
    wait_for(lambda: len(events_of(bootstrap, comment_id, TOPIC)) == 1, 30, interval=0.2)
    changes = ({"status": "hold"}, {"status": "approved"}, {"content": content + " (edited)"}, {"status": "spam"})
    with admin_client(stack.components) as admin:
        for count, change in enumerate(changes, start=2):
            assert admin.post(f"/wp-json/wp/v2/comments/{comment_id}", json=change).status_code == 200
            wait_for(lambda: len(events_of(bootstrap, comment_id, TOPIC)) == count, 30, interval=0.2)  # noqa: B023
        assert admin.delete(f"/wp-json/wp/v2/comments/{comment_id}", params={"force": "true"}).status_code == 200
    wait_for(lambda: len(events_of(bootstrap, comment_id, TOPIC)) == len(changes) + 2, 30, interval=0.2)
    events = events_of(bootstrap, comment_id, TOPIC)
    assert [event["type"] for event in events] == [
        "comment.posted", "comment.status_changed", "comment.approved", "comment.updated", "comment.status_changed",
        "comment.deleted",
    ]  # fmt: skip
    assert events[0]["data"]["status"] == "approved" and events[1]["data"]["status"] == "hold"
    assert events[3]["data"]["changed"] == {"content": content + " (edited)"}
    assert events[4]["data"] == {"id": comment_id, "post": 1, "status": "spam", "previous_status": "approved"}
    assert len({event["id"] for event in events}) == len(events)


def test_comments_are_taken_while_wordpress_and_its_database_are_down(stack: StackHandle, service: str) -> None:
    assert stack.stack is not None
    wordpress, mariadb = stack.stack.component("wordpress"), stack.stack.component("mariadb")
    content = f"Taken while WordPress was down {uuid.uuid4().hex}"
    wordpress.stop()
    mariadb.stop()
    try:
        answer = submit(service, 1, content)
        assert answer.status_code == 302, answer.text[:500]
        wait_for(lambda: health(service)["workers"]["legacy_sync"]["failing"], 30, interval=0.1)
        assert health(service)["workers"]["legacy_sync"]["pending"] == 1
    finally:
        mariadb.launch()
        mariadb.wait_ready()
        wordpress.launch()
        wordpress.wait_ready()
    wait_for(lambda: wordpress_comment(stack, content) is not None, 60, interval=0.2)
    wait_for(lambda: not health(service)["workers"]["legacy_sync"]["failing"], 30)


def test_a_dry_run_answers_and_stores_nothing(stack: StackHandle, service: str) -> None:
    content = f"Only a dry run {uuid.uuid4().hex}"
    answer = submit(service, 1, content, headers={"X-Strangler-Dry-Run": "1"})
    assert answer.status_code == 302 and "#comment-" in answer.headers["location"]
    assert health(service)["dry_runs"]["total"] >= 1
    assert wordpress_comment(stack, content) is None
    comment_id = int(answer.headers["location"].rsplit("#comment-", 1)[1])
    assert httpx.get(f"{service}/wp-json/wp/v2/comments/{comment_id}").status_code == 404
    refused = submit(service, 1, "", headers={"X-Strangler-Dry-Run": "1"})
    assert refused.status_code == 200 and "Please type your comment" in refused.text


def test_kill_9_under_a_stream_of_submissions_writes_each_comment_once(stack: StackHandle, service: str) -> None:
    """The service killed while visitors post; a new one started on the same store: every comment it
    acknowledged reaches WordPress exactly once."""
    assert stack.stack is not None
    comments = stack.stack.service("comments")
    arguments = comments.arguments()
    stack.stack.processes.stop("comments")  # its record goes first: the supervisor leaves it alone
    marker = uuid.uuid4().hex
    acknowledged: list[str] = []
    started: list[subprocess.Popen[bytes]] = []

    def start() -> None:
        started.append(subprocess.Popen([sys.executable, *arguments], cwd=REPOSITORY, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True))  # fmt: skip
        wait_for(comments.is_ready, 60, interval=0.1)

    try:
        start()
        for round_number in range(2):
            for index in range(15):
                content = f"stream {marker} {round_number}-{index}"
                try:
                    if submit(service, 1, content).status_code == 302:
                        acknowledged.append(content)
                except httpx.HTTPError:
                    pass
                if index == 9 and round_number == 0:
                    os.killpg(started[-1].pid, signal.SIGKILL)
                    started[-1].wait(10)
                    start()
        wait_for(lambda: health(service)["workers"]["legacy_sync"]["pending"] == 0, 60, interval=0.2)
        stored = query(stack.components, "SELECT comment_content, COUNT(*) FROM wp_comments WHERE comment_content "
                       "LIKE %s GROUP BY comment_content", (f"stream {marker} %",))  # fmt: skip
        counts = {content: int(count) for content, count in stored}
        assert len(acknowledged) >= 25
        assert all(counts.get(content) == 1 for content in acknowledged), counts
        assert all(count == 1 for count in counts.values())
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(20)
        comments.launch()
        comments.wait_ready()
