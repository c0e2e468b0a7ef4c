"""The extensions service on the real stack: a visitor's comment → ``comment.posted`` on Kafka → the
built-in webhooks extension → a signed delivery to a receiver started here, which fails the first
attempt; the retry carries the same ``webhook-id`` and the receiver processes it once, a replay too.
``strangler extensions`` and ``strangler webhooks`` drive the same API.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from cli.main import app
from cli.stack.ports import free_port, wait_until
from extracted.extensions.webhooks import verify
from tests.cdc.harness import query
from tests.extracted.comments.test_comments_submissions_live import submit
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack


@dataclass
class Receiver:
    """An outside system: verifies signatures, fails the first ``fail_first`` requests, dedupes by id."""

    secret: str = ""
    fail_first: int = 1
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[dict[str, Any]] = field(default_factory=list)
    processed: dict[str, dict[str, Any]] = field(default_factory=dict)
    bad_signatures: int = 0

    def receive(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            self.requests.append({"id": headers.get("webhook-id"), "headers": headers, "body": body})
            try:
                verify(self.secret, headers, body, now=time.time())
            except Exception:  # a forged or broken signature is refused, as a receiver must
                self.bad_signatures += 1
                return 401
            if self.fail_first > 0:
                self.fail_first -= 1
                return 500
            self.processed.setdefault(headers["webhook-id"], json.loads(body))
            return 204


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    made = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            status = made.receive({key.lower(): value for key, value in self.headers.items()}, body)
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield made, f"http://127.0.0.1:{port}/hook"
    finally:
        server.shutdown()
        server.server_close()


def post_title(stack: StackHandle, post_id: int) -> str:
    return str(query(stack.components, "SELECT post_title FROM wp_posts WHERE ID = %s", (post_id,))[0][0])


def wait_for_mail(stack: StackHandle, subject_part: str, body_part: str) -> dict[str, Any]:
    """The stack's mail sink's message whose subject and body contain these (waits up to 60 s)."""
    sink = stack.refresh()["mail"]["url"]

    def found() -> dict[str, Any] | None:
        for mail in httpx.get(f"{sink}/messages", timeout=5).json()["messages"]:
            if subject_part in mail["subject"]:
                whole: dict[str, Any] = httpx.get(f"{sink}/messages/{mail['id']}", timeout=5).json()
                if body_part in json.dumps(whole):
                    return whole
        return None

    assert wait_until(lambda: found() is not None, 60), httpx.get(f"{sink}/messages", timeout=5).json()
    mail = found()
    assert mail is not None
    return mail


def strangler(stack: StackHandle, *arguments: str) -> str:
    result = CliRunner().invoke(app, list(arguments), env={"STRANGLER_HOME": str(stack.home), "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def api(stack: StackHandle) -> Iterator[httpx.Client]:
    components = stack.refresh()
    url, token = components["extensions"]["url"], components["proxy"]["admin_token"]
    assert wait_until(lambda: httpx.get(f"{url}/healthz", timeout=5).status_code == 200, 120)
    with httpx.Client(base_url=f"{url}/api", headers={"authorization": f"Bearer {token}"}, timeout=30) as client:
        yield client


def test_a_comment_reaches_a_webhook_once_despite_a_failed_attempt(
    stack: StackHandle, api: httpx.Client, receiver: tuple[Receiver, str]
) -> None:
    listener, url = receiver
    added = json.loads(strangler(stack, "webhooks", "add", url, "--event", "comment.posted", "--json"))
    listener.secret = added["secret"]
    endpoint = added["endpoint"]["id"]
    content = f"a comment for a webhook {time.time_ns()}"
    try:
        answer = submit(stack.components["comments"]["url"], 1, content)
        assert answer.status_code in (200, 302), answer.text[:300]
        assert wait_until(lambda: listener.processed, 60), listener.requests
        (webhook_id, event), = listener.processed.items()  # fmt: skip
        assert event["type"] == "comment.posted" and event["data"]["content"] == content
        assert [request["id"] for request in listener.requests] == [webhook_id, webhook_id]  # the retry: same id
        assert listener.bad_signatures == 0

        def delivered() -> dict[str, Any] | None:  # the service records the answer after the listener sent it
            found: dict[str, Any] = api.get(f"/webhooks/deliveries/{webhook_id}").json()
            return found if found["state"] == "succeeded" else None

        assert wait_until(lambda: delivered() is not None, 30), api.get(f"/webhooks/deliveries/{webhook_id}").json()
        delivery = delivered()
        assert delivery is not None
        assert [attempt["status_code"] for attempt in delivery["attempt_log"]] == [500, 204]

        api.post(f"/webhooks/deliveries/{webhook_id}/replay").raise_for_status()
        assert wait_until(lambda: len(listener.requests) == 3, 30), listener.requests
        assert listener.requests[2]["id"] == webhook_id and list(listener.processed) == [webhook_id]

        # the same comment, held for moderation (a first comment of its author, comment_previously_approved):
        # WordPress never saw it, so site-emails sends WordPress's notice to the site's admin
        assert event["data"]["status"] == "hold" and event["data"]["origin"] == "comments-service"
        notice = wait_for_mail(stack, f'Please moderate: "{post_title(stack, 1)}"', content)
        (admin_email,) = query(stack.components, "SELECT option_value FROM wp_options WHERE option_name = %s",
                               ("admin_email",))[0]  # fmt: skip
        assert notice["to"] == [admin_email]

        listed = json.loads(strangler(stack, "extensions", "list", "--json"))
        webhooks = next(item for item in listed if item["name"] == "webhooks")
        assert webhooks["state"] == "enabled" and webhooks["handled"] >= 1 and webhooks["healthy"]
        assert {item["name"] for item in listed} >= {"webhooks", "activity-log"}
    finally:
        strangler(stack, "webhooks", "remove", endpoint)
        query(stack.components, "DELETE FROM wp_comments WHERE comment_content = %s", (content,))


def test_an_extension_is_disabled_and_enabled_at_run_time(stack: StackHandle, api: httpx.Client) -> None:
    strangler(stack, "extensions", "enable", "activity-log")
    try:
        assert api.get("/extensions/activity-log").json()["state"] == "enabled"
        strangler(stack, "extensions", "disable", "activity-log")
        assert api.get("/extensions/activity-log").json()["state"] == "disabled"
    finally:
        strangler(stack, "extensions", "disable", "activity-log")
    assert api.get("/extensions/nothing-such").status_code == 404
    assert httpx.get(str(api.base_url.join("extensions")), timeout=5).status_code == 401  # no token
