"""The system of record without a server: ids, the one transaction's contents, who exists, the echo.

The store is the service's own (SQLite, its real schema); the echo of the legacy sync is fed through
the service's real projection and announcer, as CDC would bring it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
from sqlalchemy import Connection, Engine, insert, select

from cdc.events import ChangeEvent
from extracted.contracts import parse_and_validate
from extracted.runtime import Store, open_engine
from extracted.users import schema
from extracted.users.announcer import Announcer
from extracted.users.projection import UsersProjection
from extracted.users.registration.newuser import nicename_for, sanitize_title, user_level
from extracted.users.registration.record import (
    ID_HEADROOM,
    Directory,
    allocate_user_id,
    provisional_meta_id,
    record_registration,
)

TOPIC = "wordpress.events.users"
ROLES = (
    'a:2:{s:13:"administrator";a:2:{s:4:"name";s:13:"Administrator";s:12:"capabilities";a:2:{'
    's:14:"manage_options";b:1;s:8:"level_10";b:1;}}s:10:"subscriber";a:2:{s:4:"name";s:10:"Subscriber";'
    's:12:"capabilities";a:2:{s:4:"read";b:1;s:7:"level_0";b:1;}}}'
)
NOW_MS = 1_700_000_000_123


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    store = Store(open_engine(f"sqlite:///{tmp_path / 'users.db'}"), schema.metadata)
    store.create()
    with store.engine.begin() as connection:
        options = {"default_role": "subscriber", "wp_user_roles": ROLES, "home": "http://site.test"}
        for index, (name, value) in enumerate(options.items(), start=1):
            connection.execute(insert(schema.options).values(option_id=index, name=name, value=value))
    yield store.engine
    store.engine.dispose()


def add_user(connection: Connection, user_id: int, login: str, email: str, *, nicename: str = "",
             registered_ms: int = 0) -> None:  # fmt: skip
    connection.execute(insert(schema.users).values(
        id=user_id, login=login, nicename=nicename or login.lower(), email=email, registered_ms=registered_ms,
        display_name=login, login_key=schema.identity_key(login), email_key=schema.identity_key(email),
    ))  # fmt: skip


def register(engine: Engine, login: str, email: str | None = None, now_ms: int = NOW_MS) -> int:
    with engine.begin() as connection:
        user = record_registration(
            connection, login, email or f"{login}@example.test", now_ms, topic=TOPIC, table_prefix="wp_", https=False
        )
    return user.id


def test_the_id_is_above_every_id_seen_including_deleted_and_own(engine: Engine) -> None:
    """With headroom: WordPress may create ID_HEADROOM - 1 users of its own before the sync lands."""
    with engine.begin() as connection:
        assert allocate_user_id(connection) == ID_HEADROOM
        add_user(connection, 7, "ada", "ada@example.test")
        assert allocate_user_id(connection) == 7 + ID_HEADROOM
        connection.execute(insert(schema.id_high_water).values(id=1, max_user_id=12))  # user 12 was deleted
        assert allocate_user_id(connection) == 12 + ID_HEADROOM
    assert register(engine, "bob") == 12 + ID_HEADROOM
    with engine.begin() as connection:
        assert allocate_user_id(connection) == 12 + 2 * ID_HEADROOM


def test_the_high_water_mark_follows_the_users_cdc_brings_and_survives_their_deletion(engine: Engine) -> None:
    projection = UsersProjection()
    store = Store(engine, schema.metadata)
    row = {"ID": 40, "user_login": "gone", "user_email": "g@x.test", "display_name": "gone"}
    steps: list[tuple[Literal["c", "d"], dict[str, Any] | None, dict[str, Any] | None]] = [
        ("c", None, row), ("d", row, None),
    ]  # fmt: skip
    for op, before, after in steps:
        event = ChangeEvent(topic="wordpress.wordpress.wp_users", key={"ID": 40},
                            op=op, before=before, after=after, source={}, ts_ms=NOW_MS)  # fmt: skip
        with engine.begin() as connection:
            changes = projection.project(event)
            store.apply(connection, changes)
            projection.after_batch(connection, changes)
    with engine.begin() as connection:
        assert connection.execute(select(schema.users)).first() is None
        assert allocate_user_id(connection) == 40 + ID_HEADROOM


def test_one_transaction_holds_the_user_the_registration_the_announcement_and_one_event(engine: Engine) -> None:
    user_id = register(engine, "Ada.Lovelace", "ada@example.test")
    with engine.connect() as connection:
        user = connection.execute(select(schema.users)).one()
        assert (user.id, user.login, user.nicename, user.email, user.url, user.display_name) == (
            user_id, "Ada.Lovelace", "ada-lovelace", "ada@example.test", "", "Ada.Lovelace",
        )  # fmt: skip
        assert user.registered_ms == NOW_MS // 1000 * 1000  # whole seconds, as user_registered
        meta = connection.execute(select(schema.user_meta).order_by(schema.user_meta.c.umeta_id.desc())).all()
        assert [(m.umeta_id, m.key, m.value) for m in meta] == [
            (provisional_meta_id(user_id, i), key, value) for i, (key, value) in enumerate([
                ("nickname", "Ada.Lovelace"), ("first_name", ""), ("last_name", ""), ("description", ""),
                ("rich_editing", "true"), ("syntax_highlighting", "true"), ("comment_shortcuts", "false"),
                ("admin_color", "fresh"), ("use_ssl", "0"), ("show_admin_bar_front", "true"), ("locale", ""),
                ("wp_capabilities", 'a:1:{s:10:"subscriber";b:1;}'), ("wp_user_level", "0"),
                ("default_password_nag", "1"),
            ])
        ]  # fmt: skip
        registration = connection.execute(select(schema.registrations)).one()
        assert (registration.user_id, registration.state, registration.role, registration.level) == (
            user_id, "pending", "subscriber", 0,
        )  # fmt: skip
        announced = connection.execute(select(schema.announced)).one()
        assert (announced.user_id, announced.version, json.loads(announced.roles)) == (user_id, 1, ["subscriber"])
        (outboxed,) = connection.execute(select(schema.outbox.table)).all()
        assert connection.execute(select(schema.pending)).first() is None
    event = parse_and_validate(outboxed.value)  # schema-valid
    assert (event.type, event.subject, outboxed.key, outboxed.topic) == ("user.registered", str(user_id),
                                                                         str(user_id).encode(), TOPIC)  # fmt: skip
    assert event.data == {
        "id": user_id, "login": "Ada.Lovelace", "nicename": "ada-lovelace", "display_name": "Ada.Lovelace",
        "email": "ada@example.test", "url": "", "registered": "2023-11-14T22:13:20Z", "roles": ["subscriber"],
        "nickname": "Ada.Lovelace", "first_name": "", "last_name": "", "description": "", "locale": "",
        "origin": "users-service",  # a visitor's registration WordPress never saw: site-emails mails it
    }  # fmt: skip


def test_the_default_role_option_decides_the_role_and_level(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(schema.options.update().where(schema.options.c.name == "default_role").values(
            value="administrator"))  # fmt: skip
    user_id = register(engine, "boss")
    with engine.connect() as connection:
        meta = dict(connection.execute(select(schema.user_meta.c.key, schema.user_meta.c.value)).all())
        assert meta["wp_capabilities"] == 'a:1:{s:13:"administrator";b:1;}' and meta["wp_user_level"] == "10"
        assert connection.execute(select(schema.registrations.c.level)).scalar() == 10
    assert user_id == ID_HEADROOM
    assert user_level("editor", ROLES) == 0 and user_level("subscriber", None) == 0


def test_a_nicename_another_login_has_gets_the_next_suffix(engine: Engine) -> None:
    with engine.begin() as connection:
        add_user(connection, 1, "ada_one", "1@x.test", nicename="ada")
        add_user(connection, 2, "ada_two", "2@x.test", nicename="ADA-2")  # MariaDB compares without case
    register(engine, "ada")
    with engine.connect() as connection:
        assert connection.execute(select(schema.users.c.nicename).where(schema.users.c.login == "ada")).scalar() == (
            "ada-3"
        )
    long = "x" * 60
    assert nicename_for(long, lambda n: n == "x" * 50) == "x" * 48 + "-2"
    assert nicename_for(long, lambda n: n in ("x" * 50, *(f"{'x' * 48}-{i}" for i in range(2, 10)))) == (
        "x" * 47 + "-10"
    )
    assert sanitize_title("--A.b@c  d__e--") == "a-bc-d__e"


def test_who_exists_is_judged_as_mariadb_compares(engine: Engine) -> None:
    with engine.begin() as connection:
        add_user(connection, 1, "Ada", "Ada@Example.test")
        add_user(connection, 2, "josé", "josé@example.test")
        directory = Directory(connection)
        assert directory.login_exists("ada") and directory.login_exists("ADA ")
        assert directory.email_exists("ada@example.TEST")
        assert directory.login_exists("jose") and directory.email_exists("jose@example.test")
        assert not directory.login_exists("adam") and not directory.email_exists("")
    register(engine, "bob")
    with engine.connect() as connection:
        assert Directory(connection).login_exists("BOB")  # the service's own registrations count


def test_a_dry_run_does_not_count_wordpress_answering_the_same_request(engine: Engine) -> None:
    """The proxy copies the POST after WordPress registered the visitor; CDC may have brought that
    user already. As of the request's start, it did not exist."""
    started_ms = NOW_MS
    with engine.begin() as connection:
        add_user(connection, 5, "carol", "carol@example.test", registered_ms=(started_ms // 1000) * 1000)
        add_user(connection, 6, "dave", "dave@example.test", registered_ms=started_ms - 5000)
    with engine.connect() as connection:
        dry = Directory(connection, login="carol", email="carol@example.test", as_of_ms=started_ms)
        assert not dry.login_exists("carol") and not dry.email_exists("carol@example.test")
        assert Directory(connection).login_exists("carol")  # a real registration counts it
        other_email = Directory(connection, login="carol", email="elsewhere@example.test", as_of_ms=started_ms)
        assert other_email.login_exists("carol")  # not the same submission: someone else's user
        older = Directory(connection, login="dave", email="dave@example.test", as_of_ms=started_ms)
        assert older.login_exists("dave")  # registered before the request started


def test_the_echo_of_the_sync_announces_nothing(engine: Engine) -> None:
    """WordPress's rows of the registration coming back through CDC (other umeta ids, the activation
    key, a hash): the announcer finds what it announced, so no second event."""
    user_id = register(engine, "erin")
    projection, store = UsersProjection(), Store(engine, schema.metadata)
    with engine.connect() as connection:
        meta = connection.execute(select(schema.user_meta).order_by(schema.user_meta.c.umeta_id.desc())).all()
    row = {"ID": user_id, "user_login": "erin", "user_pass": "$P$Bxxxxxxxx", "user_nicename": "erin",
           "user_email": "erin@example.test", "user_url": "", "user_registered": NOW_MS // 1000 * 1000,
           "user_activation_key": "1:$P$Byyyy", "user_status": 0, "display_name": "erin"}  # fmt: skip
    events = [("wp_users", {"ID": user_id}, row)] + [
        ("wp_usermeta", {"umeta_id": 500 + i}, {"umeta_id": 500 + i, "user_id": user_id, "meta_key": m.key,
                                                "meta_value": m.value})
        for i, m in enumerate(meta)
    ]  # fmt: skip
    with engine.begin() as connection:
        for table, key, after in events:
            event = ChangeEvent(topic=f"wordpress.wordpress.{table}", key=key, op="c",
                                before=None, after=after, source={}, ts_ms=NOW_MS + 50)  # fmt: skip
            changes = projection.project(event)
            store.apply(connection, changes)
            projection.after_batch(connection, changes)
    announcer = Announcer(engine, "wordpress", clock=lambda: NOW_MS + 60_000)
    assert announcer.announce_due() == 0
    with engine.connect() as connection:
        assert connection.execute(select(schema.pending)).first() is None
        assert len(connection.execute(select(schema.outbox.table)).all()) == 1  # the registration's alone
