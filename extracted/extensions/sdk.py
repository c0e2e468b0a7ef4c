"""The extension SDK: what a WordPress plugin's hook becomes in the new architecture.

An extension is a set of functions subscribed to domain-event types. Write one as a module::

    from extracted.extensions.sdk import Extension, ExtensionContext
    from extracted.contracts import CloudEvent

    extension = Extension("comment-log", description="Logs every new comment")

    @extension.on("comment.posted")
    def log_comment(event: CloudEvent, context: ExtensionContext) -> None:
        context.log.info("comment %s on post %s", event.subject, event.data["post"])

and declare it in your package's ``pyproject.toml`` under the entry point group
``wp_strangler.extensions``::

    [project.entry-points."wp_strangler.extensions"]
    comment-log = "my_package.comment_log:extension"

The extensions service finds it there (``discovery``), runs it with a consumer group of its own, and
calls each handler once per event (events are deduplicated by id). A handler that raises is retried
with a backoff; after its last attempt the event goes to the extension's dead-letter topic and the
extension goes on with the next one, so handlers should be idempotent in intent but need not guard
against duplicates. ``on`` also takes ``"*"`` (every type) and ``"comment.*"`` (a prefix).

An extension is enabled or disabled at run time (``strangler extensions enable|disable NAME``); a
disabled one holds its place in the topics and picks up from there when enabled again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from extracted.contracts import CloudEvent

__all__ = [
    "Extension",
    "ExtensionContext",
    "Handler",
    "RetryPolicy",
    "SiteView",
    "Subscription",
    "matches",
]

_NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
_PATTERN = re.compile(r"^(\*|[a-z][a-z0-9_]*\.(\*|[a-z][a-z0-9_]*))$")


class SiteView(Protocol):
    """What the extensions service knows of the site, built from domain events (and ``wp_options``).

    Plain mappings, read-only: ``user(id)`` has ``id, login, email, display_name, roles``; ``post(id)``
    has ``id, type, status, title, author, link``; ``comment(id)`` has the fields of ``comment.posted``
    with the current ``status``.
    """

    def option(self, name: str) -> str | None: ...

    def user(self, user_id: int) -> Mapping[str, Any] | None: ...

    def post(self, post_id: int) -> Mapping[str, Any] | None: ...

    def comment(self, comment_id: int) -> Mapping[str, Any] | None: ...

    def pending_comments(self) -> int:
        """How many comments await moderation (status ``hold``)."""


@dataclass(frozen=True)
class ExtensionContext:
    """Handed to every handler call."""

    #: the extension's name
    name: str
    site: SiteView
    #: the extension's own section of the service's settings (``extensions.<name>``), may be empty
    settings: Mapping[str, Any]
    log: logging.Logger
    #: the service's SMTP mailer (``extracted.runtime.mail.Mailer``) when one is configured
    mailer: Any = None
    #: the service's own store engine: for the built-in extensions only (a third-party extension keeps
    #: its own state elsewhere)
    engine: Any = None


Handler = Callable[[CloudEvent, ExtensionContext], None]


@dataclass(frozen=True)
class RetryPolicy:
    """How often a failing handler is tried, and the waits between tries (doubling)."""

    attempts: int = 5
    initial_s: float = 1.0
    maximum_s: float = 60.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.initial_s < 0 or self.maximum_s < self.initial_s:
            raise ValueError(f"a retry policy needs attempts >= 1 and 0 <= initial <= maximum, got {self}")

    def delays(self) -> Iterator[float]:
        """The wait before each retry (``attempts - 1`` of them)."""
        delay = self.initial_s
        for _ in range(self.attempts - 1):
            yield delay
            delay = min(delay * 2, self.maximum_s)


def matches(pattern: str, event_type: str) -> bool:
    """``*`` matches every type, ``comment.*`` every ``comment.`` type, anything else only itself."""
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type


@dataclass(frozen=True)
class Subscription:
    patterns: tuple[str, ...]
    handler: Handler

    def wants(self, event_type: str) -> bool:
        return any(matches(pattern, event_type) for pattern in self.patterns)


@dataclass
class Extension:
    """An extension: a name, its subscriptions, and how it behaves when run."""

    name: str
    description: str = ""
    #: whether a newly found extension runs before anyone enabled it
    enabled_by_default: bool = True
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    #: whether a newly installed extension first gets the events of the past (the topics from their
    #: beginning) or only those to come (the default: a new mail extension must not mail last year)
    replay_history: bool = False
    subscriptions: list[Subscription] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"an extension's name is lower-case letters, digits and '-', got {self.name!r}")

    def on(self, *patterns: str) -> Callable[[Handler], Handler]:
        """Subscribe the decorated function to events of these types (``*`` and ``x.*`` allowed)."""
        if not patterns:
            raise ValueError(f"{self.name}: on() needs at least one event type")
        for pattern in patterns:
            if not _PATTERN.match(pattern):
                raise ValueError(f"{self.name}: {pattern!r} is not an event type, 'aggregate.*' or '*'")

        def subscribe(handler: Handler) -> Handler:
            self.subscriptions.append(Subscription(tuple(patterns), handler))
            return handler

        return subscribe

    @property
    def patterns(self) -> tuple[str, ...]:
        return tuple(pattern for subscription in self.subscriptions for pattern in subscription.patterns)

    def handlers_for(self, event_type: str) -> Sequence[Handler]:
        return [subscription.handler for subscription in self.subscriptions if subscription.wants(event_type)]

    def aggregates(self, known: Mapping[str, str]) -> tuple[str, ...]:
        """The aggregates whose topics the extension reads, from ``known`` (event type → aggregate)."""
        wanted = {aggregate for event_type, aggregate in known.items() if self.handlers_for(event_type)}
        return tuple(sorted(wanted))
