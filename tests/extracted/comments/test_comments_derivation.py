"""Which comment events the state of one comment makes (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from extracted.comments.derivation import FIELDS, Announced, CommentState, Decision, decide, event_status
from extracted.contracts import new_event, validate
from extracted.runtime.announcing import Pending

NOW = 1_800_000_000_000
SETTLED = Pending(NOW - 1000, NOW - 500)
BASE: dict[str, Any] = {
    "post": 1, "parent": 0, "user_id": 0, "author_name": "Zoë", "author_email": "zoe@example.test",
    "author_url": "", "author_ip": "203.0.113.9", "date": "2026-12-07T08:24:18", "date_gmt": "2026-12-07T06:24:18Z",
    "content": "Ferns!", "type": "comment", "karma": 0, "agent": "Mozilla/5.0",
}  # fmt: skip


def comment(approved: str = "1", **changes: Any) -> CommentState:
    return CommentState(7, {**BASE, **changes}, approved)


def told(approved: str = "1", version: int = 1, **changes: Any) -> Announced:
    return Announced({**BASE, **changes}, event_status(approved), version)


def run(state: CommentState | None, announced: Announced | None, pending: Pending = SETTLED) -> Decision:
    return decide(7, state, announced, pending, NOW, settle_ms=60)


def types(decision: Decision) -> list[str]:
    return [event.type for event in decision.events]


def valid(decision: Decision) -> None:
    for event in decision.events:
        validate(new_event(event.type, str(event.subject), event.data, source="/tests", time="2026-12-07T06:24:18Z"))


def test_a_comment_still_being_written_waits() -> None:
    assert run(comment(), None, Pending(NOW - 100, NOW - 10)).ready is False


def test_a_new_comment_is_posted_whole_with_its_status() -> None:
    decision = run(comment("0"), None)
    assert types(decision) == ["comment.posted"]
    assert decision.events[0].data == {"id": 7, **BASE, "status": "hold", "origin": "wordpress"}  # seen through CDC
    assert decision.announced == told("0", 1)
    valid(decision)


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("0", "1", "comment.approved"), ("spam", "1", "comment.approved"), ("1", "0", "comment.status_changed"),
    ("1", "spam", "comment.status_changed"), ("0", "trash", "comment.status_changed"),
    ("1", "post-trashed", "comment.status_changed"),
])  # fmt: skip
def test_moderation(before: str, after: str, expected: str) -> None:
    decision = run(comment(after), told(before, 3))
    assert types(decision) == [expected]
    event = decision.events[0]
    assert event.version == 4 and event.data["previous_status"] == event_status(before)
    if expected == "comment.status_changed":
        assert event.data["status"] == event_status(after)
    valid(decision)


def test_an_edit_with_a_status_change_is_an_update_then_the_status() -> None:
    decision = run(comment("1", content="Ferns, edited.", author_url="https://zoe.test"), told("0", 2))
    assert types(decision) == ["comment.updated", "comment.approved"]
    assert decision.events[0].data == {"id": 7, "post": 1, "changed": {"author_url": "https://zoe.test",
                                                                       "content": "Ferns, edited."}}  # fmt: skip
    assert [event.version for event in decision.events] == [3, 4]
    assert decision.announced is not None and decision.announced.version == 4
    valid(decision)


def test_nothing_changed_in_the_fields_is_no_event() -> None:
    decision = run(comment(), told())
    assert decision.ready and decision.events == () and decision.announced == told()


def test_a_reply_re_parented_by_a_deletion_is_updated() -> None:
    assert run(comment(parent=0), told(parent=5)).events[0].data["changed"] == {"parent": 0}


def test_deletion_and_a_comment_nobody_heard_of() -> None:
    decision = run(None, told(version=2))
    assert types(decision) == ["comment.deleted"]
    assert decision.events[0].data == {"id": 7, "post": 1} and decision.events[0].version == 3
    assert decision.announced is None
    valid(decision)
    assert run(None, None) == Decision(ready=True)


def test_unknown_approval_values_read_as_held() -> None:
    assert event_status("weird") == "hold" and set(FIELDS) == set(BASE)
