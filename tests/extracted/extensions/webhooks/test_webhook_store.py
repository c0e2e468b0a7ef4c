"""The webhook tables and enqueue: ledgers that survive a rebuild, filters, one delivery per (endpoint, event)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData, func, inspect, select
from webhook_fixtures import Clock, Resolver, loopback_policy, store, user_event

from extracted.extensions.webhooks import TABLES, Endpoints, enqueue, matches, webhook_id_for, webhook_tables
from extracted.runtime import Store, begin_write, open_engine


def test_filters() -> None:
    assert matches(["*"], "user.registered")
    assert matches(["user.registered"], "user.registered") and not matches(["user.registered"], "user.deleted")
    assert matches(["user.*"], "user.role_changed") and not matches(["user.*"], "users.x")
    assert not matches(["comment.*", "post.published"], "user.registered")


def test_webhook_ids_are_stable_per_endpoint_and_event() -> None:
    first = webhook_id_for("ep_1", "event-1")
    assert first == webhook_id_for("ep_1", "event-1") and first.startswith("msg_") and len(first) == 30
    assert len({first, webhook_id_for("ep_2", "event-1"), webhook_id_for("ep_1", "event-2")}) == 3
    assert "." not in first


def test_enqueue_is_idempotent_and_follows_filters(tmp_path: Path) -> None:
    engine, clock = store(tmp_path), Clock()
    endpoints = Endpoints(engine, loopback_policy(Resolver()), clock=clock)
    everything = endpoints.add("http://hooks.example.test/all").endpoint.id
    users = endpoints.add("http://hooks.example.test/users", ["user.*"]).endpoint.id
    deletions = endpoints.add("http://hooks.example.test/deleted", ["user.deleted"]).endpoint.id
    off = endpoints.add("http://hooks.example.test/off").endpoint.id
    endpoints.disable(off)

    registered = user_event(1)
    with begin_write(engine) as connection:
        created = enqueue(connection, registered, now=clock())
        assert enqueue(connection, registered, now=clock()) == []  # the same transaction
    assert sorted(created) == sorted(webhook_id_for(endpoint, registered.id) for endpoint in (everything, users))
    with begin_write(engine) as connection:
        assert enqueue(connection, registered, now=clock()) == []  # a later one
        assert len(enqueue(connection, user_event(2, "user.deleted"), now=clock())) == 3
    deliveries = endpoints.deliveries(limit=10)
    assert len(deliveries) == 5 and {delivery.state for delivery in deliveries} == {"pending"}
    assert deletions in {delivery.endpoint_id for delivery in deliveries}
    with engine.connect() as connection:
        body = connection.execute(select(TABLES.deliveries.c.body).limit(1)).scalar_one()
    assert body in (registered.to_json(), user_event(2, "user.deleted").to_json())


def test_tables_are_ledgers_kept_by_a_rebuild(tmp_path: Path) -> None:
    metadata = MetaData()
    tables = webhook_tables(metadata)
    assert webhook_tables(metadata) == tables  # reused, not defined twice
    engine = open_engine(f"sqlite:///{tmp_path / 'service.db'}")
    service = Store(engine, metadata)
    service.create()
    endpoints = Endpoints(engine, loopback_policy(Resolver()), tables=tables)
    endpoint = endpoints.add("http://hooks.example.test/x").endpoint.id
    with begin_write(engine) as connection:
        enqueue(connection, user_event(1), tables=tables)
    service.drop()  # what a read-model rebuild does first
    names = set(inspect(engine).get_table_names())
    assert {"webhook_endpoints", "webhook_deliveries", "webhook_attempts"} <= names
    assert "consumer_positions" not in names
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(tables.deliveries)).scalar_one() == 1
    assert endpoints.get(endpoint).deliveries == {"pending": 1}
