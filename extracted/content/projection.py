"""The content service's projection: change events of WordPress's tables and the users service's domain
events → read-model changes. Pure.

Rows may arrive in any order across tables (a post's meta before the post): every table is stored
on its own and whatever a change affects is queued in ``content_dirty`` for rendering at the end of
the batch (see ``rendering``).

Users are not read from WordPress's ``wp_users``/``wp_usermeta`` but from the users service's events
(event-carried state transfer, ``project_user_event``): ``user.registered`` carries the whole public
profile (the email included, for Gravatar's hash), ``user.profile_updated`` only the fields that
changed, ``user.role_changed`` the roles now, ``user.deleted`` the id. The runtime hands over only
events that fit their contract, once per event id (``extracted.runtime.EventProjection``). A deleted
user's posts are not touched here: WordPress reassigns or deletes them, row changes of ``wp_posts``
that arrive anyway. An update about a user content never heard of changes nothing. Comments come
from the comments service's events the same way (``comment_events``). ``after_batch`` renders the
queued posts and marks the posts whose row or terms changed pending for the post events (``post_announcer``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, MetaData

from cdc.events import ChangeEvent, Tombstone, parse_topic
from extracted.contracts import CloudEvent
from extracted.runtime import Change, Delete, Truncate, Update, Upsert
from extracted.runtime.announcing import now_ms

from . import schema
from .comment_events import COMMENTS_AGGREGATE, project_comment_event
from .post_records import mark_pending
from .render_inputs import RENDERING_OPTIONS
from .rendering import ALL_POSTS, render_dirty

Row = dict[str, Any]
MEDIA_TYPES = ("attachment",)
#: the aggregate whose domain events content consumes (topic ``<prefix>.events.users``)
USERS_AGGREGATE = "users"
#: the profile fields content keeps, by their event names; it never shows the others (names, nickname, locale)
KEPT_PROFILE_FIELDS = ("nicename", "display_name", "email", "url", "description")


def wp_datetime(value: Any) -> str | None:
    """CDC's DATETIME (epoch ms read as UTC) as WordPress's REST format; the zero date is None."""
    if value is None or value == 0:
        return None
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")


def collation_key(text: str) -> str:
    """A sort key comparing like MariaDB's ``utf8mb4_unicode_520_ci``: case and accents ignored."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().rstrip(" ")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _dirty(post_id: int) -> Upsert:
    return Upsert(schema.dirty.name, {"post_id": post_id}, {"pending": True})


def _post(row: Row) -> list[Change]:
    post_id = int(row["ID"])
    values = {
        "type": _text(row.get("post_type")),
        "status": _text(row.get("post_status")),
        "slug": _text(row.get("post_name")),
        "parent": int(row.get("post_parent") or 0),
        "menu_order": int(row.get("menu_order") or 0),
        "author": int(row.get("post_author") or 0),
        "date": wp_datetime(row.get("post_date")),
        "date_gmt": wp_datetime(row.get("post_date_gmt")),
        "modified": wp_datetime(row.get("post_modified")),
        "modified_gmt": wp_datetime(row.get("post_modified_gmt")),
        "password": _text(row.get("post_password")),
        "comment_status": _text(row.get("comment_status")),
        "ping_status": _text(row.get("ping_status")),
        "guid": _text(row.get("guid")),
        "mime_type": _text(row.get("post_mime_type")),
        "comment_count": int(row.get("comment_count") or 0),
        "title_raw": _text(row.get("post_title")),
        "title_key": collation_key(_text(row.get("post_title"))),
        "content_raw": _text(row.get("post_content")),
        "excerpt_raw": _text(row.get("post_excerpt")),
    }
    # A changed attachment re-renders the posts that show media (see ``rendering``).
    return [Upsert(schema.posts.name, {"id": post_id}, values), _dirty(post_id)]


def _post_meta(row: Row) -> list[Change]:
    post_id = int(row["post_id"])
    values = {"post_id": post_id, "key": _text(row.get("meta_key")), "value": _text(row.get("meta_value"))}
    return [Upsert(schema.post_meta.name, {"meta_id": int(row["meta_id"])}, values), _dirty(post_id)]


def _term(row: Row) -> list[Change]:
    name = _text(row.get("name"))
    values = {"name": name, "name_key": collation_key(name), "slug": _text(row.get("slug"))}
    return [Upsert(schema.terms.name, {"term_id": int(row["term_id"])}, values)]


def _taxonomy(row: Row) -> list[Change]:
    values = {
        "term_id": int(row["term_id"]),
        "taxonomy": _text(row.get("taxonomy")),
        "description": _text(row.get("description")),
        "parent": int(row.get("parent") or 0),
        "count": int(row.get("count") or 0),
    }
    return [Upsert(schema.taxonomies.name, {"term_taxonomy_id": int(row["term_taxonomy_id"])}, values)]


def _relationship(row: Row) -> list[Change]:
    key = {"object_id": int(row["object_id"]), "term_taxonomy_id": int(row["term_taxonomy_id"])}
    # Blocks about the post itself (its terms, its classes in a loop) show its terms.
    return [Upsert(schema.relationships.name, key, {"term_order": int(row.get("term_order") or 0)}),
            _dirty(key["object_id"])]  # fmt: skip


