"""What every `strangler` command shares: the consoles, the stack of STRANGLER_HOME, error exits."""

from __future__ import annotations

import typer
from rich.console import Console

from cli.stack import Stack, load_settings

console = Console()
errors = Console(stderr=True)


def open_stack(*, create: bool = False) -> Stack:
    return Stack(load_settings(create=create))


def fail(error: Exception | str) -> typer.Exit:
    """Print ``error`` in red on stderr and return the exit to raise (status 1)."""
    errors.print(f"[bold red]error:[/] {error}", highlight=False)
    return typer.Exit(code=1)
