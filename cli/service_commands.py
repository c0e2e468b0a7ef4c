"""``strangler service rebuild NAME``: rebuild an extracted service's read model from its topics."""

from __future__ import annotations

import subprocess
import sys
from typing import Annotated

import typer

from cli.common import console, fail, open_stack
from cli.stack import StackError

service_app = typer.Typer(help="Extracted services: rebuild their read models.", no_args_is_help=True)


@service_app.command()
def rebuild(name: Annotated[str, typer.Argument(help="the capability's service, e.g. content")]) -> None:
    """Stop the service, replay its topics into a read model built from zero, start it again."""
    try:
        stack = open_stack()
        service = stack.service(name)
    except (StackError, KeyError) as error:
        raise fail(error) from error
    service.stop()
    console.print(f"{name} stopped; replaying its topics…")
    result = subprocess.run([sys.executable, *service.rebuild_arguments()], check=False)
    if result.returncode != 0:
        raise fail(f"the rebuild of {name} failed (exit {result.returncode}); the service stays stopped")
    try:
        stack.up()
    except StackError as error:
        raise fail(error) from error
    console.print(f"{name} rebuilt and running again")
