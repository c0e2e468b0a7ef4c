"""Comment events derived from the state WordPress's statements leave: pure.

WordPress 6.1 writes a comment's changes as separate autocommit statements: a new comment is its
``wp_comments`` row (then, maybe, meta rows and the post's ``comment_count``); moderation is an
``UPDATE`` of ``comment_approved`` (trashing adds ``_wp_trash_meta_*`` meta first); an edit in
wp-admin updates the row's fields (and maybe its status, in the same statement); deleting a comment
re-parents its replies (an ``UPDATE`` of each child: a real change of theirs), deletes its meta, then
the row; trashing a post sets its comments to ``post-trashed``. So events are derived from one
comment's *state* once it has settled (its last change ``settle_ms`` ago), compared with what
consumers were last told (:class:`Announced`):

* ``comment.posted`` (the whole comment and its status) the first time a comment is seen;
* ``comment.updated`` with only the changed fields (:data:`FIELDS`) and their new values;
* ``comment.approved`` when its status became ``approved``, ``comment.status_changed`` when it
  became anything else (``hold``, ``spam``, ``trash``, ``post-trashed``); after ``comment.updated``
  when both changed together;
* ``comment.deleted`` when the row is gone.

Meta, karma-free counters and the post's ``comment_count`` make no event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from extracted.runtime.announcing import Decision as KitDecision
from extracted.runtime.announcing import DerivedEvent, Pending

__all__ = [
    "FIELDS",
    "Announced",
    "CommentState",
    "Decision",
    "DerivedEvent",
    "announced_state",
    "decide",
    "event_status",
    "posted",
]  # fmt: skip

#: the fields of ``comment.posted`` and ``comment.updated`` (event names; ``post`` is the post id)
FIELDS = (
    "post", "parent", "user_id", "author_name", "author_email", "author_url", "author_ip", "date", "date_gmt",
    "content", "type", "karma", "agent",
)  # fmt: skip
_STATUSES = {"1": "approved", "0": "hold", "spam": "spam", "trash": "trash", "post-trashed": "post-trashed"}


def event_status(approved: str) -> str:
    """``comment_approved`` as the events name it: as the REST API does (``comment_view.rest_status``),
    but within the events' statuses (a plugin's own status reads as held: not shown, not approved)."""
    return _STATUSES.get(approved, "hold")


@dataclass(frozen=True)
class CommentState:
    """One comment as the store holds it, in the events' terms (``date`` local ``YYYY-MM-DDTHH:MM:SS``,
    ``date_gmt`` RFC 3339 UTC; ``approved`` as ``comment_approved`` stores it)."""

    id: int
    fields: Mapping[str, object]
    approved: str

    @property
    def status(self) -> str:
        return event_status(self.approved)


@dataclass(frozen=True)
class Announced:
    """What consumers were last told about one comment; ``version`` counts the events about it."""

    fields: Mapping[str, object]
    status: str
    version: int


#: this derivation's verdict on one aggregate (the kit's, with what consumers know of it)
Decision = KitDecision[Announced]


WAIT = Decision(ready=False)


#: ``comment.posted``'s ``origin``: a visitor's comment the comments service took (its system of record)…
ORIGIN_SERVICE = "comments-service"
#: …or one WordPress wrote (a reply in wp-admin, a pingback, a form WordPress still takes), seen through CDC
ORIGIN_WORDPRESS = "wordpress"


def posted(comment: CommentState, version: int = 1, *, origin: str = ORIGIN_WORDPRESS) -> DerivedEvent:
    data: dict[str, object] = {"id": comment.id, **{name: comment.fields[name] for name in FIELDS}}
    data["status"] = comment.status
    data["origin"] = origin
    return DerivedEvent("comment.posted", comment.id, data, version)


def decide(
    comment_id: int,
    comment: CommentState | None,
    announced: Announced | None,
    pending: Pending,
    now_ms: int,
    *,
    settle_ms: int,
) -> Decision:
    """What to announce about ``comment_id`` now (its state after its pending changes)."""
    if now_ms - pending.last_change_ms < settle_ms:
        return WAIT
    if comment is None:
        if announced is None:  # created and deleted before anyone was told: nothing happened for them
            return Decision(ready=True)
        post = announced.fields.get("post", 0)
        gone = DerivedEvent("comment.deleted", comment_id, {"id": comment_id, "post": post}, announced.version + 1)
        return Decision(ready=True, events=(gone,), announced=None)
    if announced is None:
        return Decision(ready=True, events=(posted(comment),), announced=announced_state(comment, 1))
    events: list[DerivedEvent] = []
    version = announced.version
    changed = {name: comment.fields[name] for name in FIELDS if comment.fields[name] != announced.fields.get(name)}
    post = comment.fields["post"]
    if changed:
        version += 1
        events.append(DerivedEvent("comment.updated", comment_id, {"id": comment_id, "post": post,
                                                                     "changed": changed}, version))  # fmt: skip
    if comment.status != announced.status:
        version += 1
        data: dict[str, object] = {"id": comment_id, "post": post, "previous_status": announced.status}
        if comment.status == "approved":
            events.append(DerivedEvent("comment.approved", comment_id, data, version))
        else:
            events.append(DerivedEvent("comment.status_changed", comment_id, {**data, "status": comment.status},
                                       version))  # fmt: skip
    return Decision(ready=True, events=tuple(events), announced=announced_state(comment, version))


def announced_state(comment: CommentState, version: int) -> Announced:
    """What consumers know of ``comment`` once told its ``version``-th event."""
    return Announced({name: comment.fields[name] for name in FIELDS}, comment.status, version)
