"""``strangler mail [list|show|clear]``: the mails the stack's sink caught instead of delivering them.

Everything goes through the sink's HTTP API (``cli.stack.mail_sink``), never its files, so the
commands work the same against a sink on another machine (``--url``).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import httpx
import typer
from rich.table import Table

from cli.common import console, fail
from cli.stack import StackError, load_settings

mail_app = typer.Typer(
    help="Mails the local stack caught (its SMTP sink delivers nothing). Without a command: list.",
    invoke_without_command=True,
)

UrlOption = Annotated[str | None, typer.Option("--url", help="the sink's HTTP API (default: the stack's)")]


def _sink_url(url: str | None) -> str:
    if url:
        return url.rstrip("/")
    try:
        settings = load_settings()  # the ports only: no need to build the whole stack
    except StackError as error:
        raise fail(error) from error
    return f"http://{settings.host}:{settings.ports['mail_http']}"


def _call(method: str, url: str, path: str, **options: Any) -> httpx.Response:
    try:
        response = httpx.request(method, url + path, timeout=10.0, **options)
    except httpx.HTTPError as error:
        raise fail(f"the mail sink at {url} does not answer ({error}); is the stack up? (`strangler up`)") from error
    if response.status_code == 404 and path.startswith("/messages/"):
        raise fail(f"no mail {path.removeprefix('/messages/').removesuffix('/raw')} (see `strangler mail list`)")
    if response.status_code != 200:
        raise fail(f"the mail sink at {url} answered {response.status_code} to {method} {path}: {response.text[:200]}")
    return response


def _list(url: str | None, to: str | None, limit: int | None, as_json: bool) -> None:
    sink = _sink_url(url)
    parameters = {key: value for key, value in {"to": to, "limit": limit}.items() if value is not None}
    messages: list[dict[str, Any]] = _call("GET", sink, "/messages", params=parameters).json()["messages"]
    if as_json:
        typer.echo(json.dumps({"messages": messages}, indent=2, ensure_ascii=False))
        return
    if not messages:
        console.print(f"no mail caught{f' to {to}' if to else ''}")
        return
    table = Table("id", "received", "from", "to", "subject", title=f"mail caught by {sink}")
    for message in messages:
        received = message["received"].replace("T", " ")[:19]
        table.add_row(message["id"], received, message["from"], ", ".join(message["to"]), message["subject"])
    console.print(table)


@mail_app.callback()
def mail(context: typer.Context) -> None:
    """Without a command, the same as `strangler mail list`."""
    if context.invoked_subcommand is None:
        _list(None, to=None, limit=None, as_json=False)


@mail_app.command("list")
def list_command(
    to: Annotated[str | None, typer.Option("--to", help="only the mails to this address")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="only the newest N")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable, with each mail's size")] = False,
    url: UrlOption = None,
) -> None:
    """The caught mails, oldest first: when, from, to, subject, and the id `show` takes."""
    _list(url, to, limit, as_json)


@mail_app.command()
def show(
    mail_id: Annotated[str, typer.Argument(metavar="ID", help="the id `strangler mail list` shows")],
    raw: Annotated[bool, typer.Option("--raw", help="the message exactly as received")] = False,
    url: UrlOption = None,
) -> None:
    """One mail: its headers, a blank line, its text body."""
    sink = _sink_url(url)
    if raw:
        typer.echo(_call("GET", sink, f"/messages/{mail_id}/raw").content.decode("utf-8", "replace"), nl=False)
        return
    document = _call("GET", sink, f"/messages/{mail_id}").json()
    for name, value in document["headers"]:
        typer.echo(f"{name}: {value}")
    typer.echo("")
    typer.echo(document["body"].replace("\r\n", "\n"), nl=False)


@mail_app.command()
def clear(url: UrlOption = None) -> None:
    """Forget every caught mail."""
    removed = _call("DELETE", _sink_url(url), "/messages").json()["removed"]
    console.print(f"removed {removed} mail(s)")
