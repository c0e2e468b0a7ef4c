"""Projections that consume domain events: contract checks, dedupe by event id, mixed with change events.

Events are built as the users service's announcer builds them (``new_event`` with a
``deterministic_id`` of source, user, version and type) and fed through the applier, the consume loop
on the in-memory broker, and a rebuild.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from runtime_things import THINGS, Things, change, eventually, names, running
from sqlalchemy import JSON, Column, Integer, String, Table, select

from extracted.contracts import CloudEvent, deterministic_id, events_topic, kafka_key, new_event
from extracted.runtime import (
    Change,
    Consumer,
    ConsumerState,
    Delete,
    EventProjection,
    InMemoryBroker,
    Record,
    RuntimeSettings,
    Store,
    Update,
    Upsert,
    apply_batch,
    open_engine,
    rebuild,
    source_events,
)

USERS = events_topic("wordpress", "users")
SOURCE = "/strangler/users"
TIME = "2026-12-07T06:24:18.123Z"


class ThingsAndPeople(Things):
    """``Things`` plus a ``people`` table from user events; a display name "boom" fails the projection."""

    def __init__(self) -> None:
        super().__init__()
        self.people = Table(
            "people", self.metadata, Column("id", Integer, primary_key=True), Column("name", String),
            Column("email", String), Column("roles", JSON),
        )  # fmt: skip
        self.events: list[str] = []

    def source_events(self) -> Sequence[str]:
        return ["users"]

    def project_event(self, event: CloudEvent) -> Sequence[Change]:
        with self.lock:
            self.events.append(event.id)
        data, key = event.data, {"id": int(event.subject)}
        if event.type == "user.registered":
            if data["display_name"] == "boom":
                raise ValueError("cannot project boom")
            return [Upsert("people", key, {"name": data["display_name"], "email": data["email"],
                                           "roles": data["roles"]})]  # fmt: skip
        if event.type == "user.profile_updated":
            renamed = {"display_name": "name", "email": "email"}
            return [Update("people", key, {renamed[f]: v for f, v in data["changed"].items() if f in renamed})]
        if event.type == "user.role_changed":
            return [Update("people", key, {"roles": data["roles"]})]
        if event.type == "user.deleted":
            return [Delete("people", key)]
        return []


def user_event(event_type: str, user_id: int, version: int, data: dict[str, Any]) -> CloudEvent:
    """An event as ``extracted.users.announcer`` makes it."""
    event_id = deterministic_id(SOURCE, str(user_id), str(version), event_type)
    return new_event(event_type, str(user_id), {"id": user_id, **data}, source=SOURCE, id=event_id, time=TIME)


def registered(user_id: int, name: str, email: str = "", roles: Sequence[str] = ("author",)) -> CloudEvent:
    profile = {"login": f"user{user_id}", "nicename": f"user-{user_id}", "display_name": name, "email": email,
               "url": "", "registered": "2024-01-01T10:00:00Z", "roles": list(roles), "nickname": name,
               "first_name": "", "last_name": "", "description": "", "locale": ""}  # fmt: skip
    return user_event("user.registered", user_id, 1, profile)


class Feed:
    """Records for the applier with offsets per topic, as a broker would number them."""

    def __init__(self) -> None:
        self.offsets: dict[str, int] = {}

    def record(self, topic: str, key: bytes | None, value: bytes | None) -> Record:
        offset = self.offsets.get(topic, 0)
        self.offsets[topic] = offset + 1
        return Record(topic, 0, offset, key, value)

    def event(self, event: CloudEvent) -> Record:
        return self.record(USERS, kafka_key(event), event.to_json())

    def raw(self, value: bytes | None, key: bytes = b"7") -> Record:
        return self.record(USERS, key, value)

    def thing(self, op: str, row_id: int, name: str) -> Record:
        return self.record(THINGS, *change(THINGS, op, {"id": row_id, "name": name}))


@pytest.fixture
def projection() -> ThingsAndPeople:
    return ThingsAndPeople()


@pytest.fixture
def store(store_url: str, projection: ThingsAndPeople) -> Iterator[Store]:
    """On SQLite and on PostgreSQL (``conftest.store_url``)."""
    store = Store(open_engine(store_url), projection.metadata)
    store.create()
    yield store
    store.engine.dispose()


def people(store: Store) -> dict[int, tuple[str, str, list[str]]]:
    with store.engine.connect() as connection:
        rows = connection.execute(select(store.metadata.tables["people"]))
        return {row.id: (row.name, row.email, row.roles) for row in rows}


def consumed(store: Store) -> list[str]:
    with store.engine.connect() as connection:
        return list(connection.execute(select(store.consumed_events.c.event_id)).scalars())


def test_a_projection_says_which_event_topics_it_reads() -> None:
    settings = RuntimeSettings(bootstrap="memory", group="g", store_url="sqlite://", prefix="acme")
    assert isinstance(ThingsAndPeople(), EventProjection) and not isinstance(Things(), EventProjection)
    assert source_events(Things()) == () and source_events(ThingsAndPeople()) == ("users",)
    assert settings.subscriptions(Things()) == ["acme.wordpress.wp_things", "acme.wordpress.wp_others"]
    assert settings.subscriptions(ThingsAndPeople())[-1] == "acme.events.users"


def test_valid_events_are_applied_with_their_ids_and_positions(store: Store, projection: ThingsAndPeople) -> None:
    feed = Feed()
    events = [
        registered(7, "Zoë", "zoe@example.test"),
        user_event("user.profile_updated", 7, 2, {"changed": {"display_name": "Zoë Å.", "nickname": "z"}}),
        user_event("user.role_changed", 7, 3, {"roles": ["editor"], "previous_roles": ["author"]}),
        registered(8, "Ann"),
        user_event("user.deleted", 8, 2, {}),
        user_event("user.profile_updated", 9, 2, {"changed": {"email": "nobody@example.test"}}),  # never registered
    ]
    result = apply_batch(store, projection, [feed.event(event) for event in events])
    assert (result.applied, result.skipped, result.dead) == (6, 0, [])
    assert people(store) == {7: ("Zoë Å.", "zoe@example.test", ["editor"])}  # the update kept the email
    assert sorted(consumed(store)) == sorted(event.id for event in events)
    assert store.stored_positions() == {(USERS, 0): 5}
    assert result.by_topic == {USERS: 6} and result.newest_source_ms is None  # event times are no CDC lag


def test_an_event_applied_before_is_skipped_whatever_its_offset(store: Store, projection: ThingsAndPeople) -> None:
    feed = Feed()
    first, rename = registered(7, "Zoë"), user_event("user.profile_updated", 7, 2, {"changed": {"display_name": "Z"}})
    # re-published within the batch (a producer's retry), then in a later batch after a newer event
    batch = apply_batch(store, projection, [feed.event(first), feed.event(first), feed.event(rename)])
    assert (batch.applied, batch.skipped) == (2, 1)
    later = apply_batch(store, projection, [feed.event(first), feed.event(rename)])
    assert (later.applied, later.skipped, later.dead) == (0, 2, [])
    assert people(store) == {7: ("Z", "", ["author"])}  # the old registration did not undo the rename
    assert projection.events == [first.id, rename.id]  # a duplicate is not even projected
    assert store.stored_positions() == {(USERS, 0): 4}  # yet consumption moved past them


def test_records_that_break_the_contract_are_dead_letters(store: Store, projection: ThingsAndPeople) -> None:
    feed = Feed()
    missing_email = registered(7, "Zoë").to_dict()
    del missing_email["data"]["email"]
    with_password = registered(7, "Zoë").to_dict()
    with_password["data"]["user_pass"] = "$P$secret"
    wrong_subject = {**registered(7, "Zoë").to_dict(), "subject": "8"}
    unknown_type = {**registered(7, "Zoë").to_dict(), "type": "user.vanished"}
    poison = [
        feed.raw(b"not json"),
        feed.raw(json.dumps({"id": "x"}).encode()),  # not a CloudEvent
        feed.raw(json.dumps(missing_email).encode()),
        feed.raw(json.dumps(with_password).encode()),
        feed.raw(json.dumps(wrong_subject).encode()),
        feed.raw(json.dumps(unknown_type).encode()),
        feed.raw(None),  # a tombstone
    ]
    good = feed.event(registered(9, "Ann"))
    result = apply_batch(store, projection, [*poison, good])
    assert result.applied == 1 and [letter.record.offset for letter in result.dead] == list(range(7))
    errors = [letter.error.split(":", 1)[0] for letter in result.dead]
    assert errors == ["MalformedEventError", "MalformedEventError", "SchemaViolationError", "SchemaViolationError",
                      "SchemaViolationError", "UnknownEventTypeError", "MalformedEventError"]  # fmt: skip
    assert "$.data.user_pass" in result.dead[3].error and "$.subject" in result.dead[4].error
    assert people(store) == {9: ("Ann", "", ["author"])} and consumed(store) == [registered(9, "Ann").id]
    assert store.count_pending_dead_letters() == 7 and store.stored_positions() == {(USERS, 0): 7}
    assert projection.events == [registered(9, "Ann").id]  # nothing invalid reached the projection


def test_an_event_the_projection_fails_on_is_a_dead_letter_and_not_marked_consumed(
    store: Store, projection: ThingsAndPeople
) -> None:
    feed = Feed()
    boom = registered(7, "boom")
    result = apply_batch(store, projection, [feed.event(boom), feed.event(registered(8, "Ann"))])
    assert result.applied == 1 and len(result.dead) == 1 and "cannot project boom" in result.dead[0].error
    assert consumed(store) == [registered(8, "Ann").id] and people(store) == {8: ("Ann", "", ["author"])}


def test_change_events_and_domain_events_share_one_batch_and_transaction(
    store: Store, projection: ThingsAndPeople
) -> None:
    feed = Feed()
    records = [
        feed.thing("c", 1, "one"),
        feed.event(registered(7, "Zoë")),
        feed.thing("c", 2, "boom"),  # a poison change event
        feed.raw(b"{}"),  # a poison domain event
        feed.event(registered(7, "Zoë")),  # a duplicate
        feed.thing("u", 1, "uno"),
        feed.event(user_event("user.role_changed", 7, 2, {"roles": [], "previous_roles": ["author"]})),
    ]
    projection.broken.set()  # after_batch fails: everything rolls back, ids and positions included
    with pytest.raises(RuntimeError, match="after_batch is broken"):
        apply_batch(store, projection, records)
    assert (names(store), people(store), consumed(store), store.stored_positions()) == ({}, {}, [], {})
    projection.broken.clear()
    result = apply_batch(store, projection, records)
    assert (result.applied, result.skipped, len(result.dead)) == (4, 1, 2)
    assert result.by_topic == {THINGS: 2, USERS: 2}
    assert names(store) == {1: "uno"} and people(store) == {7: ("Zoë", "", [])}
    assert store.stored_positions() == {(THINGS, 0): 2, (USERS, 0): 3}
    assert projection.batches == [4]  # after_batch saw the changes of both kinds


def test_a_plain_projection_reads_an_events_topic_as_change_events(tmp_path: Path) -> None:
    """Only the aggregates a projection names are domain events to it (``<db>`` may be called ``events``)."""
    things = Things()
    store = Store(open_engine(f"sqlite:///{tmp_path / 'plain.db'}"), things.metadata)
    store.create()
    topic = "wordpress.events.wp_things"
    key, value = change(topic, "c", {"id": 1, "name": "one"})
    result = apply_batch(store, things, [Record(topic, 0, 0, key, value)])
    assert result.applied == 1 and names(store) == {1: "one"}


@pytest.fixture
def settings(store_url: str) -> RuntimeSettings:
    return RuntimeSettings(
        bootstrap="memory", group="people", store_url=store_url, poll_ms=20,
        topic_refresh_s=0.05, retry_initial_s=0.01, retry_max_s=0.04,
    )  # fmt: skip


def test_the_consumer_subscribes_to_the_events_topic_and_dedupes_across_restarts(
    settings: RuntimeSettings, projection: ThingsAndPeople, store: Store
) -> None:
    broker = InMemoryBroker()
    zoe = registered(7, "Zoë", "zoe@example.test")
    broker.append(THINGS, *change(THINGS, "c", {"id": 1, "name": "one"}))
    broker.append(USERS, kafka_key(zoe), zoe.to_json())
    broker.append(USERS, kafka_key(zoe), zoe.to_json())  # published twice
    broker.append(USERS, b"7", b"not an event")
    first = Consumer(settings, projection, store, ConsumerState(settings.group), broker=broker)
    assert first.topics == [THINGS, "wordpress.wordpress.wp_others", USERS]
    with running(first):
        eventually(lambda: first.state.snapshot()["caught_up"], "caught up")
    assert (dict(first.state.applied), first.state.skipped, first.state.dead_letters) == ({THINGS: 1, USERS: 1}, 1, 1)
    assert [letter.record.value for letter in broker.published(settings.dead_letter_topic)] == [b"not an event"]
    broker.append(USERS, kafka_key(zoe), zoe.to_json())  # and again, after a restart
    update = user_event("user.profile_updated", 7, 2, {"changed": {"email": "z@example.test"}})
    broker.append(USERS, kafka_key(update), update.to_json())
    second = Consumer(settings, projection, store, ConsumerState(settings.group), broker=broker)
    with running(second):
        eventually(lambda: second.state.snapshot()["caught_up"] and second.state.skipped == 1, "caught up again")
    assert dict(second.state.applied) == {USERS: 1}
    assert people(store) == {7: ("Zoë", "z@example.test", ["author"])}
    assert projection.events == [zoe.id, update.id]


def test_a_rebuild_replays_the_events_topic_and_forgets_the_consumed_ids(
    settings: RuntimeSettings, projection: ThingsAndPeople
) -> None:
    store = Store(open_engine(settings.store_url), projection.metadata)
    store.create()
    broker = InMemoryBroker()
    for event in (registered(7, "Zoë"), registered(7, "Zoë"), user_event("user.deleted", 7, 2, {}),
                  registered(8, "Ann")):  # fmt: skip
        broker.append(USERS, kafka_key(event), event.to_json())
    # what the store held before: an event with the id of Ann's registration (the same user and version)
    apply_batch(store, projection, [Record(USERS, 0, 9, b"8", registered(8, "stale").to_json())])
    report = rebuild(settings, projection, broker=broker)
    assert (report.events_applied, report.events_skipped, report.dead_letters) == (3, 1, 0)
    assert people(store) == {8: ("Ann", "", ["author"])} and len(consumed(store)) == 3
    assert store.stored_positions() == {(USERS, 0): 3}
    store.engine.dispose()
