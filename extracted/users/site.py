"""The site's settings as the users API needs them (URLs, avatars), from the options the projection kept."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from extracted.rest import Site

from . import schema

__all__ = ["UsersSite", "load_site"]


@dataclass(frozen=True)
class UsersSite:
    """A :class:`~extracted.rest.RestSite`: the URL model, and the avatar options ``get_avatar_data`` reads."""

    urls: Site = field(default_factory=Site)
    show_avatars: bool = True
    avatar_default: str = "mystery"
    avatar_rating: str = "G"


def load_site(connection: Connection) -> UsersSite:
    options = schema.options
    values = {row.name: row.value for row in connection.execute(select(options.c.name, options.c.value))}
    return UsersSite(
        urls=Site(
            home=values.get("home", "http://localhost"), permalink_structure=values.get("permalink_structure", "")
        ),
        show_avatars=values.get("show_avatars", "1") not in ("", "0"),
        avatar_default=values.get("avatar_default", "mystery"),
        avatar_rating=values.get("avatar_rating", "G"),
    )
