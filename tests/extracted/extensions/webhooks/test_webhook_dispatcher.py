"""The dispatcher end to end against real receivers: failures, retries, dedupe, replay, rotation, disabling."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine
from webhook_fixtures import HOOK_HOST, Clock, Resolver, loopback_policy, loopback_settings, store, user_event
from webhook_receiver import ReceiverState, receiver

from cli.stack.ports import free_port
from extracted.extensions.webhooks import TABLES, Dispatcher, Endpoints, TargetPolicy, WebhookSettings, enqueue
from extracted.extensions.webhooks.schedule import DAY_S
from extracted.runtime import begin_write, open_engine


def run_until(dispatcher: Dispatcher, clock: Clock, until: float | None = None, passes: int = 10_000) -> None:
    """Send what is due, moving the clock to each next due time, up to ``until`` (None: until nothing is left)."""
    for _ in range(passes):
        dispatcher.dispatch_due()
        due = dispatcher.next_due_at()
        if due is None or (until is not None and due > until):
            if until is not None:
                clock.to(until)
            return
        clock.to(due)
    raise AssertionError("the dispatcher never ran out of due deliveries")


def publish(engine: Engine, clock: Clock, *numbers: int) -> list[str]:
    created = []
    with begin_write(engine) as connection:
        for number in numbers:
            created += enqueue(connection, user_event(number), now=clock())
    return created


def setup(tmp_path: Path, settings: WebhookSettings | None = None) -> tuple[Engine, Clock, Endpoints, Dispatcher]:
    engine, clock, resolver = store(tmp_path), Clock(), Resolver()
    settings = settings or loopback_settings()
    dispatcher = Dispatcher(engine, settings, policy=loopback_policy(resolver), clock=clock, random=lambda: 0.5)
    return engine, clock, Endpoints(engine, loopback_policy(resolver), clock=clock), dispatcher


def test_failures_are_retried_until_every_event_is_processed_once(tmp_path: Path) -> None:
    engine, clock, endpoints, dispatcher = setup(tmp_path)
    state = ReceiverState(clock, script=["500", "timeout", "reset", "500"])
    with receiver(state) as port:
        created = endpoints.add(f"http://{HOOK_HOST}:{port}/hook", ["user.*"])
        state.secrets = [created.secret]
        ids = publish(engine, clock, *range(1, 11))
        assert publish(engine, clock, *range(1, 11)) == []  # enqueued twice: still one delivery each
        run_until(dispatcher, clock)

        assert sorted(state.processed) == sorted(ids) and state.duplicates == 0
        assert len(state.requests) == 14 and all(request.verified == "" for request in state.requests)
        request = state.requests[-1]
        assert request.headers["host"] == f"{HOOK_HOST}:{port}"  # sent to the checked address, named as given
        assert request.headers["content-type"] == "application/json"
        assert request.body == user_event(int(request.body.split(b'"user_id":')[1].split(b"}")[0])).to_json()
        deliveries = [endpoints.delivery(webhook_id) for webhook_id in ids]
        assert {delivery.state for delivery in deliveries} == {"succeeded"}
        attempts = [attempt for delivery in deliveries for attempt in delivery.attempt_log]
        assert len(attempts) == 14 and {attempt.trigger for attempt in attempts} == {"scheduled"}
        failures = [attempt for attempt in attempts if attempt.status_code != 200]
        assert sorted(str(attempt.status_code) for attempt in failures) == ["500", "500", "None", "None"]
        assert {len(attempt.response_excerpt) for attempt in failures if attempt.status_code == 500} == {1024}
        errors = sorted(attempt.error or "" for attempt in failures if attempt.status_code is None)
        assert errors[0].startswith("RemoteProtocolError") and errors[1].startswith("timeout")
        retried = [delivery for delivery in deliveries if delivery.attempts > 1]
        assert all(delivery.attempt_log[1].started_at - delivery.attempt_log[0].started_at >= 5 for delivery in retried)

        # a replay sends it again, same webhook-id: the receiver's dedupe acknowledges it without processing
        replayed = endpoints.replay(ids[0])
        assert replayed.state == "pending"
        run_until(dispatcher, clock)
        assert state.duplicates == 1 and len(state.processed) == 10
        again = endpoints.delivery(ids[0])
        assert again.state == "succeeded" and again.attempt_log[-1].trigger == "replay"
        assert state.requests[-1].webhook_id == ids[0]
        assert endpoints.get(created.endpoint.id).failing_since is None
    health = dispatcher.health()
    assert health["healthy"] and health["pending"] == 0 and health["succeeded_total"] == 11
    assert health["attempts_total"] == 15 and health["failed_attempts_total"] == 4
    dispatcher.close()


def test_connection_refused_until_the_receiver_comes_up(tmp_path: Path) -> None:
    engine, clock, endpoints, dispatcher = setup(tmp_path)
    port = free_port()
    created = endpoints.add(f"http://127.0.0.1:{port}/hook")
    ids = publish(engine, clock, 1, 2, 3)
    start = clock()
    run_until(dispatcher, clock, until=start + 400)  # attempts at 0, 5 and 305 s: nothing listens
    for webhook_id in ids:
        delivery = endpoints.delivery(webhook_id)
        assert delivery.state == "pending" and delivery.attempts == 3
        assert all((attempt.error or "").startswith("ConnectError") for attempt in delivery.attempt_log)
    assert endpoints.get(created.endpoint.id).failing_since == start
    state = ReceiverState(clock, secrets=[created.secret])
    with receiver(state, port):
        run_until(dispatcher, clock)
    assert sorted(state.processed) == sorted(ids)
    assert endpoints.get(created.endpoint.id).failing_since is None
    dispatcher.close()


def test_days_of_failure_disable_and_enabling_resumes(tmp_path: Path) -> None:
    engine, clock, endpoints, dispatcher = setup(tmp_path)
    notices: list[tuple[str, str]] = []
    dispatcher.on_disabled = lambda endpoint, reason: notices.append((endpoint, reason))
    state = ReceiverState(clock, default="500")
    with receiver(state) as port:
        created = endpoints.add(f"http://127.0.0.1:{port}/hook")
        endpoint_id, start = created.endpoint.id, clock()
        state.secrets = [created.secret]
        for number in range(1, 26):  # an event every 6 hours for 6 days, to a receiver that always fails
            publish(engine, clock, number)
            run_until(dispatcher, clock, until=start + number * 6 * 3600)
        view = endpoints.get(endpoint_id)
        assert not view.enabled and view.disabled_reason is not None
        assert "failing continuously since" in view.disabled_reason and "HTTP 500" in view.disabled_reason
        assert view.disabled_at is not None and start + 5 * DAY_S <= view.disabled_at < start + 5.5 * DAY_S
        assert notices == [(endpoint_id, view.disabled_reason)]
        assert view.deliveries["pending"] > 0 and view.deliveries["failed"] > 0  # 27.6 h schedules ran out
        sent = len(state.requests)
        clock.advance(DAY_S)
        run_until(dispatcher, clock)
        assert len(state.requests) == sent  # nothing goes to a disabled endpoint
        with begin_write(engine) as connection:
            assert enqueue(connection, user_event(99), now=clock()) == []

        state.default = "ok"
        enabled = endpoints.enable(endpoint_id)
        assert enabled.enabled and enabled.disabled_reason is None and enabled.failing_since is None
        run_until(dispatcher, clock)
        assert len(state.processed) == view.deliveries["pending"]
    dispatcher.close()


def test_a_short_outage_does_not_disable(tmp_path: Path) -> None:
    engine, clock, endpoints, dispatcher = setup(tmp_path, loopback_settings(disable_after_days=0.05))  # 72 min
    state = ReceiverState(clock, default="503")
    with receiver(state) as port:
        created = endpoints.add(f"http://127.0.0.1:{port}/hook")
        state.secrets = [created.secret]
        start = clock()
        for minute in range(0, 60, 5):  # an hour-long outage with an event every 5 minutes
            publish(engine, clock, minute)
            run_until(dispatcher, clock, until=start + minute * 60)
        assert len(state.requests) > 20 and endpoints.get(created.endpoint.id).enabled
        state.default = "ok"
        run_until(dispatcher, clock)
        view = endpoints.get(created.endpoint.id)
        assert view.enabled and view.failing_since is None and view.deliveries == {"succeeded": 12}
    dispatcher.close()


def test_gone_disables_at_once(tmp_path: Path) -> None:
    engine, clock, endpoints, dispatcher = setup(tmp_path)
    state = ReceiverState(clock, script=["410"])
    with receiver(state) as port:
        created = endpoints.add(f"http://127.0.0.1:{port}/hook")
        state.secrets = [created.secret]
        first = publish(engine, clock, 1)[0]
        dispatcher.dispatch_due()
        second = publish(engine, clock, 2)  # none: the endpoint is disabled
        run_until(dispatcher, clock)
    view = endpoints.get(created.endpoint.id)
    assert not view.enabled and view.disabled_reason is not None and "410 Gone" in view.disabled_reason
    assert endpoints.delivery(first).state == "failed" and second == [] and len(state.requests) == 1
    dispatcher.close()


def test_retry_after_is_honoured(tmp_path: Path) -> None:
    engine, clock, endpoints, dispatcher = setup(tmp_path)
    state = ReceiverState(clock, script=["429:120"])
    with receiver(state) as port:
        created = endpoints.add(f"http://127.0.0.1:{port}/hook")
        state.secrets = [created.secret]
        webhook_id = publish(engine, clock, 1)[0]
        dispatcher.dispatch_due()
        delivery = endpoints.delivery(webhook_id)
        assert delivery.next_attempt_at is not None and delivery.next_attempt_at - clock() >= 120
        run_until(dispatcher, clock)
    assert state.processed == [webhook_id]
    dispatcher.close()


def test_dns_rebinding_is_caught_before_delivery(tmp_path: Path) -> None:
    engine, clock = store(tmp_path), Clock()
    resolver = Resolver({"rebind.example.com": ["93.184.215.14"]})
    strict = TargetPolicy(resolver=resolver)
    endpoints = Endpoints(engine, strict, clock=clock)
    dispatcher = Dispatcher(engine, WebhookSettings(timeout_s=0.5), policy=strict, clock=clock)
    state = ReceiverState(clock)
    with receiver(state) as port:
        created = endpoints.add(f"http://rebind.example.com:{port}/hook")
        resolver.names["rebind.example.com"] = ["127.0.0.1"]  # the name now points inside
        webhook_id = publish(engine, clock, 1)[0]
        dispatcher.dispatch_due()
    attempt = endpoints.delivery(webhook_id).attempt_log[0]
    assert attempt.status_code is None and attempt.error is not None
    assert attempt.error.startswith("target refused:") and "127.0.0.1 is a loopback address" in attempt.error
    assert state.requests == [] and endpoints.get(created.endpoint.id).failing_since == clock()
    dispatcher.close()


def test_rotation_signs_with_both_secrets_for_a_day(tmp_path: Path) -> None:
    engine, clock, endpoints, dispatcher = setup(tmp_path)
    state = ReceiverState(clock)
    with receiver(state) as port:
        created = endpoints.add(f"http://127.0.0.1:{port}/hook")
        rotated = endpoints.rotate_secret(created.endpoint.id)
        assert rotated.secret != created.secret
        assert rotated.endpoint.previous_secret_expires_at == clock() + DAY_S
        for secrets in ([created.secret], [rotated.secret]):  # a receiver on either secret verifies
            state.secrets = secrets
            publish(engine, clock, len(state.processed) + 1)
            run_until(dispatcher, clock)
        assert [len(request.headers["webhook-signature"].split(" ")) for request in state.requests] == [2, 2]
        clock.advance(DAY_S + 1)
        publish(engine, clock, 3)
        run_until(dispatcher, clock)
        assert len(state.requests[-1].headers["webhook-signature"].split(" ")) == 1
        assert len(state.processed) == 3 and all(request.verified == "" for request in state.requests)
        assert endpoints.get(created.endpoint.id).previous_secret_expires_at is None
    dispatcher.close()


def test_the_worker_loop_delivers_on_wake(tmp_path: Path) -> None:
    """The real thing: the worker thread on the real clock; a measure of deliveries per second too."""
    engine = store(tmp_path)
    resolver = Resolver()
    dispatcher = Dispatcher(engine, loopback_settings(), policy=loopback_policy(resolver), idle_s=5.0)
    endpoints = Endpoints(engine, loopback_policy(resolver))
    state = ReceiverState(time.time)
    count = 300
    with receiver(state) as port:
        state.secrets = [endpoints.add(f"http://127.0.0.1:{port}/hook").secret]
        stop = threading.Event()
        thread = threading.Thread(target=dispatcher.run, args=(stop,))
        thread.start()
        try:
            began = time.monotonic()
            with begin_write(engine) as connection:
                for number in range(count):
                    enqueue(connection, user_event(number))
            dispatcher.wake()  # far sooner than its 5 s idle wait
            assert state.wait_for_processed(count, timeout_s=60)
            took = time.monotonic() - began
        finally:
            stop.set()
            dispatcher.wake()
            thread.join(10)
        assert not thread.is_alive()
    health = dispatcher.health()
    assert health["succeeded_total"] == count and health["pending"] == 0
    assert isinstance(health["succeeded_per_s"], float) and health["succeeded_per_s"] > 0
    print(f"\n{count} deliveries in {took:.2f} s: {count / took:.0f} deliveries/s")


def wait_until(condition: Callable[[], bool], timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        threading.Event().wait(0.02)
    return condition()


def test_the_worker_reports_store_failures_and_recovers(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'later.db'}")  # no tables yet: every pass fails
    resolver = Resolver()
    dispatcher = Dispatcher(engine, loopback_settings(), policy=loopback_policy(resolver), idle_s=0.05)
    stop = threading.Event()
    thread = threading.Thread(target=dispatcher.run, args=(stop,))
    thread.start()
    state = ReceiverState(time.time)
    try:
        assert wait_until(lambda: dispatcher.health()["failing"])
        health = dispatcher.health()
        assert not health["healthy"] and "no such table" in health["last_error"] and health["pending"] is None
        TABLES.endpoints.metadata.create_all(engine)
        with receiver(state) as port:
            state.secrets = [Endpoints(engine, loopback_policy(resolver)).add(f"http://127.0.0.1:{port}/").secret]
            with begin_write(engine) as connection:
                enqueue(connection, user_event(1))
            dispatcher.wake()
            assert state.wait_for_processed(1, timeout_s=30)
        assert wait_until(lambda: dispatcher.health()["healthy"])
        assert dispatcher.health()["dispatch_failures_total"] >= 1
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
