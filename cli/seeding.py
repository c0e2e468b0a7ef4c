"""``strangler seed``: the demo site or a user's WXR export, imported with a progress bar."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cli.stack import Stack
from wordpress.demo import demo_export
from wordpress.importer import ImportReport, import_export
from wordpress.wxr import WxrExport, read_wxr


def _import(stack: Stack, export: WxrExport, label: str, console: Console) -> ImportReport:
    columns = (TextColumn(f"importing {label}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(label, total=len(export.posts))
        return import_export(
            export,
            stack.wordpress.php_request(admin_user=stack.settings.admin_user),
            advance=lambda done: progress.advance(task, done),
            runner=stack.wordpress.php_runner,
        )


# The report quotes titles, slugs and WordPress's messages: escaped, so rich prints their brackets as is.
def seed_demo(stack: Stack, console: Console) -> str:
    return escape("demo site: " + _import(stack, demo_export(), "the demo site", console).summary())


def seed_wxr(stack: Stack, path: Path, console: Console) -> str:
    export = read_wxr(path)
    return escape(f"{path.name}: " + _import(stack, export, path.name, console).summary())
