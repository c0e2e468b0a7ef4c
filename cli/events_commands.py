"""``strangler events catalog|tail``: the domain events' contract, and a live view of the events.

``tail`` reads with ``read_committed`` and no consumer group (partitions are assigned by hand, no
offsets are committed), so watching never disturbs the services' consumers. Records that break
the contract are shown marked invalid, never fatal: seeing them is what the command is for.
"""

from __future__ import annotations

import heapq
import io
import json
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cli.common import console, errors, fail, open_stack
from cli.stack import StackError, StackSettings
from extracted.contracts import (
    Catalog,
    CloudEvent,
    ContractError,
    asyncapi_document,
    default_catalog,
    events_topic_pattern,
    kafka_key,
    parse_and_validate,
)
from extracted.contracts.asyncapi import DEFAULT_BOOTSTRAP

events_app = typer.Typer(help="Domain events: their contract (AsyncAPI) and a live tail.", no_args_is_help=True)

#: how often ``tail`` looks for new event topics and partitions
TOPIC_REFRESH_S = 2.0
#: raw bytes of an invalid record shown at most
RAW_PREVIEW = 300


class CatalogFormat(StrEnum):
    yaml = "yaml"
    json = "json"
    table = "table"


def _stack_settings() -> StackSettings | None:
    try:
        return open_stack().settings
    except StackError:
        return None


def _load_catalog() -> Catalog:
    try:
        return default_catalog()
    except ContractError as error:
        raise fail(error) from error


@events_app.command("catalog")
def catalog_command(
    output_format: Annotated[CatalogFormat, typer.Option("--format", help="yaml or json (AsyncAPI 3.0), or table")] = (
        CatalogFormat.yaml
    ),
    output: Annotated[Path | None, typer.Option("--output", help="write to this file instead of stdout")] = None,
    prefix: Annotated[str | None, typer.Option(help="topic prefix (default: the stack's)")] = None,
) -> None:
    """The event catalog as an AsyncAPI 3.0 document (topics, types, schemas, personal data)."""
    catalog = _load_catalog()
    settings = _stack_settings()
    prefix = prefix or (settings.topic_prefix if settings else StackSettings.topic_prefix)
    bootstrap = settings.kafka_bootstrap if settings else DEFAULT_BOOTSTRAP
    try:
        document = asyncapi_document(prefix, bootstrap=bootstrap, catalog=catalog)
    except ValueError as error:
        raise fail(error) from error
    if output_format is CatalogFormat.table:
        if output is None:
            console.print(_catalog_table(catalog, prefix))
            return
        buffer = io.StringIO()
        Console(file=buffer, width=160, color_system=None).print(_catalog_table(catalog, prefix))
        text = buffer.getvalue()
    elif output_format is CatalogFormat.json:
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise fail(f"cannot write {output}: {error.strerror or error}") from error
    errors.print(f"wrote {output}", highlight=False, markup=False)


