"""An example extension: an activity log of the site, one JSON line per domain event.

It is what a small "activity log" WordPress plugin does on ``publish_post``, ``comment_post`` and
``user_register``, written as an extension (read it as the template for your own):

- ``extension = Extension(...)`` names it; the service finds it through the entry point group
  ``wp_strangler.extensions`` (in ``pyproject.toml``:
  ``activity-log = "extracted.extensions.examples.activity_log:extension"``).
- ``@extension.on(...)`` subscribes a function to event types (``post.published``, or ``comment.*``).
- The handler gets the event (``extracted.contracts.CloudEvent``: ``type``, ``subject``, ``data``) and the
  context: ``context.settings`` is its section of the service's settings (``extensions.activity-log``),
  ``context.site`` what the service knows of the site (a post's title, a user's display name).
- Raising means "not now": the runner retries with a backoff, then dead-letters the event. The log is
  appended after the line is complete, so a retry never leaves half a line.

It is off until enabled (``strangler extensions enable activity-log``); without a ``path`` setting it
writes to the service's log.
"""

from __future__ import annotations

import json
from pathlib import Path

from extracted.contracts import CloudEvent
from extracted.extensions.sdk import Extension, ExtensionContext

__all__ = ["extension", "log_activity"]

extension = Extension(
    "activity-log",
    description="Example: one JSON line per post published, comment posted and user registered",
    enabled_by_default=False,
)


@extension.on("post.published", "comment.posted", "user.registered")
def log_activity(event: CloudEvent, context: ExtensionContext) -> None:
    line = {"time": event.time, "type": event.type, "id": event.subject}
    if event.type == "comment.posted":
        post = context.site.post(int(event.data["post"]))
        line["on"] = post["title"] if post else f"post {event.data['post']}"
    elif event.type == "post.published":
        line["title"] = str(event.data.get("title", ""))
    path = context.settings.get("path")
    if not path:
        context.log.info("activity: %s", json.dumps(line, sort_keys=True))
        return
    with Path(str(path)).open("a", encoding="utf-8") as log:
        log.write(json.dumps(line, sort_keys=True) + "\n")
