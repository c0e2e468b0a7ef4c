"""``strangler``: bring the stack up, inspect it, seed it, take it down."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli import capability_commands
from cli.cdc_commands import cdc_app
from cli.common import console, fail, open_stack
from cli.events_commands import events_app
from cli.extension_commands import extensions_app, webhooks_app
from cli.mail_commands import mail_app
from cli.route_commands import route_app
from cli.service_commands import service_app
from cli.stack import Stack, StackError

app = typer.Typer(help="Migrate a stock WordPress site to Python services, route by route.", no_args_is_help=True)
app.add_typer(route_app, name="route")
app.add_typer(cdc_app, name="cdc")
app.add_typer(service_app, name="service")
app.add_typer(events_app, name="events")
app.add_typer(mail_app, name="mail")
app.add_typer(extensions_app, name="extensions")
app.add_typer(webhooks_app, name="webhooks")
capability_commands.register(app)


@app.command()
def up(
    seed: Annotated[bool, typer.Option("--seed", help="load the deterministic demo site after start")] = False,
    wxr: Annotated[Path | None, typer.Option(help="also import this WXR export (implies seeding)")] = None,
) -> None:
    """Start every component (idempotent: what runs healthy is left alone, what is dead restarts)."""
    began = time.monotonic()
    try:
        stack = open_stack(create=True)
        with console.status("starting the stack…") as spinner:
            report = stack.up(progress=spinner.update)
    except StackError as error:
        raise fail(error) from error
    if report.installed_packages:
        console.print("installed: " + ", ".join(report.installed_packages))
    started = ", ".join(report.started) or "nothing (all healthy)"
    console.print(f"started: {started} in {time.monotonic() - began:.1f} s")
    if seed or wxr:
        _run_seed(stack, wxr, demo=seed)
    _print_urls(stack)


@app.command()
def attach(
    project: Annotated[str, typer.Option(help="the compose project's name")] = "wp-strangler",
    engine: Annotated[str, typer.Option(help="podman (podman-compose) or docker (Docker Compose)")] = "podman",
    seed: Annotated[bool, typer.Option("--seed", help="load the deterministic demo site once it is ready")] = False,
) -> None:
    """Use the stack docker-compose.yml runs: wait until it is healthy, install WordPress, remember it
    in STRANGLER_HOME (every other command then acts on it; compose starts and stops it)."""
    from cli.stack.compose import attach_settings
    from cli.stack.settings import default_home

    began = time.monotonic()
    try:
        settings = attach_settings(default_home(), project, engine)
        stack = Stack(settings)
        with console.status("waiting for the compose stack…") as spinner:
            stack.up(progress=spinner.update)
    except StackError as error:
        raise fail(error) from error
    manager = settings.external.manager if settings.external else project
    console.print(f"attached to the {manager}: ready after {time.monotonic() - began:.1f} s")
    if seed:
        _run_seed(stack, None, demo=True)
    _print_urls(stack)


def _print_urls(stack: Stack) -> None:
    settings = stack.settings
    console.print(f"site (through the proxy): [link]{settings.public_url}/[/link]")
    console.print(f"WordPress admin:          {settings.public_url}/wp-admin/  (user {settings.admin_user})")
    console.print(f"proxy admin/dashboard:    {settings.admin_url}/")
    console.print("credentials and ports:    strangler status --json")


@app.command()
def down() -> None:
    """Stop exactly the processes `up` started (by pid)."""
    try:
        stack = open_stack()
    except StackError as error:
        raise fail(error) from error
    stopped = stack.down(progress=console.print)
    console.print("stopped: " + (", ".join(stopped) or "nothing was running"))


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False) -> None:
    """Health and connection details of every component."""
    try:
        components = open_stack().status()
    except StackError as error:
        raise fail(error) from error
    if as_json:
        typer.echo(json.dumps({"components": components}, indent=2))
        return
    table = Table("component", "healthy", "where")
    for name, details in components.items():
        where = details.get("url") or details.get("bootstrap") or f"{details.get('host')}:{details.get('port')}"
        table.add_row(name, "[green]yes[/]" if details["healthy"] else "[red]no[/]", str(where))
    console.print(table)


@app.command()
def logs(
    name: Annotated[str, typer.Argument(help="component or process name, e.g. mariadb, nginx, php-fpm")],
    lines: Annotated[int, typer.Option("-n", help="how many lines from the end")] = 50,
) -> None:
    """Show the end of a component's log."""
    try:
        stack = open_stack()
        component = stack.component(name)
    except StackError as error:
        raise fail(error) from error
    except KeyError as error:
        raise fail(KeyError(f"no component or process named {name!r}")) from error
    for process_name in (name,) if name in component.process_names() else component.process_names():
        path = stack.processes.log_path(process_name)
        console.rule(str(path))
        if path.exists():
            typer.echo("\n".join(path.read_text(errors="replace").splitlines()[-lines:]))


@app.command()
def seed(
    wxr: Annotated[Path | None, typer.Option(help="import this WXR export instead of the demo site")] = None,
) -> None:
    """Load the deterministic demo site (or a WXR export) through WordPress's own APIs."""
    try:
        stack = open_stack()
    except StackError as error:
        raise fail(error) from error
    _run_seed(stack, wxr, demo=wxr is None)


def _run_seed(stack: Stack, wxr: Path | None, *, demo: bool) -> None:
    from cli.seeding import seed_demo, seed_wxr

    try:
        if demo:
            console.print(seed_demo(stack, console))
        if wxr is not None:
            console.print(seed_wxr(stack, wxr, console))
    except (StackError, ValueError, RuntimeError) as error:
        raise fail(error) from error


if __name__ == "__main__":
    app()
