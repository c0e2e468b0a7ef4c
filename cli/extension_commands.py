"""``strangler extensions list|enable|disable`` and ``strangler webhooks add|list|remove|replay|test``.

Both talk to the extensions service's management API (``/api/``, the stack's admin token), so what
they show is what the dashboard and the admin API show.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

import httpx
import typer
from rich.table import Table

from cli.common import console, fail, open_stack
from cli.stack import StackError

__all__ = ["extensions_app", "webhooks_app"]

extensions_app = typer.Typer(help="The extensions the site runs on its domain events.", no_args_is_help=False)
webhooks_app = typer.Typer(help="Webhook endpoints: outside systems sent the site's events (Standard Webhooks).")
SERVICE = "extensions"


@contextmanager
def _api() -> Iterator[httpx.Client]:
    try:
        stack = open_stack()
        url = stack.service(SERVICE).url
    except (StackError, KeyError) as error:
        raise fail(error) from error
    headers = {"authorization": f"Bearer {stack.settings.secrets.proxy_admin_token}"}
    with httpx.Client(base_url=f"{url}/api", headers=headers, timeout=30) as client:
        yield client


def _call(method: str, path: str, **kwargs: Any) -> Any:
    with _api() as client:
        try:
            response = client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise fail(
                f"the extensions service does not answer ({error}); is the stack up? (strangler status)"
            ) from error
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text
        raise fail(f"{method} {path}: {response.status_code} {detail}")
    return response.json() if response.content else None


def _print_json(value: Any) -> None:
    console.print_json(json.dumps(value))


def _when(ms: int | float | None) -> str:
    if not ms:
        return "-"
    return datetime.fromtimestamp(float(ms) / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


@extensions_app.command("list")
def list_extensions(as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """Every extension: state, subscriptions, lag, handled, dead letters, last error."""
    found = _call("GET", "/extensions")
    if as_json:
        _print_json(found)
        return
    table = Table("extension", "state", "subscribes to", "lag", "handled", "dead letters", "last handled", "error")
    for item in found:
        state = item["state"] if item["healthy"] or item["state"] == "broken" else f"{item['state']} (failing)"
        table.add_row(item["name"], state, " ".join(item["subscriptions"]), str(item["lag"]), str(item["handled"]),
                      str(item["dead_lettered"]), _when(item["last_handled_ms"]), item.get("error") or "")  # fmt: skip
    console.print(table)


@extensions_app.command("enable")
def enable(name: Annotated[str, typer.Argument(help="the extension's name")]) -> None:
    """Run the extension (from where it stopped), without a restart."""
    _call("POST", f"/extensions/{name}/enable")
    console.print(f"[green]{name}[/] enabled")


@extensions_app.command("disable")
def disable(name: Annotated[str, typer.Argument(help="the extension's name")]) -> None:
    """Stop the extension; it keeps its place in the topics."""
    _call("POST", f"/extensions/{name}/disable")
    console.print(f"[green]{name}[/] disabled (it keeps its place: enabling it goes on from there)")


@webhooks_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="where deliveries are POSTed")],
    event: Annotated[list[str], typer.Option("--event", help="event type, 'comment.*' or '*' (repeatable)")],
    description: Annotated[str, typer.Option(help="what the endpoint is for")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Add an endpoint; prints its id and its signing secret (keep it: it is shown here only)."""
    made = _call("POST", "/webhooks/endpoints", json={"url": url, "event_types": event, "description": description})
    if as_json:
        _print_json(made)
        return
    console.print(f"endpoint [bold]{made['endpoint']['id']}[/] → {made['endpoint']['url']}", highlight=False)
    console.print(f"secret   [bold]{made['secret']}[/]", highlight=False)


@webhooks_app.command("list")
def list_endpoints(as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """Every endpoint with its state and recent failures."""
    endpoints = _call("GET", "/webhooks/endpoints")
    if as_json:
        _print_json(endpoints)
        return
    table = Table("id", "url", "events", "state", "failing since", "pending", "succeeded", "failed")
    for endpoint in endpoints:
        state = "enabled" if endpoint.get("enabled") else f"disabled: {endpoint.get('disabled_reason') or ''}"
        counts = endpoint.get("deliveries") or {}
        table.add_row(endpoint["id"], endpoint["url"], " ".join(endpoint.get("event_types", [])), state,
                      str(endpoint.get("failing_since") or "-"), str(counts.get("pending", "-")),
                      str(counts.get("succeeded", "-")), str(counts.get("failed", "-")))  # fmt: skip
    console.print(table)


@webhooks_app.command("remove")
def remove(endpoint: Annotated[str, typer.Argument(help="endpoint id (ep_…)")]) -> None:
    """Remove an endpoint (its delivery log goes with it)."""
    _call("DELETE", f"/webhooks/endpoints/{endpoint}")
    console.print(f"removed {endpoint}")


@webhooks_app.command("replay")
def replay(webhook_id: Annotated[str, typer.Argument(help="delivery id (msg_…), as `deliveries` shows")]) -> None:
    """Send a delivery again now, with the same webhook-id (receivers deduplicate by it)."""
    _call("POST", f"/webhooks/deliveries/{webhook_id}/replay")
    console.print(f"replaying {webhook_id}")


@webhooks_app.command("test")
def test(endpoint: Annotated[str, typer.Argument(help="endpoint id (ep_…)")]) -> None:
    """Send the endpoint a test event (type webhook.test), signed as every delivery is."""
    sent = _call("POST", f"/webhooks/endpoints/{endpoint}/test")
    attempts = sent.get("attempt_log") or [{}]
    answer = attempts[-1].get("status_code") or attempts[-1].get("error") or "no attempt yet"
    console.print(f"test delivery {sent['webhook_id']}: {sent['state']} ({answer})", highlight=False)


@webhooks_app.command("deliveries")
def deliveries(
    endpoint: Annotated[str | None, typer.Option(help="only this endpoint's")] = None,
    limit: Annotated[int, typer.Option(help="how many, newest first")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """The delivery log: each delivery's state and attempts."""
    params: dict[str, Any] = {"limit": limit} | ({"endpoint": endpoint} if endpoint else {})
    found = _call("GET", "/webhooks/deliveries", params=params)
    if as_json:
        _print_json(found)
        return
    table = Table("webhook-id", "endpoint", "event", "state", "attempts", "next attempt")
    for delivery in found:
        table.add_row(delivery["webhook_id"], delivery["endpoint_id"], delivery["event_type"], delivery["state"],
                      str(delivery.get("attempts", "")), str(delivery.get("next_attempt_at") or "-"))  # fmt: skip
    console.print(table)
