"""Valid example data of every event type, and a builder of whole events, for the contract tests."""

from __future__ import annotations

import copy
from typing import Any

from extracted.contracts import CloudEvent, deterministic_id, new_event

SOURCE = "/wp-strangler/tests"
TIME = "2026-12-07T06:24:18.123Z"

EXAMPLE_DATA: dict[str, dict[str, Any]] = {
    "user.registered": {
        "id": 7,
        "login": "zoë",
        "nicename": "zoe",
        "display_name": "Zoë Ångström",
        "email": "",  # real sites have users without an email
        "url": "https://zoe.example.test",
        "registered": "2024-02-29T23:59:59Z",
        "roles": ["author"],
        "nickname": "zoë",
        "first_name": "Zoë",
        "last_name": "Ångström",
        "description": "Writes about <em>ferns</em>.",
        "locale": "",
    },
    "user.profile_updated": {"id": 7, "changed": {"email": "zoe@example.test", "display_name": "Zoë Å."}},
    "user.role_changed": {"id": 7, "roles": ["editor"], "previous_roles": ["author"]},
    "user.deleted": {"id": 7},
    "comment.posted": {
        "id": 7,
        "post": 1,
        "parent": 0,
        "user_id": 0,
        "author_name": "Zoë",
        "author_email": "",  # require_name_email may be off
        "author_url": "",
        "author_ip": "203.0.113.9",
        "date": "2026-12-07T08:24:18",
        "date_gmt": "2026-12-07T06:24:18Z",
        "content": "Nice <em>ferns</em>.",
        "type": "comment",
        "karma": 0,
        "agent": "Mozilla/5.0",
        "status": "hold",
    },
    "comment.approved": {"id": 7, "post": 1, "previous_status": "hold"},
    "comment.status_changed": {"id": 7, "post": 1, "status": "spam", "previous_status": "approved"},
    "comment.updated": {"id": 7, "post": 1, "changed": {"content": "Nicer ferns.", "parent": 3}},
    "comment.deleted": {"id": 7, "post": 0},
    "post.published": {
        "id": 7,
        "type": "post",
        "status": "publish",
        "title": "Ferns & <em>mosses</em>",
        "content": "<!-- wp:paragraph -->\n<p>Ferns.</p>\n<!-- /wp:paragraph -->",
        "excerpt": "",
        "slug": "ferns-mosses",
        "link": "http://localhost:8080/2026/12/07/ferns-mosses/",
        "author": 1,
        "date_gmt": "2026-12-07T06:24:18Z",
        "comment_status": "open",
        "password_protected": False,
        "categories": [1],
        "tags": [],
    },
    "post.updated": {"id": 7, "type": "page", "changed": {"title": "Ferns", "date_gmt": None, "tags": [3, 5]}},
    "post.unpublished": {"id": 7, "type": "post", "status": "trash"},
    "post.deleted": {"id": 7, "type": "post"},
}

FORBIDDEN_FIELDS = ("user_pass", "user_activation_key", "session_tokens")


def example_data(event_type: str) -> dict[str, Any]:
    return copy.deepcopy(EXAMPLE_DATA[event_type])


def example_event(event_type: str, data: dict[str, Any] | None = None, subject: str = "7") -> CloudEvent:
    return new_event(
        event_type,
        subject,
        example_data(event_type) if data is None else data,
        source=SOURCE,
        id=deterministic_id("tests", event_type, subject),
        time=TIME,
    )
