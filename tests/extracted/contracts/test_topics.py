"""Topic names, record keys and headers of domain events."""

from __future__ import annotations

import re

import pytest
from contract_examples import example_event

from extracted.contracts import events_topic, events_topic_pattern, kafka_headers, kafka_key, parse_events_topic


def test_events_topic_and_its_inverse() -> None:
    assert events_topic("wordpress", "users") == "wordpress.events.users"
    assert parse_events_topic("wordpress.events.users") == ("wordpress", "users")
    assert parse_events_topic("acme.blog.events.users") == ("acme.blog", "users")  # dotted prefixes


@pytest.mark.parametrize(
    "topic", ["wordpress.wordpress.wp_users", "wordpress.events", "events.users", "wordpress.events.Users", "x"]
)
def test_parse_refuses_other_topics(topic: str) -> None:
    with pytest.raises(ValueError, match="not a domain-event topic"):
        parse_events_topic(topic)


@pytest.mark.parametrize(("prefix", "aggregate"), [("", "users"), ("a b", "users"), ("wp", "us.ers"), ("wp", "")])
def test_events_topic_refuses_bad_names(prefix: str, aggregate: str) -> None:
    with pytest.raises(ValueError):
        events_topic(prefix, aggregate)


def test_pattern_matches_exactly_the_prefix_event_topics() -> None:
    pattern = re.compile(events_topic_pattern("wp.site"))
    assert pattern.match("wp.site.events.users")
    assert pattern.match("wp.site.events.comments")
    assert not pattern.match("wpxsite.events.users")  # the dot is literal
    assert not pattern.match("wp.site.wordpress.wp_users")
    assert not pattern.match("other.events.users")
    assert not pattern.match("wp.site.events.users.dlq")


def test_key_is_the_subject_in_utf8_and_headers_mark_structured_mode() -> None:
    assert kafka_key(example_event("user.deleted", subject="7")) == b"7"
    assert kafka_headers() == [("content-type", b"application/cloudevents+json; charset=UTF-8")]
