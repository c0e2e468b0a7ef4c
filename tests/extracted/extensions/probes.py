"""Two extensions the live tests load through the settings' ``load`` (they have no entry point).

``failing-probe`` refuses every comment (two quick attempts, then the dead-letter topic);
``recording-probe`` appends each comment's event id to the file its settings name, so a test sees
that the other extensions went on.
"""

from __future__ import annotations

from pathlib import Path

from extracted.contracts import CloudEvent
from extracted.extensions.sdk import Extension, ExtensionContext, RetryPolicy

__all__ = ["failing", "recording"]

failing = Extension("failing-probe", retry=RetryPolicy(attempts=2, initial_s=0.1, maximum_s=0.1))
recording = Extension("recording-probe")


@failing.on("comment.posted")
def refuse(event: CloudEvent, context: ExtensionContext) -> None:
    raise RuntimeError(f"the failing probe refuses {event.id}")


@recording.on("comment.posted")
def record(event: CloudEvent, context: ExtensionContext) -> None:
    with Path(str(context.settings["path"])).open("a", encoding="utf-8") as out:
        out.write(event.id + "\n")
