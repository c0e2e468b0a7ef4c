"""Render the configuration templates shipped in ``wordpress/config`` and ``cli/stack/kafka``.

Placeholders are ``{{name}}`` so that nginx's and PHP's own ``$variables`` need no escaping.
"""

from __future__ import annotations

import re
from pathlib import Path

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def render(template: Path, destination: Path, **values: object) -> Path:
    text = template.read_text()
    unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in values})
    if unknown:
        raise KeyError(f"{template}: no value for placeholder(s) {', '.join(unknown)}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(_PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), text))
    return destination
