from __future__ import annotations

import json

import pytest

from cdc.events import ChangeEvent, EventDecodeError, Tombstone, decode, encode, parse_topic, topic_name


def _event(**changes: object) -> ChangeEvent:
    fields: dict[str, object] = {
        "topic": "wordpress.wordpress.wp_posts",
        "key": {"ID": 42},
        "op": "u",
        "before": {"ID": 42, "post_title": "a"},
        "after": {"ID": 42, "post_title": "b"},
        "source": {"db": "wordpress", "table": "wp_posts", "gtid": "0-1-5"},
        "ts_ms": 1700000000000,
        "transaction": {"id": "0-1-5", "total_order": 1, "data_collection_order": 1},
    }
    fields.update(changes)
    return ChangeEvent(**fields)  # type: ignore[arg-type]


def test_topic_name_and_parse() -> None:
    assert topic_name("wordpress", "wordpress", "wp_posts") == "wordpress.wordpress.wp_posts"
    assert parse_topic("my.prefix.wordpress.wp_posts") == ("my.prefix", "wordpress", "wp_posts")
    with pytest.raises(EventDecodeError):
        parse_topic("wp_posts")


def test_encode_decode_round_trip() -> None:
    event = _event()
    key, value = encode(event)
    assert key == b'{"ID":42}'
    assert value is not None
    assert set(json.loads(value)) == {"before", "after", "source", "op", "ts_ms", "transaction"}
    assert decode(event.topic, key, value) == event


def test_tombstone_round_trip_and_row() -> None:
    key, value = encode(Tombstone("t.d.x", {"ID": 1}))
    assert value is None
    assert decode("t.d.x", key, None) == Tombstone("t.d.x", {"ID": 1})
    deleted = _event(op="d", after=None)
    assert deleted.row == {"ID": 42, "post_title": "a"}
    assert _event().row == {"ID": 42, "post_title": "b"}
    assert deleted.table == "wp_posts"


def test_truncate_has_null_key() -> None:
    key, _ = encode(_event(op="t", key={}, before=None, after=None))
    assert key is None
    assert decode("a.b.c", None, b'{"op":"t","source":{},"before":null,"after":null}').key == {}


@pytest.mark.parametrize(
    "value",
    [b"not json", b"[]", b'{"op":"x","source":{}}', b'{"op":"c"}', b'{"op":"c","source":{},"after":3}'],
)
def test_decode_rejects_malformed(value: bytes) -> None:
    with pytest.raises(EventDecodeError):
        decode("a.b.c", b"{}", value)
