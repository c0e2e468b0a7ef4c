"""WordPress 6.1's statements for a registration, an edit and a deletion, through the users projection
and the announcer: the events the outbox gets, valid against their schemas, once each."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from cdc.events import ChangeEvent
from extracted.contracts import parse_and_validate
from extracted.runtime import Store, open_engine
from extracted.users import schema
from extracted.users.announcer import Announcer
from extracted.users.projection import UsersProjection

SUBSCRIBER = 'a:1:{s:10:"subscriber";b:1;}'


class Site:
    """A users store fed WordPress-shaped change events, with a clock the test moves."""

    def __init__(self, tmp_path: Path) -> None:
        self.engine: Engine = open_engine(f"sqlite:///{tmp_path / 'users.db'}")
        self.projection = UsersProjection()
        self.store = Store(self.engine, schema.metadata)
        self.store.create()
        self.now = 1_000_000
        self.announcer = Announcer(self.engine, "wordpress", clock=lambda: self.now)
        self.meta_ids = 100

    def batch(self, *events: tuple[str, str, dict[str, Any]]) -> None:
        with self.engine.begin() as connection:
            changes = []
            for table, op, row in events:
                before, after = (row, None) if op == "d" else (None, row)
                event = ChangeEvent(f"wordpress.wordpress.{table}", {}, op, before, after, {}, self.now)  # type: ignore[arg-type]
                changes.extend(self.projection.project(event))
            self.store.apply(connection, changes)
            self.projection.after_batch(connection, changes)

    def meta(self, user_id: int, key: str, value: str, op: str = "c") -> tuple[str, str, dict[str, Any]]:
        self.meta_ids += 1
        return "wp_usermeta", op, {"umeta_id": self.meta_ids, "user_id": user_id, "meta_key": key, "meta_value": value}

    def announced(self, after_ms: int = 300) -> list[dict[str, Any]]:  # past the 250 ms settle time
        self.now += after_ms
        self.announcer.announce_due()
        with self.engine.begin() as connection:
            events = schema.outbox.pending(connection, 100)
            schema.outbox.forget_through(connection, events[-1].sequence if events else 0)
        return [json.loads(parse_and_validate(event.value).to_json()) for event in events]


USER = {"ID": 7, "user_login": "ada", "user_nicename": "ada", "user_email": "ada@example.com", "user_url": "",
        "user_registered": 1_700_000_000_000, "display_name": "ada", "user_pass": "$P$Bsecret",
        "user_activation_key": ""}  # fmt: skip


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path)


def _register(site: Site) -> None:
    """register_new_user(): the row, the profile meta, the role, the nag, then the activation key."""
    site.batch(("wp_users", "c", USER))
    site.batch(*(site.meta(7, key, "ada" if key == "nickname" else "") for key in
                 ("nickname", "first_name", "last_name", "description", "rich_editing", "locale")))  # fmt: skip
    site.batch(site.meta(7, "wp_capabilities", SUBSCRIBER), site.meta(7, "wp_user_level", "0"))
    site.batch(site.meta(7, "default_password_nag", "1"))
    site.batch(("wp_users", "u", {**USER, "user_activation_key": "1700000000:$P$Bkey"}))


def test_a_registration_is_one_user_registered_without_secrets(site: Site) -> None:
    _register(site)
    (event,) = site.announced()
    assert (event["type"], event["subject"], event["specversion"]) == ("user.registered", "7", "1.0")
    assert event["data"]["roles"] == ["subscriber"]
    assert event["data"]["nickname"] == "ada"
    text = json.dumps(event)
    assert "$P$" not in text and "activation" not in text
    assert site.announced() == []  # nothing more: the nag and the key are not profile changes


def test_a_registration_split_by_the_settle_time_still_waits_for_the_role(site: Site) -> None:
    site.batch(("wp_users", "c", USER))
    assert site.announced(after_ms=500) == []  # no wp_capabilities yet: the rest is on its way
    site.batch(site.meta(7, "wp_capabilities", SUBSCRIBER))
    assert [event["type"] for event in site.announced()] == ["user.registered"]


def test_an_edit_in_wp_admin_and_a_role_change(site: Site) -> None:
    _register(site)
    site.announced()
    site.batch(("wp_users", "u", {**USER, "display_name": "Ada Lovelace"}))
    site.batch(("wp_usermeta", "u", {"umeta_id": 102, "user_id": 7, "meta_key": "first_name", "meta_value": "Ada"}))
    site.batch(site.meta(7, "session_tokens", "a:1:{}"))
    (edit,) = site.announced()
    assert edit["type"] == "user.profile_updated"
    assert edit["data"] == {"id": 7, "changed": {"display_name": "Ada Lovelace", "first_name": "Ada"}}
    capabilities = {
        "umeta_id": 107,
        "user_id": 7,
        "meta_key": "wp_capabilities",
        "meta_value": 'a:1:{s:6:"editor";b:1;}',
    }
    site.batch(("wp_usermeta", "u", capabilities))
    (role,) = site.announced()
    assert role["data"] == {"id": 7, "roles": ["editor"], "previous_roles": ["subscriber"]}
    assert len({edit["id"], role["id"]}) == 2


def test_wp_delete_user_is_one_user_deleted(site: Site) -> None:
    _register(site)
    site.announced()
    deletions = [("wp_usermeta", "d", {"umeta_id": n, "user_id": 7, "meta_key": "x", "meta_value": ""}) for n in
                 range(101, 110)]  # fmt: skip
    site.batch(*deletions[:4])
    assert site.announced() == []  # the profile meta is going: a deletion under way, not an edit
    site.batch(*deletions[4:])
    site.batch(("wp_users", "d", USER))
    (event,) = site.announced()
    assert (event["type"], event["data"]) == ("user.deleted", {"id": 7})
