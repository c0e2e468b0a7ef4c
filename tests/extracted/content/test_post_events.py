"""Post events from a post's state and what consumers were last told (``post_events.decide``): pure."""

from __future__ import annotations

from typing import Any

from extracted.content.post_events import FIELDS, Announced, Decision, PostState, decide
from extracted.runtime.announcing import Pending

SETTLE = 250
SETTLED = Pending(first_change_ms=0, last_change_ms=0)
NOW = 10_000


def fields(**changed: Any) -> dict[str, object]:
    base: dict[str, object] = {
        "title": "Ferns", "content": "<p>Ferns.</p>", "excerpt": "", "slug": "ferns",
        "link": "http://site.test/ferns/", "author": 1, "date_gmt": "2024-11-24T13:00:00Z",
        "comment_status": "open", "password_protected": False, "categories": [1], "tags": [],
    }  # fmt: skip
    assert tuple(base) == FIELDS
    return {**base, **changed}


def published(post_id: int = 7, post_type: str = "post", **changed: Any) -> PostState:
    return PostState(post_id, post_type, "publish", fields(**changed))


def told(status: str = "publish", version: int = 1, post_type: str = "post", **changed: Any) -> Announced:
    return Announced(post_type, status, fields(**changed), version)


def run(post: PostState | None, announced: Announced | None, pending: Pending = SETTLED) -> Decision:
    return decide(7, post, announced, pending, NOW, settle_ms=SETTLE)


def test_a_post_seen_published_for_the_first_time_is_published_with_every_field() -> None:
    decision = run(published(), None)
    (event,) = decision.events
    assert event.type == "post.published" and event.version == 1 and event.subject == 7
    assert event.data == {"id": 7, "type": "post", "status": "publish", **fields()}
    assert decision.announced == told()


def test_unsettled_changes_wait() -> None:
    assert not run(published(), None, Pending(NOW - 10, NOW - 10)).ready
    assert run(published(), None, Pending(NOW - 10, NOW - SETTLE)).ready


def test_drafts_auto_drafts_scheduled_posts_and_revisions_are_not_news() -> None:
    for status in ("draft", "auto-draft", "future", "pending", "private", "inherit"):
        assert run(PostState(7, "post", status), None) == Decision(ready=True)
    for other_type in ("revision", "attachment", "nav_menu_item", "wp_block"):
        assert run(PostState(7, other_type, "publish", fields()), None) == Decision(ready=True)
        assert run(PostState(7, other_type, "inherit"), None) == Decision(ready=True)


def test_a_scheduled_post_is_published_when_it_goes_live() -> None:
    assert run(PostState(7, "post", "future"), None).events == ()
    (event,) = run(published(), None).events
    assert event.type == "post.published"


def test_nothing_visible_changed_makes_no_event() -> None:
    decision = run(published(), told(version=3))
    assert decision == Decision(ready=True)


def test_an_edit_is_updated_with_only_the_changed_fields() -> None:
    decision = run(published(title="Ferns and mosses", tags=[4, 9]), told(version=3))
    (event,) = decision.events
    assert event.type == "post.updated" and event.version == 4
    assert event.data == {"id": 7, "type": "post", "changed": {"title": "Ferns and mosses", "tags": [4, 9]}}
    assert decision.announced == told(version=4, title="Ferns and mosses", tags=[4, 9])


def test_leaving_publish_is_unpublished_with_the_new_status() -> None:
    for status in ("draft", "pending", "private", "future", "trash"):
        decision = run(PostState(7, "post", status), told(version=2))
        (event,) = decision.events
        assert event.type == "post.unpublished" and event.version == 3
        assert event.data == {"id": 7, "type": "post", "status": status}
        assert decision.announced == told(status=status, version=3)  # the fields consumers saw last


def test_an_unpublished_post_stays_quiet_and_is_published_again_whole() -> None:
    assert run(PostState(7, "post", "draft"), told("trash", 3)) == Decision(ready=True)
    decision = run(published(title="Back"), told("draft", 3))
    (event,) = decision.events
    assert event.type == "post.published" and event.version == 4 and event.data["title"] == "Back"


def test_deleting_an_announced_post_is_deleted_and_a_never_announced_one_nothing() -> None:
    decision = run(None, told("trash", 2, post_type="page"))
    (event,) = decision.events
    assert (event.type, event.version, event.data) == ("post.deleted", 3, {"id": 7, "type": "page"})
    assert decision.announced is None
    assert run(None, None) == Decision(ready=True)


def test_a_post_that_became_another_type_is_gone_for_consumers() -> None:
    (event,) = run(PostState(7, "attachment", "inherit"), told()).events
    assert event.type == "post.deleted"


def test_deciding_again_from_what_was_announced_is_idempotent() -> None:
    first = run(published(title="New"), told())
    assert first.announced is not None
    assert run(published(title="New"), first.announced) == Decision(ready=True)
