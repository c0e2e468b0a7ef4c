"""Social icons: each link an ``<li>`` with the service's SVG icon, colored by its parent block's context."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from typing import Any

from ..blocks import Block
from ..html import escape_html
from ..phpdata import php_string, php_truthy
from ..urls import esc_url
from .wrapper import wrapper_attributes

# WordPress's services (name and SVG icon by slug), exported from social-link.php.
SERVICES: dict[str, dict[str, str]] = json.loads(files(__package__).joinpath("social_services.json").read_text())
EMAIL = re.compile(r"[a-zA-Z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _service(slug: str, field: str) -> str:
    return SERVICES.get(slug, SERVICES["share"]).get(field) or SERVICES["share"][field]


def _with_scheme(url: str) -> str:
    if EMAIL.fullmatch(url) and ".." not in url:
        url = "mailto:" + url
    if not SCHEME.match(url) and not url.startswith("//"):
        url = "https://" + url
    return url


def _color_styles(context: dict[str, Any]) -> str:
    styles = []
    if "iconColorValue" in context:
        styles.append(f"color: {php_string(context['iconColorValue'])}; ")
    if "iconBackgroundColorValue" in context:
        styles.append(f"background-color: {php_string(context['iconBackgroundColorValue'])}; ")
    return "".join(styles)


def render_social_link(block: Block) -> str:
    attrs = block.attributes
    url = php_string(attrs.get("url") or "")
    if not url or url == "0":
        return ""
    service = php_string(attrs.get("service", "Icon"))
    label = php_string(attrs["label"]) if "label" in attrs else _service(service, "name")
    rel_target = 'rel="noopener nofollow" target="_blank"' if php_truthy(block.context.get("openInNewTab")) else ""
    style = _color_styles(block.context)
    extra = {"class": f"wp-social-link wp-social-link-{service}", **({"style": style} if style else {})}
    label_class = "wp-block-social-link-label" + (
        "" if php_truthy(block.context.get("showLabels")) else " screen-reader-text"
    )
    return (
        f"<li {wrapper_attributes(block, **extra)}>"
        f'<a href="{esc_url(_with_scheme(url))}" {rel_target} class="wp-block-social-link-anchor">'
        f'{_service(service, "icon")}<span class="{label_class}">{escape_html(label)}</span></a></li>'
    )
