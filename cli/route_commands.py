"""``strangler route ...``: see and change how each route is served, through the proxy's admin API.

Changes take effect at once, without a restart; ``rollback`` sends a route back to WordPress.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from cli.common import console, fail, open_stack
from cli.parity_report import kept_cells
from cli.stack import StackError
from proxy.client import AdminClient, ModeName
from proxy.errors import AdminClientError

route_app = typer.Typer(
    help="List and change the proxy's routes (legacy, shadow, canary, cutover).", no_args_is_help=True
)


def admin_client() -> AdminClient:
    try:
        settings = open_stack().settings
    except StackError as error:
        raise fail(error) from error
    return AdminClient(settings.admin_url, settings.secrets.proxy_admin_token)


def _percent(value: Any) -> str:
    return "-" if value is None else f"{float(value):.1f}%"


def _paths_cell(route: dict[str, Any]) -> str:
    """Each path with the route's `query` as a URL would carry it (an absent argument as `!name`)."""
    query = route.get("query") or {}
    suffix = "&".join(f"!{name}" if value is None else f"{name}={value}" for name, value in query.items())
    return escape("\n".join(path + (f"?{suffix}" if suffix else "") for path in route.get("paths", [])))


def _query_option(pairs: list[str], absent: list[str]) -> dict[str, str | None]:
    query: dict[str, str | None] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals:
            raise fail(f"--query takes NAME=VALUE (NAME= for an empty value), not {pair!r}")
        query[name] = value
    query.update(dict.fromkeys(absent))
    return query


@route_app.command("list")
def list_routes() -> None:
    """Every route with its mode and what the proxy measured on it."""
    try:
        with admin_client() as client:
            routes = client.list_routes()
            stats = client.stats()
    except AdminClientError as error:
        raise fail(error) from error
    table = Table("route", "paths", "service", "mode", "requests", "match", "noise", "fallbacks", "personal", "kept")
    for route in routes:
        numbers = stats.get(route["name"], {})
        mode = route["mode"] + (f" {route.get('canary_percent')}%" if route["mode"] == "canary" else "")
        table.add_row(
            route["name"],
            _paths_cell(route),
            route.get("service", ""),
            mode,
            str(numbers.get("requests", 0)),
            _percent(numbers.get("match_percent")),
            _percent(numbers.get("noise_percent")),
            str(numbers.get("fallbacks", 0)),
            *kept_cells(numbers),
        )
    console.print(table if routes else "no routes: everything goes to WordPress")


@route_app.command("set")
def set_route(
    name: Annotated[str, typer.Argument(help="the route's name")],
    path: Annotated[list[str], typer.Option("--path", help="path pattern; repeat for several")],
    service: Annotated[str, typer.Option(help="the service that may answer it")],
    service_url: Annotated[str | None, typer.Option(help="(re)define the service's base URL")] = None,
    mode: Annotated[str, typer.Option(help="legacy, shadow, canary or cutover")] = "legacy",
    method: Annotated[list[str] | None, typer.Option("--method", help="HTTP method; repeat")] = None,
    percent: Annotated[float | None, typer.Option(help="canary percentage")] = None,
    priority: Annotated[int | None, typer.Option(help="higher wins when several routes match")] = None,
    timeout: Annotated[float | None, typer.Option(help="seconds before falling back to WordPress")] = None,
    query: Annotated[
        list[str] | None, typer.Option("--query", help="NAME=VALUE the request's arguments must hold; repeat")
    ] = None,
    query_absent: Annotated[
        list[str] | None, typer.Option("--query-absent", help="NAME the request's arguments must not hold; repeat")
    ] = None,
) -> None:
    """Create or replace a route."""
    options: dict[str, Any] = {
        key: value
        for key, value in (("canary_percent", percent), ("priority", priority), ("timeout", timeout))
        if value is not None
    }
    if query or query_absent:
        options["query"] = _query_option(query or [], query_absent or [])
    try:
        with admin_client() as client:
            client.set_route(
                name,
                path,
                service,
                service_url=service_url,
                mode=_mode(mode),
                methods=method or ("GET", "HEAD"),
                **options,
            )
    except AdminClientError as error:
        raise fail(error) from error
    console.print(f"route {name}: {mode}")


def _mode(text: str) -> ModeName:
    modes: tuple[ModeName, ...] = ("legacy", "shadow", "canary", "cutover")
    for mode in modes:
        if text == mode:
            return mode
    raise fail(f"mode must be one of {', '.join(modes)}, not {text!r}")


def _switch(route: str, mode: ModeName, percent: float | None = None) -> None:
    try:
        with admin_client() as client:
            client.set_mode(route, mode, percent)
    except AdminClientError as error:
        raise fail(error) from error
    console.print(f"route {route}: {mode}" + (f" {percent}%" if percent is not None else ""))


@route_app.command()
def shadow(route: str) -> None:
    """WordPress answers; the service gets a copy and both answers are compared."""
    _switch(route, "shadow")


@route_app.command()
def canary(route: str, percent: Annotated[float, typer.Option(help="share of visitors, sticky")] = 10.0) -> None:
    """A sticky percentage of visitors is served by the service."""
    _switch(route, "canary", percent)


@route_app.command()
def cutover(route: str) -> None:
    """The service answers everything; WordPress is the fallback."""
    _switch(route, "cutover")


@route_app.command()
def rollback(route: str) -> None:
    """Send the route back to WordPress at once."""
    _switch(route, "legacy")
