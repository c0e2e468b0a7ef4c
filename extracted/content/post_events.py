"""Post events derived from the state WordPress's statements leave: pure.

WordPress 6.1 writes one logical change of a post as several autocommit statements, most of which are
not news for anyone reading the site: ``wp_insert_post`` inserts the row and then updates its
``guid``; saving creates a ``revision`` row (autosaves are revisions too, ``<id>-autosave-v1``); the
editor's ``_edit_lock``/``_edit_last`` are meta; a new comment updates ``comment_count``; publishing
sets the status, the slug and the dates; trashing adds ``_wp_trash_meta_*`` meta, then sets the status
``trash`` and suffixes the slug ``__trashed``; the cron publishes a scheduled (``future``) post by
updating its status alone; deleting removes meta, terms and revisions, then the row. So events come
from one post's *state* once it has settled (its last change ``settle_ms`` ago), compared with what
consumers were last told (:class:`Announced`, the service's ledger):

* ``post.published`` (every field of :data:`FIELDS`) when a post or page is ``publish`` and
  consumers did not know it as published (first seen, or published again after leaving);
* ``post.updated`` with only the changed :data:`FIELDS` and their new values, for a post that
  stays published (``post_modified``, ``comment_count``, ``menu_order``, ``guid``, ``ping_status``
  and meta are not among them: no event);
* ``post.unpublished`` with its new status when a published post left ``publish`` (draft, pending,
  private, future again, trash);
* ``post.deleted`` when the row of a post consumers were ever told about is gone (one never announced
  as published — an auto-draft, a draft, a revision — makes no event at all).

Only posts and pages (:data:`TYPES`) are announced. A post that is not published carries no fields
here (nothing is derived from it but its status).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from extracted.runtime.announcing import Decision as KitDecision
from extracted.runtime.announcing import DerivedEvent, Pending

__all__ = ["FIELDS", "PUBLISHED", "TYPES", "Announced", "Decision", "DerivedEvent", "PostState", "decide"]

#: the post types whose events are announced
TYPES = ("post", "page")
PUBLISHED = "publish"
#: the fields of ``post.published`` (beside ``id``, ``type`` and ``status``) and of ``post.updated``'s ``changed``
FIELDS = (
    "title", "content", "excerpt", "slug", "link", "author", "date_gmt", "comment_status", "password_protected",
    "categories", "tags",
)  # fmt: skip


@dataclass(frozen=True)
class PostState:
    """One post as the read model holds it; ``fields`` (:data:`FIELDS`) only when it is visible."""

    id: int
    type: str
    status: str
    fields: Mapping[str, object] | None = None

    @property
    def visible(self) -> bool:
        return self.type in TYPES and self.status == PUBLISHED and self.fields is not None


@dataclass(frozen=True)
class Announced:
    """What consumers were last told about one post: its type, ``publish`` or the status it left
    ``publish`` for, the fields they saw last, and ``version``, how many events were about it."""

    type: str
    status: str
    fields: Mapping[str, object]
    version: int

    @property
    def published(self) -> bool:
        return self.status == PUBLISHED


#: this derivation's verdict on one aggregate (the kit's, with what consumers know of it)
Decision = KitDecision[Announced]


WAIT = Decision(ready=False)
NOTHING = Decision(ready=True)


def _published(post: PostState, fields: Mapping[str, object], version: int) -> Decision:
    data: dict[str, object] = {"id": post.id, "type": post.type, "status": PUBLISHED, **fields}
    event = DerivedEvent("post.published", post.id, data, version)
    return Decision(ready=True, events=(event,), announced=Announced(post.type, PUBLISHED, dict(fields), version))


def decide(
    post_id: int,
    post: PostState | None,
    announced: Announced | None,
    pending: Pending,
    now_ms: int,
    *,
    settle_ms: int,
) -> Decision:
    """What to announce about ``post_id`` now (``post``: its state after its pending changes, None: gone)."""
    if now_ms - pending.last_change_ms < settle_ms:
        return WAIT
    if post is not None and post.type not in TYPES:
        post = None  # a row that is no post or page (any more): as good as gone for consumers
    if post is None:
        if announced is None:  # never announced (an auto-draft, a revision): nothing happened for consumers
            return NOTHING
        gone = DerivedEvent("post.deleted", post_id, {"id": post_id, "type": announced.type}, announced.version + 1)
        return Decision(ready=True, events=(gone,), announced=None)
    version = announced.version if announced else 0
    if post.visible:
        fields = dict(post.fields or {})
        if announced is None or not announced.published:
            return _published(post, fields, version + 1)
        changed = {name: fields[name] for name in FIELDS if fields[name] != announced.fields.get(name)}
        if not changed:
            return NOTHING
        data: dict[str, object] = {"id": post_id, "type": post.type, "changed": changed}
        event = DerivedEvent("post.updated", post_id, data, version + 1)
        return Decision(ready=True, events=(event,), announced=Announced(post.type, PUBLISHED, fields, version + 1))
    if announced is None or not announced.published:
        return NOTHING  # not published, and consumers do not think it is
    data = {"id": post_id, "type": announced.type, "status": post.status}
    event = DerivedEvent("post.unpublished", post_id, data, version + 1)
    return Decision(ready=True, events=(event,),
                    announced=Announced(announced.type, post.status, announced.fields, version + 1))  # fmt: skip
