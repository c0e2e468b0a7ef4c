"""``/wp-comments-post.php`` on a store fed WordPress-shaped change events: what a comment taken records (one
transaction: the comment, its submission, its event), what a refusal leaves (nothing), and dry runs judged
as of the visitor's request (WordPress's own copy of the comment is not a duplicate; another visitor's
comment a moment before still floods). WordPress's answers themselves are proven by ``submission/``."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine, func, select

from extracted.comments import records, schema
from extracted.comments.comment_view import post_permalink
from extracted.comments.projection import CommentsProjection
from extracted.comments.submission.request import parse_submission
from extracted.comments.submission_endpoint import SubmissionEndpoint
from extracted.contracts import parse_and_validate
from extracted.runtime import Store, open_engine
from tests.extracted.comments.test_comments_api import OPTIONS, _comment, _event, _post

DISCUSSION = {"require_name_email": "1", "comment_moderation": "0", "comment_max_links": "2", "moderation_keys": "",
              "disallowed_keys": "", "comment_previously_approved": "0", "thread_comments": "1",
              "thread_comments_depth": "5", "blog_public": "1", "close_comments_for_old_posts": "0"}  # fmt: skip


def _now_ms() -> int:
    return int(time.time() * 1000)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_engine(f"sqlite:///{tmp_path / 'comments.db'}")
    store, projection = Store(engine, schema.metadata), CommentsProjection()
    store.create()
    options = {**OPTIONS, **DISCUSSION}
    events = [_event("wp_options", {"option_id": i, "option_name": k, "option_value": v})
              for i, (k, v) in enumerate(options.items())]  # fmt: skip
    with engine.begin() as connection:
        changes = [change for event in [*events, _post(10)] for change in projection.project(event)]
        store.apply(connection, changes)
    return engine


def endpoint(engine: Engine, recorded: list[int] | None = None) -> SubmissionEndpoint:
    return SubmissionEndpoint(engine, topic="wordpress.events.comments", auth_salt="salt", can_sync=True,
                              permalink=post_permalink, on_recorded=lambda: (recorded or []).append(1))  # fmt: skip


def post(engine: Engine, content: str, *, dry_run: bool = False, ip: str = "203.0.113.7", **fields: str) -> Any:
    form = {"comment_post_ID": "10", "author": "Ann", "email": "ann@example.test", "url": "", "comment": content,
            **fields}  # fmt: skip
    submission = parse_submission(method="POST", body=urlencode(form).encode(), remote_addr=ip,
                                  content_type="application/x-www-form-urlencoded", user_agent=b"tests")  # fmt: skip
    return endpoint(engine).answer(submission, dry_run=dry_run)


def count(engine: Engine, table: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def store_wordpress_comment(
    engine: Engine, comment_id: int, content: str, ip: str, email: str = "ann@example.test"
) -> None:
    """WordPress's comment as CDC brings it (dated now)."""
    now_ms = int(datetime.now(UTC).replace(microsecond=0).timestamp() * 1000)
    event = _comment(comment_id, 10, 0, comment_content=content, comment_author="Ann", comment_author_email=email,
                     comment_author_IP=ip, comment_date=now_ms, comment_date_gmt=now_ms)  # fmt: skip
    projection = CommentsProjection()
    with engine.begin() as connection:
        changes = projection.project(event)
        Store(engine, schema.metadata).apply(connection, changes)
        projection.after_batch(connection, changes)


def test_a_taken_comment_is_stored_with_its_submission_and_its_event(engine: Engine) -> None:
    reply = post(engine, "Hello ferns")
    assert reply.status == 302
    location = dict(reply.headers)["Location"]
    comment_id = int(location.rsplit("#comment-", 1)[1])
    with engine.connect() as connection:
        row = connection.execute(select(schema.comments).where(schema.comments.c.id == comment_id)).one()
        submission = connection.execute(select(records.submissions)).one()
        (event,) = records.outbox.pending(connection, 10)
    assert (row.content, row.approved, row.author_ip, row.agent) == ("Hello ferns", "1", "203.0.113.7", "tests")
    assert (submission.comment_id, submission.state) == (comment_id, records.STATE_PENDING)
    document = json.loads(parse_and_validate(event.value).to_json())
    assert document["type"] == "comment.posted" and document["data"]["status"] == "approved"
    assert comment_id >= 10  # past every id seen, with a gap WordPress's own comments may fill meanwhile


def test_a_refusal_stores_nothing(engine: Engine) -> None:
    reply = post(engine, "")
    assert reply.status == 200 and b"Please type your comment" in reply.body
    assert count(engine, schema.comments) == count(engine, records.submissions) == 0
    with engine.connect() as connection:
        assert records.outbox.count(connection) == 0


def test_a_dry_run_does_not_count_wordpress_s_own_copy(engine: Engine) -> None:
    store_wordpress_comment(engine, 41, "Seen twice?", ip="203.0.113.7")  # WordPress took it; CDC was first
    reply = post(engine, "Seen twice?", dry_run=True)
    assert reply.status == 302, reply.body[:300]  # not a duplicate, not a flood
    assert count(engine, records.submissions) == 0
    with engine.connect() as connection:
        (dry_run,) = connection.execute(select(records.dry_runs)).all()
    assert (dry_run.decision, dry_run.wordpress, dry_run.comment_id) == ("approved", "approved", 41)


def test_a_dry_run_still_sees_another_visitor_s_comment_a_moment_before(engine: Engine) -> None:
    store_wordpress_comment(engine, 42, "Someone else's", ip="203.0.113.7", email="bob@example.test")
    reply = post(engine, "Mine", dry_run=True)
    assert reply.status == 429  # WordPress's flood check: one address, within 15 s


def test_a_real_submission_floods_after_a_comment_of_its_address(engine: Engine) -> None:
    assert post(engine, "First").status == 302
    assert post(engine, "Second").status == 429
    assert count(engine, records.submissions) == 1