def _catalog_table(catalog: Catalog, prefix: str) -> Table:
    table = Table(title="domain events (CloudEvents 1.0, key = subject)")
    table.add_column("topic", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("key", no_wrap=True)
    table.add_column("personal data", no_wrap=True)
    table.add_column("description")
    for event_type in catalog.event_types.values():
        aggregate = catalog.aggregates[event_type.aggregate]
        table.add_row(
            aggregate.topic(prefix),
            event_type.name,
            f"data.{aggregate.subject_field}",
            "\n".join(event_type.personal_data) or "-",
            event_type.description,
        )
    return table


@dataclass(frozen=True)
class _Shown:
    """One record as tail shows it: a valid event, or why the record is invalid."""

    record: Any
    event: CloudEvent | None = None
    problem: str = ""


def _judge(record: Any, catalog: Catalog) -> _Shown:
    try:
        event = parse_and_validate(record.value, catalog)
    except ContractError as error:
        return _Shown(record, problem=str(error))
    if record.key != kafka_key(event):
        return _Shown(record, problem=f"record key {record.key!r} is not the subject {event.subject!r} (UTF-8)")
    return _Shown(record, event=event)


def _declared_type(value: bytes) -> str | None:
    """The ``type`` an invalid record claims, if it is readable at all (to apply a TYPE filter)."""
    try:
        document = json.loads(value)
    except ValueError:
        return None
    declared = document.get("type") if isinstance(document, dict) else None
    return declared if isinstance(declared, str) else None


def _wanted(shown: _Shown, event_type: str | None) -> bool:
    if event_type is None:
        return True
    if shown.event is not None:
        return shown.event.type == event_type
    declared = _declared_type(shown.record.value)
    return declared is None or declared == event_type


def _print(shown: _Shown, as_json: bool) -> None:
    record = shown.record
    where = f"{record.topic}[{record.partition}]@{record.offset}"
    if as_json:
        if shown.event is not None:
            typer.echo(shown.event.to_json().decode("utf-8"))
            return
        invalid = {
            "error": shown.problem,
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "key": record.key.decode("utf-8", "replace") if record.key is not None else None,
            "value": record.value.decode("utf-8", "replace"),
        }
        typer.echo(json.dumps({"invalid": invalid}, sort_keys=True, ensure_ascii=False))
        return
    if shown.event is not None:
        event = shown.event
        data = json.dumps(event.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        line = Text.assemble((event.time, "dim"), " ", (event.type, "bold cyan"), " ", event.subject, " ", data)
        console.print(line, soft_wrap=True)  # one event per line, however wide: easier to grep
        return
    preview = record.value[:RAW_PREVIEW].decode("utf-8", "replace")
    key = record.key.decode("utf-8", "replace") if record.key is not None else "(no key)"
    console.print(
        Text.assemble(("INVALID", "bold red"), f" {where} key {key}: ", (shown.problem, "red"), "\n  ", preview),
        soft_wrap=True,
    )


class _Tail:
    """Every partition of the topics matching ``pattern``, assigned by hand; new ones join as they appear."""

    def __init__(self, bootstrap: str, pattern: str, from_beginning: bool) -> None:
        from kafka import KafkaConsumer

        self.pattern = re.compile(pattern)
        self.consumer = KafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=None,
            enable_auto_commit=False,
            isolation_level="read_committed",
            auto_offset_reset="earliest" if from_beginning else "latest",
            metadata_max_age_ms=int(TOPIC_REFRESH_S * 1000),
            client_id="strangler-events-tail",
        )
        self.assigned: set[Any] = set()
        self.started = False

    def refresh(self) -> list[str]:
        """Assign new matching partitions; returns the new topics. Partitions appearing after the
        start are read from their beginning: every record in them is newer than the tail."""
        from kafka import TopicPartition

        partitions = {
            TopicPartition(topic, partition)
            for topic in self.consumer.topics()
            if self.pattern.match(topic)
            for partition in sorted(self.consumer.partitions_for_topic(topic) or ())
        }
        new = partitions - self.assigned
        if new:
            self.consumer.assign(sorted(partitions | self.assigned))
            if self.started:
                self.consumer.seek_to_beginning(*new)
            for partition in new:
                self.consumer.position(partition)  # resolves the start now: nothing produced later is missed
            self.assigned |= new
        self.started = True
        return sorted({partition.topic for partition in new})

    def records(self) -> Iterator[Any]:
        last_refresh = time.monotonic()
        while True:
            if time.monotonic() - last_refresh >= TOPIC_REFRESH_S:
                for topic in self.refresh():
                    errors.print(f"tailing {topic} too", highlight=False, markup=False)
                last_refresh = time.monotonic()
            if not self.assigned:
                time.sleep(0.2)  # nothing to poll yet; kafka-python's poll needs an assignment
                continue
            batches = self.consumer.poll(timeout_ms=500)
            # interleave partitions by time, but never reorder within one (a key's events stay in order)
            yield from heapq.merge(*batches.values(), key=lambda record: record.timestamp)

    def close(self) -> None:
        self.consumer.close()


@events_app.command("tail")
def tail_command(
    event_type: Annotated[
        str | None, typer.Argument(metavar="[TYPE]", help="only this type, e.g. user.registered")
    ] = None,
    from_beginning: Annotated[bool, typer.Option("--from-beginning", help="from the oldest event kept")] = False,
    limit: Annotated[int | None, typer.Option(min=1, help="stop after this many events")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one CloudEvent JSON per line")] = False,
    prefix: Annotated[str | None, typer.Option(help="topic prefix (default: the stack's)")] = None,
    bootstrap: Annotated[str | None, typer.Option(help="Kafka bootstrap (default: the stack's)")] = None,
) -> None:
    """Print domain events as they are published (Ctrl-C stops). Invalid records are shown marked
    invalid; with --json as {"invalid": {error, topic, partition, offset, key, value}}. Tombstones
    (deleted keys) are not events and are skipped."""
    catalog = _load_catalog()
    settings = _stack_settings()
    if bootstrap is None:
        if settings is None:
            raise fail("no stack here (run `strangler up`, or set STRANGLER_HOME), or pass --bootstrap HOST:PORT")
        bootstrap = settings.kafka_bootstrap
    prefix = prefix or (settings.topic_prefix if settings else StackSettings.topic_prefix)
    try:
        pattern = f"^{re.escape(catalog.topic_of(prefix, event_type))}$" if event_type else events_topic_pattern(prefix)
    except ValueError as error:
        raise fail(error) from error
    shown = _run_tail(
        catalog, bootstrap, pattern, event_type, from_beginning=from_beginning, limit=limit, as_json=as_json
    )
    errors.print(f"{shown} event(s) shown", highlight=False, markup=False)


def _run_tail(
    catalog: Catalog,
    bootstrap: str,
    pattern: str,
    event_type: str | None,
    *,
    from_beginning: bool,
    limit: int | None,
    as_json: bool,
) -> int:
    from kafka.errors import KafkaError

    shown = 0
    try:
        tail = _Tail(bootstrap, pattern, from_beginning)
    except KafkaError as error:
        raise fail(f"cannot connect to Kafka at {bootstrap}: {error}") from error
    try:
        topics = tail.refresh()
        start = "the beginning" if from_beginning else "now on"
        waiting = ", ".join(topics) or f"topics matching {pattern} (none yet)"
        errors.print(f"tailing {waiting} from {start}", highlight=False, markup=False)
        for record in tail.records():
            if record.value is None:
                continue
            judged = _judge(record, catalog)
            if not _wanted(judged, event_type):
                continue
            _print(judged, as_json)
            sys.stdout.flush()
            shown += 1
            if limit is not None and shown >= limit:
                break
    except KeyboardInterrupt:
        pass
    except KafkaError as error:
        raise fail(f"Kafka at {bootstrap}: {error}") from error
    finally:
        tail.close()
    return shown
