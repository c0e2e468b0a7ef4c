from __future__ import annotations

import json

import orjson

from cdc.envelope import EnvelopeBuilder, SnapshotValues, SourcePoint, json_bytes, transaction_block
from cdc.events import ChangeEvent, decode, encode

POINT = SourcePoint(
    ts_ms=1_700_000_000_000,
    server_id=1,
    gtid="0-1-5",
    file="mysql-bin.000001",
    pos=400,
    thread=None,
    query='UPDATE wp_posts SET post_title="é"',
)


def test_change_template_matches_the_contract_encoding() -> None:
    builder = EnvelopeBuilder("wor%dpress", "mariadb")  # a % in a constant must survive the template
    before, after = {"ID": 42, "post_title": 'a"b'}, {"ID": 42, "post_title": "ü\n"}
    event = builder.change(
        db="wordpress",
        table="wp_posts",
        key_columns=("ID",),
        op="u",
        before=before,
        after=after,
        point=POINT,
        row=3,
        transaction=transaction_block("0-1-5", 2, 1),
    )
    template = builder.template("wordpress", "wp_posts", "u")
    gtid = json_bytes(POINT.gtid)
    value = template % (
        *(orjson.dumps(before), orjson.dumps(after), POINT.ts_ms, POINT.server_id, gtid, json_bytes(POINT.file)),
        *(POINT.pos, 3, b"null", json_bytes(POINT.query), 1_700_000_000_123, gtid, 2, 1),
    )
    fast_event = decode(event.topic, b'{"ID":42}', value)
    contract_event = decode(event.topic, *encode(event))
    assert isinstance(fast_event, ChangeEvent) and isinstance(contract_event, ChangeEvent)
    assert fast_event.value() | {"ts_ms": 0} == contract_event.value() | {"ts_ms": 0}
    assert list(json.loads(value)) == ["before", "after", "source", "op", "ts_ms", "transaction"]
    assert list(json.loads(value)["source"]) == list(event.source)


def test_snapshot_rows_have_no_transaction() -> None:
    builder = EnvelopeBuilder("p", "mariadb")
    point = SourcePoint(1, 1, None, "f", 4)
    value = json.loads(SnapshotValues(builder, db="d", table="t", point=point).value(b'{"a":1}', "last"))
    assert value["transaction"] is None and value["source"]["snapshot"] == "last" and value["op"] == "r"
    assert value["source"]["gtid"] is None
