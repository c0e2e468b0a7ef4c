"""The site's settings as the API needs them, read from the options the projection stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from sqlalchemy import Connection

from extracted.formatting import UnserializeError, php_unserialize
from extracted.rest import Site
from extracted.rest.timezones import site_timezone

from .render_inputs import options

NAMES = (
    "home", "permalink_structure", "category_base", "tag_base", "show_on_front", "page_on_front",
    "page_for_posts", "sticky_posts", "gmt_offset", "timezone_string", "show_avatars", "avatar_default",
    "avatar_rating",
)  # fmt: skip


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def sticky_ids(serialized: str) -> tuple[int, ...]:
    try:
        value = php_unserialize(serialized) if serialized else None
    except UnserializeError:
        return ()
    if not isinstance(value, dict):
        return ()
    return tuple(int(v) for v in value.values() if isinstance(v, int | str) and str(v).lstrip("-").isdigit())


@dataclass(frozen=True)
class SiteState:
    urls: Site = field(default_factory=Site)
    sticky: tuple[int, ...] = ()
    tz: tzinfo = UTC
    show_avatars: bool = True
    avatar_default: str = "mystery"
    avatar_rating: str = "G"

    def local(self, moment: datetime) -> str:
        """A date-time argument in the site's time zone, as ``Y-m-d\\TH:i:s`` for comparisons."""
        if moment.tzinfo is not None:
            moment = moment.astimezone(self.tz)
        return moment.strftime("%Y-%m-%dT%H:%M:%S")


def load_site(connection: Connection) -> SiteState:
    values = options(connection, NAMES)
    urls = Site(
        home=values.get("home", "http://localhost"),
        permalink_structure=values.get("permalink_structure", ""),
        category_base=values.get("category_base", ""),
        tag_base=values.get("tag_base", ""),
        show_on_front=values.get("show_on_front", "posts"),
        page_on_front=_int(values.get("page_on_front")),
        page_for_posts=_int(values.get("page_for_posts")),
    )
    return SiteState(
        urls=urls,
        sticky=sticky_ids(values.get("sticky_posts", "")),
        tz=site_timezone(values.get("timezone_string", ""), values.get("gmt_offset", "0")),
        show_avatars=values.get("show_avatars", "1") not in ("", "0"),
        avatar_default=values.get("avatar_default", "mystery"),
        avatar_rating=values.get("avatar_rating", "G"),
    )
