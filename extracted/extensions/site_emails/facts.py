"""What WordPress 6.1's comment notices read, as plain values (no lookups happen while a mail is built).

``NoticeFacts`` gathers them for one comment: the comment as ``comment.posted`` carries it, its post,
the post's author, the parent comment's post (for "In reply to"), the site's options, the number of
comments awaiting moderation and who acted (``get_current_user_id()`` of the request that sent it).
``from_site`` builds them from the extensions service's ``SiteView``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["CommentFacts", "NoticeFacts", "PostFacts", "SiteFacts", "SiteReader", "UserFacts", "from_site"]


def _flag(value: str | None) -> bool:
    """PHP's truthiness of an option's string (``''`` and ``'0'`` are false)."""
    return value not in (None, "", "0")


@dataclass(frozen=True)
class SiteFacts:
    """The options the notices read (``wp_options`` as stored: ``blogname`` still HTML-escaped)."""

    blogname: str
    admin_email: str
    home: str
    siteurl: str
    moderation_notify: bool = True
    comments_notify: bool = True
    blog_charset: str = "UTF-8"
    permalink_structure: str = ""
    page_comments: bool = False
    default_comments_page: str = "newest"
    #: ``is_ssl() || FORCE_SSL_ADMIN`` where WordPress would have sent the mail: admin links in https
    admin_https: bool = False
    #: ``EMPTY_TRASH_DAYS``: 0 turns the "Trash it" link into "Delete it"
    empty_trash_days: int = 30

    def admin_url(self, path: str) -> str:
        """``admin_url( $path )``: the site URL in the admin scheme, ``/wp-admin/``, the path."""
        rest = self.siteurl.split("://", 1)[1] if "://" in self.siteurl else self.siteurl
        return f"{'https' if self.admin_https else 'http'}://{rest}/wp-admin/{path.lstrip('/')}"


@dataclass(frozen=True)
class CommentFacts:
    """A comment with the fields of the ``comment.posted`` event's data that the notices use."""

    id: int
    post: int
    parent: int
    user_id: int
    author_name: str
    author_email: str
    author_url: str
    author_ip: str
    content: str
    type: str = "comment"
    status: str = "hold"

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CommentFacts:
        return cls(
            id=int(data["id"]), post=int(data["post"]), parent=int(data.get("parent") or 0),
            user_id=int(data.get("user_id") or 0), author_name=str(data.get("author_name", "")),
            author_email=str(data.get("author_email", "")), author_url=str(data.get("author_url", "")),
            author_ip=str(data.get("author_ip", "")), content=str(data.get("content", "")),
            type=str(data.get("type") or "comment"), status=str(data.get("status", "hold")),
        )  # fmt: skip


@dataclass(frozen=True)
class PostFacts:
    id: int
    title: str
    author: int
    type: str = "post"
    status: str = "publish"
    #: ``get_permalink()``
    link: str = ""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PostFacts:
        return cls(id=int(data["id"]), title=str(data.get("title", "")), author=int(data.get("author") or 0),
                   type=str(data.get("type", "post")), status=str(data.get("status", "publish")),
                   link=str(data.get("link", "")))  # fmt: skip


@dataclass(frozen=True)
class UserFacts:
    id: int
    email: str
    #: role slugs (``wp_capabilities``); capabilities are those of WordPress's default roles
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoticeFacts:
    site: SiteFacts
    comment: CommentFacts
    #: None: the comment's post does not exist (any more)
    post: PostFacts | None
    #: the post's author; None when the post has none or the account is gone
    author: UserFacts | None
    #: comments with ``comment_approved = '0'``, this one included when it is held
    pending: int = 0
    #: whether the parent comment exists, and its post (None when that post is gone)
    parent_found: bool = False
    parent_post: PostFacts | None = None
    #: ``get_current_user_id()`` where WordPress would have sent the mail (0: nobody logged in)
    acting_user_id: int = 0
    #: the comments page the comment is on (``get_page_of_comment``), when comments are paged
    comment_page: int | None = None


class SiteReader(Protocol):
    """The part of the SDK's ``SiteView`` the notices need."""

    def option(self, name: str) -> str | None: ...

    def user(self, user_id: int) -> Mapping[str, Any] | None: ...

    def post(self, post_id: int) -> Mapping[str, Any] | None: ...

    def comment(self, comment_id: int) -> Mapping[str, Any] | None: ...

    def pending_comments(self) -> int: ...


def _site(view: SiteReader, settings: Mapping[str, Any]) -> SiteFacts:
    def text(name: str, default: str = "") -> str:
        value = view.option(name)
        return default if value is None else value

    siteurl = text("siteurl")
    admin_https = bool(settings.get("force_ssl_admin", siteurl.startswith("https://")))
    return SiteFacts(
        blogname=text("blogname"), admin_email=text("admin_email"), home=text("home"), siteurl=siteurl,
        moderation_notify=_flag(view.option("moderation_notify")),
        comments_notify=_flag(view.option("comments_notify")),
        blog_charset=text("blog_charset", "UTF-8") or "UTF-8", permalink_structure=text("permalink_structure"),
        page_comments=_flag(view.option("page_comments")),
        default_comments_page=text("default_comments_page", "newest"),
        admin_https=admin_https, empty_trash_days=int(settings.get("empty_trash_days", 30)),
    )  # fmt: skip


def from_site(
    view: SiteReader, comment: CommentFacts, settings: Mapping[str, Any], *, acting_user_id: int = 0
) -> NoticeFacts:
    """The facts of ``comment``'s notices from the site as the extensions service knows it."""
    post_data = view.post(comment.post) if comment.post else None
    post = PostFacts.from_data(post_data) if post_data else None
    user_data = view.user(post.author) if post and post.author else None
    author = (
        UserFacts(int(user_data["id"]), str(user_data.get("email") or ""), tuple(user_data.get("roles") or ()))
        if user_data
        else None
    )
    parent_data = view.comment(comment.parent) if comment.parent else None
    parent_post_data = view.post(int(parent_data["post"])) if parent_data and parent_data.get("post") else None
    return NoticeFacts(
        site=_site(view, settings), comment=comment, post=post, author=author, pending=view.pending_comments(),
        parent_found=parent_data is not None,
        parent_post=PostFacts.from_data(parent_post_data) if parent_post_data else None,
        acting_user_id=acting_user_id,
    )  # fmt: skip
