"""The site's settings as the comments API needs them, from the options the projection kept:
the URL model (``rest_url``, permalinks), avatars, what ``comment_text`` renders with, what the comment
page in comment links depends on, and the time zone ``before``/``after`` are read in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from sqlalchemy import Connection, select

from extracted.formatting import RenderState, SiteOptions
from extracted.formatting.phpdata import php_int
from extracted.rest import Site
from extracted.rest.timezones import site_timezone

from . import schema
from .comment_pages import CommentPaging, PageUnmodelledError, paging

__all__ = ["CommentsSite", "load_site"]


@dataclass(frozen=True)
class CommentsSite:
    """A :class:`~extracted.rest.RestSite` and :class:`~extracted.rest.AvatarSettings`."""

    urls: Site = field(default_factory=Site)
    show_avatars: bool = True
    avatar_default: str = "mystery"
    avatar_rating: str = "G"
    #: what ``comment_text`` reads (smilies, the site URL of their images)
    rendering: SiteOptions = field(default_factory=SiteOptions)
    #: what comment links' pages depend on (``comment_pages``); None: options the service does not reproduce
    comment_paging: CommentPaging | None = field(default_factory=CommentPaging)
    tz: tzinfo = UTC
    #: what WordPress's rendering carries through one request (the embedded posts' excerpts): the site is
    #: loaded once per request, so each response renders with its own
    render_state: RenderState = field(default_factory=RenderState, compare=False)

    def local(self, moment: datetime) -> str:
        """A ``date-time`` argument as ``WP_Date_Query`` compares it with ``comment_date``: naive times are
        the site's, others converted to it; ``Y-m-d H:i:s`` (fractions of a second dropped)."""
        if moment.tzinfo is not None:
            moment = moment.astimezone(self.tz)
        return moment.strftime("%Y-%m-%d %H:%M:%S")


def _flag(value: str | None, default: bool) -> bool:
    return default if value is None else value not in ("", "0")


def load_site(connection: Connection) -> CommentsSite:
    options = schema.options
    rows = connection.execute(select(options.c.name, options.c.value))
    values: dict[str, str] = {row.name: row.value for row in rows}
    home = values.get("home", "http://localhost")
    urls = Site(
        home=home,
        permalink_structure=values.get("permalink_structure", ""),
        show_on_front=values.get("show_on_front", "posts"),
        page_on_front=php_int(values.get("page_on_front", "0")),
    )
    rendering = SiteOptions(home=home, siteurl=values.get("siteurl", ""),
                            use_smilies=_flag(values.get("use_smilies"), True))  # fmt: skip
    try:
        comment_paging: CommentPaging | None = paging(values)
    except PageUnmodelledError:
        comment_paging = None
    return CommentsSite(
        urls=urls,
        show_avatars=_flag(values.get("show_avatars"), True),
        avatar_default=values.get("avatar_default", "mystery"),
        avatar_rating=values.get("avatar_rating", "G"),
        rendering=rendering,
        comment_paging=comment_paging,
        tz=site_timezone(values.get("timezone_string", ""), values.get("gmt_offset", "0")),
    )
