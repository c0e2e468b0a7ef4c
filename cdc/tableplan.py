"""Everything the streamer needs per table definition, prepared once per table map (pure).

WordPress writes one row per transaction, so each row event comes with its own table map: the
per-table work (is it captured, its topic, how to encode its key, the encoded constant parts of
its events) is done when a table definition is first seen and then costs one dict lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from cdc.binlog.jsongen import JsonRowReader, compile_full_json_reader
from cdc.binlog.tablemap import TableSchema
from cdc.envelope import EnvelopeBuilder
from cdc.events import Op

Row = dict[str, Any]
KeyEncoder = Callable[[Row], bytes]
ROW_OPS: tuple[Op, ...] = ("c", "u", "d")


@dataclass(frozen=True, slots=True)
class TablePlan:
    schema: TableSchema
    captured: bool
    topic: str
    #: the record key (JSON of the primary-key columns); None for tables without a primary key
    key: KeyEncoder | None
    #: :func:`cdc.envelope.change_template` by op (c, u, d)
    templates: dict[Op, bytes]
    #: row images -> (row JSON, key JSON); None when not captured
    rows: JsonRowReader | None


def key_encoder(schema: TableSchema) -> KeyEncoder | None:
    """Encodes ``{"<pk column>": value, ...}`` exactly like ``orjson.dumps`` of that dict."""
    pk = schema.primary_key
    if not pk:
        return None
    if len(pk) > 1:
        return lambda row: orjson.dumps({name: row[name] for name in pk})
    name = pk[0]
    head = b"{" + orjson.dumps(name) + b":"
    if any(c.name == name and c.kind == "int" for c in schema.columns):  # the usual BIGINT id
        template = head.replace(b"%", b"%%") + b"%d}"
        return lambda row: template % row[name]
    return lambda row: b"".join((head, orjson.dumps(row[name]), b"}"))


def plan_table(schema: TableSchema, builder: EnvelopeBuilder, captured: bool) -> TablePlan:
    key = key_encoder(schema)
    if not captured:
        return TablePlan(schema, False, builder.topic(schema.db, schema.table), key, {}, None)
    full = compile_full_json_reader(
        schema.columns, schema.types, schema.metas, schema.reader.decoders, schema.primary_key
    )
    return TablePlan(
        schema=schema,
        captured=True,
        topic=builder.topic(schema.db, schema.table),
        key=key,
        templates={op: builder.template(schema.db, schema.table, op) for op in ROW_OPS},
        rows=JsonRowReader(schema.reader, full, key),
    )