def _option(row: Row) -> list[Change]:
    values = {"name": _text(row.get("option_name")), "value": _text(row.get("option_value"))}
    changes: list[Change] = [Upsert(schema.options.name, {"option_id": int(row["option_id"])}, values)]
    if values["name"] in RENDERING_OPTIONS:
        changes.append(_dirty(ALL_POSTS))
    return changes


# source table -> (read-model table, its key built from the source row, upsert builder)
Builder = Callable[[Row], list[Change]]
TABLES: dict[str, tuple[str, Callable[[Row], dict[str, int]], Builder]] = {
    "wp_posts": (schema.posts.name, lambda r: {"id": int(r["ID"])}, _post),
    "wp_postmeta": (schema.post_meta.name, lambda r: {"meta_id": int(r["meta_id"])}, _post_meta),
    "wp_terms": (schema.terms.name, lambda r: {"term_id": int(r["term_id"])}, _term),
    "wp_term_taxonomy": (schema.taxonomies.name, lambda r: {"term_taxonomy_id": int(r["term_taxonomy_id"])}, _taxonomy),
    "wp_term_relationships": (
        schema.relationships.name,
        lambda r: {"object_id": int(r["object_id"]), "term_taxonomy_id": int(r["term_taxonomy_id"])},
        _relationship,
    ),
    "wp_options": (schema.options.name, lambda r: {"option_id": int(r["option_id"])}, _option),
}


def _deletion(source_table: str, row: Row) -> list[Change]:
    """A deleted row, and the rendering it invalidates (its post, or every post for shared inputs)."""
    table, key, build = TABLES[source_table]
    changes: list[Change] = [Delete(table, key(row))]
    upserted = build(row)  # reuse the upsert's dirty markers: what the row affected, it affects gone
    changes.extend(change for change in upserted if change.table == schema.dirty.name)
    if source_table == "wp_posts":
        changes.append(Delete(schema.render_modes.name, {"post_id": int(row["ID"])}))
        if row.get("post_type") in MEDIA_TYPES:
            changes.append(_dirty(ALL_POSTS))  # the row is gone: nothing left to tell it was media
    return changes


def project(event: ChangeEvent | Tombstone) -> Sequence[Change]:
    """The read-model changes of one event (tombstones change nothing: the delete did)."""
    if isinstance(event, Tombstone):
        return []
    source_table = event.table or parse_topic(event.topic)[2]
    if source_table not in TABLES:
        return []
    if event.op == "t":
        truncated = [Truncate(TABLES[source_table][0])]
        if source_table == "wp_posts":
            truncated.append(Truncate(schema.render_modes.name))
        return [*truncated, _dirty(ALL_POSTS)]
    row = event.row
    if row is None:
        raise ValueError(f"{event.op!r} event on {source_table} without a row")
    if event.op == "d":
        return _deletion(source_table, row)
    if event.op == "u" and event.before is not None:
        old_key, new_key = TABLES[source_table][1](event.before), TABLES[source_table][1](row)
        if old_key != new_key:  # a primary key update moves the row
            return [*_deletion(source_table, event.before), *TABLES[source_table][2](row)]
    return TABLES[source_table][2](row)


def _profile(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Content's columns for the kept profile ``fields`` present (the sort key goes with the display name)."""
    values = {name: str(fields[name]) for name in KEPT_PROFILE_FIELDS if name in fields}
    if "display_name" in values:
        values["name_key"] = collation_key(values["display_name"])
    return values


def project_user_event(event: CloudEvent) -> Sequence[Change]:
    """The changes to the users table of one valid event of the users aggregate."""
    data, table = event.data, schema.users.name
    key = {"id": int(data["id"])}
    if event.type == "user.registered":
        # RFC 3339 UTC (``2024-01-01T10:00:00Z``) as content stores dates (``2024-01-01T10:00:00``)
        registered = str(data["registered"])[:19]
        values = {"login": str(data["login"]), "registered": registered, "roles": list(data["roles"]), **_profile(data)}
        return [Upsert(table, key, values)]
    if event.type == "user.profile_updated":
        changed = _profile(data["changed"])
        return [Update(table, key, changed)] if changed else []
    if event.type == "user.role_changed":
        return [Update(table, key, {"roles": list(data["roles"])})]
    if event.type == "user.deleted":
        return [Delete(table, key)]
    return []  # a type added to the aggregate later: nothing content shows


class ContentProjection:
    """The content service as the runtime sees it (an ``EventProjection``: it also reads user events)."""

    @property
    def metadata(self) -> MetaData:
        return schema.metadata

    def source_tables(self) -> Sequence[str]:
        return list(TABLES)

    def source_events(self) -> Sequence[str]:
        return [USERS_AGGREGATE, COMMENTS_AGGREGATE]

    def project(self, event: ChangeEvent | Tombstone) -> Sequence[Change]:
        return project(event)

    def project_event(self, event: CloudEvent) -> Sequence[Change]:
        if event.type.startswith("comment."):
            return project_comment_event(event)
        return project_user_event(event)

    def after_batch(self, connection: Connection, changes: Sequence[Change]) -> None:
        """Render the queued posts; the posts whose row or terms changed become pending for the
        announcer (``post_records.mark_pending``)."""
        render_dirty(connection)
        mark_pending(connection, changes, now_ms())
