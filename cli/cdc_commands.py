"""``strangler cdc run|status|snapshot``: the change-data-capture connector of this stack."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cdc import commands
from cdc.config import build_config
from cdc.errors import CdcError
from cli.common import console, fail, open_stack
from cli.stack import StackError
from cli.stack.services import Cdc

cdc_app = typer.Typer(help="Change-data-capture: WordPress's binlog to Debezium events on Kafka.", no_args_is_help=True)


def _connector() -> Cdc:
    try:
        return open_stack().cdc
    except StackError as error:
        raise fail(error) from error


@cdc_app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Position, lag, throughput and per-table counts of the running connector."""
    connector = _connector()
    try:
        document = commands.status(connector.url)
    except CdcError as error:
        raise fail(error) from error
    if as_json:
        typer.echo(json.dumps(document, indent=2))
        return
    position = document.get("position") or {}
    console.print(
        f"state [bold]{document.get('state')}[/], healthy {document.get('healthy')}, "
        f"GTID {position.get('gtid')} ({position.get('file')}:{position.get('pos')}), "
        f"lag {document.get('lag_ms')} ms, {document.get('events_per_s')} events/s"
    )
    table = Table("table", *"crudt")
    for name, counts in sorted((document.get("tables") or {}).items()):
        table.add_row(name, *(str(counts.get(op, 0)) for op in "crudt"))
    console.print(table)


@cdc_app.command()
def snapshot(
    tables: Annotated[list[str] | None, typer.Argument(help="tables to re-snapshot, e.g. wp_posts")] = None,
    all_tables: Annotated[bool, typer.Option("--all", help="every captured table")] = False,
) -> None:
    """Re-snapshot tables while streaming continues (a new consumer, or after the binlog was purged)."""
    if not tables and not all_tables:
        raise fail("name the tables to re-snapshot, or pass --all")
    connector = _connector()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("snapshot", total=None)

        def show(document: dict[str, Any]) -> None:
            progress.update(
                task,
                description=f"snapshot {document.get('table') or ''}",
                completed=document.get("rows_done", 0),
                total=document.get("rows_estimated") or None,
            )

        try:
            result = commands.snapshot(
                connector.url, list(tables or []), on_progress=show, admin_token=connector.admin_token
            )
        except CdcError as error:
            if not connector.is_running():
                _mark_for_snapshot(connector)
                return
            raise fail(error) from error
    if result.get("state") != "done":
        raise fail(f"snapshot {result.get('state')}: {result.get('error') or result}")
    console.print(f"snapshot done: {result.get('rows_done', 0)} rows")


def _mark_for_snapshot(connector: Cdc) -> None:
    """The connector is stopped (e.g. it refused to start: binlog purged): snapshot at its next start."""
    settings = connector.settings
    config = build_config(
        {
            "bootstrap": settings.kafka_bootstrap,
            "prefix": settings.topic_prefix,
            "database": settings.database,
            "server_id": connector.server_id,
        }
    )
    try:
        commands.require_snapshot(config)
    except CdcError as error:
        raise fail(error) from error
    console.print("the connector is stopped: it will take a full snapshot when `strangler up` starts it")


@cdc_app.command()
def run() -> None:
    """Run the connector in the foreground (`strangler up` normally supervises it)."""
    from cdc.__main__ import main

    connector = _connector()
    if connector.is_running():
        raise fail(f"the connector already runs (pid {connector.processes.pid('cdc')}); `strangler down` stops it")
    arguments = connector.arguments()
    raise typer.Exit(code=main(arguments[arguments.index("run") :]))
