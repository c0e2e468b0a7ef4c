"""``strangler extract | verify | cutover | rollback CAPABILITY``: the migration workflow.

Each acts through the proxy's admin API, so it takes effect without a restart.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cdc import commands as cdc_commands
from cdc.errors import CdcError
from cli.capabilities import Capability, RegistryError, load_registry, publisher_of
from cli.common import console, fail, open_stack
from cli.crawl import crawl
from cli.parity_report import RouteParity, cutover_refusals, kept_cells, summarise, top_differences
from cli.route_commands import admin_client
from cli.stack import Stack, StackError
from cli.stack.services import ExtractedService
from proxy.errors import AdminClientError

#: comparisons per route that "recent shadowed requests" means for the cutover check
RECENT = 2000


def _registry() -> dict[str, Capability]:
    try:
        return load_registry()
    except RegistryError as error:
        raise fail(error) from error


def _capability(name: str) -> Capability:
    registry = _registry()
    if name not in registry:
        raise fail(f"no capability {name!r} in the registry (known: {', '.join(sorted(registry))})")
    return registry[name]


def _publishers(capability: Capability) -> list[Capability]:
    """The capabilities whose domain events ``capability`` consumes (the registry checked they exist)."""
    registry = _registry()
    found = (publisher_of(registry, aggregate) for aggregate in capability.events)
    return [publisher for publisher in found if publisher is not None and publisher.name != capability.name]


def _settled(health: dict[str, Any]) -> bool:
    """A publisher has nothing left to announce or send: no worker reports anything ``pending``."""
    workers: dict[str, Any] = health.get("workers") or {}
    return all(not worker.get("pending") for worker in workers.values())


def _non_empty_tables(stack: Stack, tables: tuple[str, ...]) -> list[str]:
    """The tables that hold rows: CDC writes no topic for a table it never saw a row of."""
    with stack.mariadb.connect_as_root(stack.settings.database) as connection, connection.cursor() as cursor:
        found = []
        for table in tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM `{table}`)")
            row = cursor.fetchone()
            if row and row[0]:
                found.append(table)
    return found


def _check_cdc(stack: Stack, capability: Capability) -> None:
    """CDC streams (so its initial snapshot is done) and every non-empty owned table has its topic."""
    if not stack.cdc.is_ready():
        raise fail("change-data-capture is not running: start the stack with `strangler up`")
    try:
        status = cdc_commands.status(stack.cdc.url)
    except CdcError as error:
        raise fail(error) from error
    if status.get("state") != "streaming":
        raise fail(f"CDC is {status.get('state')}, not streaming yet (initial snapshot running?); try again shortly")
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=stack.settings.kafka_bootstrap)
    try:
        topics = set(admin.list_topics())
    finally:
        admin.close()
    topic_of = dict(
        zip(capability.tables, capability.topics(stack.settings.topic_prefix, stack.settings.database), strict=True)
    )
    missing = [
        topic_of[table] for table in _non_empty_tables(stack, capability.tables) if topic_of[table] not in topics
    ]
    if missing:
        raise fail("CDC topics missing for tables that hold rows: " + ", ".join(missing))


def _wait_caught_up(service: ExtractedService, capability: Capability, *, settled: bool = False) -> None:
    """Until the service is healthy and has consumed its topics (and, with ``settled``, published what
    it owes: a capability's consumers would otherwise start from a partial events topic)."""
    columns = (TextColumn("catching up"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    deadline = time.monotonic() + capability.readiness_timeout_s
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("lag", total=None)
        while time.monotonic() < deadline:
            health: dict[str, Any] = service.health() or {}
            lag = int(health.get("lag_events") or 0)
            applied = int(health.get("events_applied") or 0)
            progress.update(task, completed=applied, total=applied + lag)
            caught_up = health.get("healthy") and health.get("caught_up", True) and lag <= capability.max_lag_events
            if caught_up and (not settled or _settled(health)):
                return
            time.sleep(0.2)
    raise fail(f"{capability.name} did not catch up within {capability.readiness_timeout_s:.0f} s")


def extract(name: Annotated[str, typer.Argument(help="capability, e.g. content")]) -> None:
    """Start the capability's service, wait until it caught up, and shadow its routes."""
    capability = _capability(name)
    try:
        stack = open_stack()
        _check_cdc(stack, capability)
        stack.up()
        service = stack.service(name)
        publishers = [(publisher, stack.service(publisher.name)) for publisher in _publishers(capability)]
    except (StackError, KeyError) as error:
        raise fail(error) from error
    for publisher, publisher_service in publishers:
        # e.g. content builds its authors from the users service's events: those must be out first
        console.print(f"{name} consumes {publisher.name}'s domain events: waiting until {publisher.name} published")
        _wait_caught_up(publisher_service, publisher, settled=True)
    _wait_caught_up(service, capability)
    try:
        with admin_client() as client:
            current = {route["name"]: route for route in client.list_routes()}
            for route in capability.routes:
                # Extracting twice must not undo a canary or cutover already under way.
                existing = current.get(route.name, {})
                mode = existing.get("mode", "legacy")
                keep = {"canary_percent": existing["canary_percent"]} if existing.get("canary_percent") else {}
                client.set_route(
                    route.name,
                    route.paths,
                    capability.name,
                    service_url=service.proxy_url,
                    mode="shadow" if mode == "legacy" else mode,
                    methods=route.methods,
                    **route.proxy_options(),
                    **keep,
                )
    except AdminClientError as error:
        raise fail(error) from error
    if not capability.routes:
        console.print(f"[green]{name}[/] is extracted: its service is caught up (it serves no route of the site).")
        return
    console.print(f"[green]{name}[/] is extracted: its service is caught up and its routes are shadowed.")
    console.print(f"next: strangler verify {name}   then   strangler cutover {name} --percent 10")


def _routeless(capability: Capability, what: str) -> bool:
    """A capability that serves no route (extensions) has nothing to verify, cut over or roll back."""
    if capability.routes:
        return False
    console.print(f"{capability.name} serves no route of the site: nothing to {what}.")
    return True


def _recent(client: Any, capability: Capability) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for route in capability.routes:
        rows += client.comparisons(route.name, limit=RECENT)
    return rows


def verify(
    name: Annotated[str, typer.Argument(help="capability, e.g. content")],
    settle: Annotated[float, typer.Option(help="seconds to let the last shadow comparisons land")] = 3.0,
) -> None:
    """Crawl the capability's routes through the shadow path and print a parity report."""
    capability = _capability(name)
    if _routeless(capability, "verify"):
        return
    try:
        stack = open_stack()
        service = stack.service(name)
    except (StackError, KeyError) as error:
        raise fail(error) from error
    started = time.time()
    with Progress(TextColumn("crawling {task.description}"), TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("")
        requests = crawl(
            stack.settings.public_url, capability, lambda target: progress.update(task, description=target)
        )
    time.sleep(settle)
    try:
        with admin_client() as client:
            rows = [row for row in _recent(client, capability) if float(row.get("ts", 0)) >= started]
            full = [client.comparison(int(row["id"])) for row in rows if row.get("outcome") == "mismatch"][:200]
            traffic = client.stats()
    except AdminClientError as error:
        raise fail(error) from error
    parities = summarise(rows)
    table = Table(
        "route",
        "compared",
        "equal",
        "noise",
        "tie order",
        "mismatches",
        "errors",
        "declined",
        "personal",
        "kept at WordPress",
    )
    for route in capability.routes:
        parity = parities.get(route.name) or RouteParity(route.name)
        table.add_row(
            route.name,
            str(parity.compared),
            f"{parity.match_percent:.2f}%" if parity.match_percent is not None else "-",
            f"{parity.noise_percent:.2f}%" if parity.noise_percent is not None else "-",
            f"{parity.equivalent_percent:.2f}%" if parity.equivalent_percent is not None else "-",
            str(parity.outcomes["mismatch"]),
            str(parity.outcomes["error"]),
            str(parity.outcomes["declined"]),
            *kept_cells(traffic.get(route.name, {})),
        )
    console.print(f"{requests} requests crawled through {stack.settings.public_url}")
    console.print(table)
    console.print(
        "equal: identical, or differing only in WordPress's own randomness (noise) or in the order of items "
        "with equal sort keys (tie order); personal: requests with a login, nonce, post password, commenter "
        "cookie or preview since the proxy started, kept on WordPress unless the route declares their classes; "
        "declined: requests the service said it does not reproduce (WordPress answers them in every mode)",
        style="dim",
    )
    for difference in top_differences(full):
        console.print(
            f"[yellow]{difference.count}×[/] {difference.path} ({difference.kind}): "
            f"WordPress {difference.legacy!r} vs service {difference.candidate!r}",
            highlight=False,
        )
        console.print(
            "   reproduce: " + difference.reproduce(stack.settings.wordpress_url, service.url), highlight=False
        )


def cutover(
    name: Annotated[str, typer.Argument(help="capability, e.g. content")],
    percent: Annotated[float | None, typer.Option(help="canary: this share of visitors (sticky)")] = None,
    force: Annotated[bool, typer.Option(help="cut over even below the parity threshold")] = False,
) -> None:
    """Serve the capability's routes from its service (all, or a canary percentage)."""
    capability = _capability(name)
    if _routeless(capability, "cut over"):
        return
    try:
        with admin_client() as client:
            parities = summarise(_recent(client, capability))
            reasons = cutover_refusals(parities, [r.name for r in capability.routes], capability.parity_threshold)
            if reasons and not force:
                for reason in reasons:
                    console.print(f"[red]refused[/] {reason}", highlight=False)
                raise fail(f"parity below {capability.parity_threshold}% (noise excluded); --force overrides")
            for route in capability.routes:
                client.set_mode(route.name, "canary" if percent is not None else "cutover", percent)
    except AdminClientError as error:
        raise fail(error) from error
    share = f"{percent}% of visitors" if percent is not None else "all traffic"
    console.print(f"[green]{name}[/]: {share} served by the service; WordPress is the fallback.")


def rollback(name: Annotated[str, typer.Argument(help="capability, e.g. content")]) -> None:
    """Send every route of the capability back to WordPress at once."""
    capability = _capability(name)
    if _routeless(capability, "roll back"):
        return
    try:
        with admin_client() as client:
            for route in capability.routes:
                client.set_mode(route.name, "legacy")
    except AdminClientError as error:
        raise fail(error) from error
    console.print(f"[green]{name}[/]: all routes back on WordPress.")


def register(app: typer.Typer) -> None:
    for command in (extract, verify, cutover, rollback):
        app.command()(command)
