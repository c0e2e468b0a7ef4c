"""The extensions service's settings: the kit's ``--settings`` file, with three sections of its own.

Beside what every service's file holds (``smtp``: where the site's mail goes, see
``extracted.runtime.legacy``), the service reads::

    {"api_token": "...",                       # bearer token of /api/ (the stack's; "" = no token)
     "extensions": {"activity-log": {"path": "/var/log/activity.jsonl"}},   # each one's own settings
     "webhooks": {"allow_loopback": true},     # extracted.extensions.webhooks.settings
     "load": {"my-ext": "my_pkg.module:extension"},   # extensions not packaged (no entry point)
     "run": ["webhooks", "my-ext"]}            # only these run in this process (default: all found)

Checked at start; a wrong type stops the service (exit 2) naming the file and the field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extracted.runtime import ConfigurationError
from extracted.runtime.legacy import SmtpServer, parse_settings

from .webhooks.settings import WebhookSettings

__all__ = ["ExtensionsSettings", "load_settings"]


@dataclass(frozen=True)
class ExtensionsSettings:
    smtp: SmtpServer | None = None
    api_token: str = ""
    #: extension name → its own settings (``ExtensionContext.settings``)
    extensions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    #: extension name → ``pkg.module:attribute``, found as an entry point would be
    load: Mapping[str, str] = field(default_factory=dict)
    #: the extensions this process runs (None = every one found): a deployment may split them
    run: frozenset[str] | None = None

    def runs(self, name: str) -> bool:
        return self.run is None or name in self.run

    def of(self, name: str) -> Mapping[str, Any]:
        return self.extensions.get(name, {})


def _parse(document: Mapping[str, Any], source: str) -> ExtensionsSettings:
    token = document.get("api_token", "")
    if not isinstance(token, str):
        raise ConfigurationError(f"{source}: api_token: expected a string, got {type(token).__name__}")
    sections = document.get("extensions") or {}
    if not isinstance(sections, dict) or not all(isinstance(value, dict) for value in sections.values()):
        raise ConfigurationError(f"{source}: extensions: expected an object of objects (name → settings)")
    load = document.get("load") or {}
    if not isinstance(load, dict) or not all(isinstance(value, str) and ":" in value for value in load.values()):
        raise ConfigurationError(f'{source}: load: expected an object of name → "pkg.module:attribute"')
    run = document.get("run")
    if run is not None and (not isinstance(run, list) or not all(isinstance(name, str) for name in run)):
        raise ConfigurationError(f"{source}: run: expected a list of extension names")
    try:
        smtp = parse_settings(dict(document)).smtp
    except ConfigurationError as error:
        raise ConfigurationError(f"{source}: {error}") from error
    webhooks = WebhookSettings.from_mapping(document.get("webhooks") or {}, source)
    return ExtensionsSettings(smtp=smtp, api_token=token, extensions=sections, webhooks=webhooks, load=load,
                              run=None if run is None else frozenset(run))  # fmt: skip


def load_settings(path: str) -> ExtensionsSettings:
    """The settings in ``path`` ("" = none: no mail, no token, webhooks to public addresses only)."""
    if not path:
        return ExtensionsSettings()
    try:
        document = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise ConfigurationError(f"cannot read the settings file {path}: {error}") from error
    if not isinstance(document, dict):
        raise ConfigurationError(f"{path}: the settings must be a JSON object")
    return _parse(document, path)
