"""Users for content's fast tests, as the users service announces them: schema-valid CloudEvents on
``wordpress.events.users`` (content reads no WordPress user table).

Events are built exactly as ``extracted.users.announcer`` builds them: ``new_event`` with the id
``deterministic_id(SOURCE, user id, version, type)``, checked with ``validate``, keyed by subject.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from extracted.contracts import CloudEvent, deterministic_id, events_topic, kafka_key, new_event, validate
from extracted.runtime import Record

USERS_TOPIC = events_topic("wordpress", "users")
SOURCE = "/strangler/users"
TIME = "2026-12-07T06:24:18.123Z"
_offsets = itertools.count()


def user_event(event_type: str, user_id: int, version: int, data: dict[str, Any]) -> CloudEvent:
    """A valid ``event_type`` event about ``user_id`` (its ``version``-th), ``data`` without the id."""
    event_id = deterministic_id(SOURCE, str(user_id), str(version), event_type)
    event = new_event(event_type, str(user_id), {"id": user_id, **data}, source=SOURCE, id=event_id, time=TIME)
    validate(event)
    return event


def registered(user: dict[str, Any], roles: Sequence[str] = ("author",)) -> CloudEvent:
    """``user.registered`` of a user dict: ``id`` and ``login`` required; the other profile fields
    (``nicename``, ``display_name``, ``email``, ``url``, ``description``, ...) default as WordPress's."""
    login = str(user["login"])
    data = {
        "login": login, "nicename": user.get("nicename", login), "display_name": user.get("display_name", login),
        "email": user.get("email", ""), "url": user.get("url", ""),
        "registered": user.get("registered", "2024-01-01T10:00:00Z"), "roles": list(roles),
        "nickname": user.get("nickname", login), "first_name": user.get("first_name", ""),
        "last_name": user.get("last_name", ""), "description": user.get("description", ""),
        "locale": user.get("locale", ""),
    }  # fmt: skip
    return user_event("user.registered", int(user["id"]), 1, data)


def profile_updated(user_id: int, version: int, **changed: str) -> CloudEvent:
    return user_event("user.profile_updated", user_id, version, {"changed": changed})


def role_changed(user_id: int, version: int, roles: Sequence[str], previous: Sequence[str]) -> CloudEvent:
    return user_event("user.role_changed", user_id, version, {"roles": list(roles), "previous_roles": list(previous)})


def deleted(user_id: int, version: int) -> CloudEvent:
    return user_event("user.deleted", user_id, version, {})


def record(event: CloudEvent) -> Record:
    """``event`` as the next record of the users topic."""
    return Record(USERS_TOPIC, 0, next(_offsets), kafka_key(event), event.to_json())
