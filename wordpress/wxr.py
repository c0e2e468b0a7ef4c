"""Read WordPress eXtended RSS (WXR) exports, the format of WordPress's Tools -> Export.

Pure parsing: a file in, plain dataclasses out, read as WordPress's importer (0.8) reads it. WXR 1.0
to 1.2 are accepted whatever the scheme of their namespace (WordPress.com writes
``https://wordpress.org/export/1.2/``, self-hosted WordPress ``http://wordpress.org/export/1.2/``).
As in the importer: a file that is not well-formed XML is read again after repairs
(:mod:`wordpress.wxr_repair`, the importer falls back to its regex parser); an item's
``<category domain="tag">`` (WXR 1.0) is a ``post_tag``; an item's ``<category>`` without
``nicename`` is ignored; an export without ``<wp:author>`` entries (WXR 1.0) has the items'
``dc:creator`` as its authors.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from wordpress.wxr_repair import repair_xml


class WxrError(ValueError):
    """The file is not a WXR export we can read; the message names the file and the problem."""


@dataclass(frozen=True)
class WxrAuthor:
    login: str
    email: str
    display_name: str
    first_name: str
    last_name: str
    author_id: int | None = None


@dataclass(frozen=True)
class WxrTerm:
    """A category, tag or custom-taxonomy term declared at channel level."""

    taxonomy: str
    slug: str
    name: str
    parent_slug: str
    description: str
    term_id: int | None = None
    meta: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class WxrItemTerm:
    """A term attached to an item (``<category domain="post_tag" nicename="...">``)."""

    taxonomy: str
    slug: str
    name: str


@dataclass(frozen=True)
class WxrComment:
    comment_id: int
    author: str
    author_email: str
    author_url: str
    author_ip: str
    date: str
    date_gmt: str
    content: str
    approved: str
    comment_type: str
    parent: int
    user_id: int
    meta: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class WxrPost:
    """One ``<item>``: a post, page, attachment, menu item or any other post type."""

    post_id: int
    title: str
    link: str
    creator: str
    content: str
    excerpt: str
    date: str
    date_gmt: str
    modified: str
    modified_gmt: str
    comment_status: str
    ping_status: str
    name: str
    status: str
    parent: int
    menu_order: int
    post_type: str
    password: str
    is_sticky: bool
    attachment_url: str
    guid: str
    terms: tuple[WxrItemTerm, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()
    comments: tuple[WxrComment, ...] = ()


@dataclass(frozen=True)
class WxrExport:
    path: Path
    title: str
    link: str
    description: str
    base_site_url: str
    base_blog_url: str
    authors: tuple[WxrAuthor, ...] = ()
    terms: tuple[WxrTerm, ...] = ()
    posts: tuple[WxrPost, ...] = field(default=())
    wxr_version: str = ""
    # True when the file lists no <wp:author> and the authors are the items' dc:creator (WXR 1.0).
    authors_from_creators: bool = False
    # What was repaired before the file would parse (see wordpress.wxr_repair); empty when nothing was.
    repairs: tuple[str, ...] = ()

    def of_type(self, *post_types: str) -> list[WxrPost]:
        return [post for post in self.posts if post.post_type in post_types]

    def author_of(self, post: WxrPost) -> WxrAuthor | None:
        """The author whose login is the post's creator, ignoring case as WordPress's user table does."""
        creator = post.creator.casefold()
        return next((author for author in self.authors if author.login.casefold() == creator), None)


def _prefix_of(namespace: str) -> str:
    # The excerpt namespace lies under the export one (http://wordpress.org/export/1.2/excerpt/).
    if "/excerpt/" in namespace:
        return "excerpt"
    if "wordpress.org/export" in namespace:
        return "wp"
    if "purl.org/rss/1.0/modules/content" in namespace:
        return "content"
    if "purl.org/dc/elements" in namespace:
        return "dc"
    if "wellformedweb.org" in namespace:
        return "wfw"
    return namespace


def _short_name(tag: str) -> str:
    """``{https://wordpress.org/export/1.2/}post_id`` -> ``wp:post_id``."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return f"{_prefix_of(namespace)}:{local}"
    return tag


class _Element:
    """An element whose children are looked up by short prefixed names."""

    def __init__(self, element: ET.Element) -> None:
        self.element = element
        self.children: dict[str, list[ET.Element]] = {}
        for child in element:
            self.children.setdefault(_short_name(child.tag), []).append(child)

    def text(self, name: str, default: str = "") -> str:
        found = self.children.get(name)
        if not found:
            return default
        return found[0].text or ""

    def integer(self, name: str, default: int = 0) -> int:
        raw = self.text(name).strip()
        return int(raw) if raw.lstrip("-").isdigit() else default

    def all(self, name: str) -> list[_Element]:
        return [_Element(child) for child in self.children.get(name, [])]

    def meta(self, element_name: str) -> tuple[tuple[str, str], ...]:
        return tuple((meta.text("wp:meta_key"), meta.text("wp:meta_value")) for meta in self.all(element_name))


def _author(element: _Element) -> WxrAuthor:
    author_id = element.integer("wp:author_id", -1)
    return WxrAuthor(
        login=element.text("wp:author_login").strip(),
        email=element.text("wp:author_email").strip(),
        display_name=element.text("wp:author_display_name"),
        first_name=element.text("wp:author_first_name"),
        last_name=element.text("wp:author_last_name"),
        author_id=None if author_id < 0 else author_id,
    )


def _channel_terms(channel: _Element) -> list[WxrTerm]:
    terms: list[WxrTerm] = []
    for category in channel.all("wp:category"):
        terms.append(
            WxrTerm(
                taxonomy="category",
                slug=category.text("wp:category_nicename").strip(),
                name=category.text("wp:cat_name"),
                parent_slug=category.text("wp:category_parent").strip(),
                description=category.text("wp:category_description"),
                term_id=category.integer("wp:term_id") or None,
                meta=category.meta("wp:termmeta"),
            )
        )
    for tag in channel.all("wp:tag"):
        terms.append(
            WxrTerm(
                taxonomy="post_tag",
                slug=tag.text("wp:tag_slug").strip(),
                name=tag.text("wp:tag_name"),
                parent_slug="",
                description=tag.text("wp:tag_description"),
                term_id=tag.integer("wp:term_id") or None,
                meta=tag.meta("wp:termmeta"),
            )
        )
    for term in channel.all("wp:term"):
        terms.append(
            WxrTerm(
                taxonomy=term.text("wp:term_taxonomy").strip(),
                slug=term.text("wp:term_slug").strip(),
                name=term.text("wp:term_name"),
                parent_slug=term.text("wp:term_parent").strip(),
                description=term.text("wp:term_description"),
                term_id=term.integer("wp:term_id") or None,
                meta=term.meta("wp:termmeta"),
            )
        )
    return terms


def _comment(element: _Element) -> WxrComment:
    return WxrComment(
        comment_id=element.integer("wp:comment_id"),
        author=element.text("wp:comment_author"),
        author_email=element.text("wp:comment_author_email"),
        author_url=element.text("wp:comment_author_url"),
        author_ip=element.text("wp:comment_author_IP"),
        date=element.text("wp:comment_date"),
        date_gmt=element.text("wp:comment_date_gmt"),
        content=element.text("wp:comment_content"),
        approved=element.text("wp:comment_approved", "1"),
        comment_type=element.text("wp:comment_type"),
        parent=element.integer("wp:comment_parent"),
        user_id=element.integer("wp:comment_user_id"),
        meta=element.meta("wp:commentmeta"),
    )


def _item_taxonomy(domain: str) -> str:
    # WXR 1.0 writes tags as domain="tag"; the importer maps it for backward compatibility.
    return "post_tag" if domain == "tag" else domain


def _post(item: _Element) -> WxrPost:
    terms = tuple(
        WxrItemTerm(
            taxonomy=_item_taxonomy(category.get("domain", "category")),
            slug=category.get("nicename", ""),
            name=category.text or "",
        )
        for category in item.children.get("category", [])
        if category.get("nicename")
    )
    return WxrPost(
        post_id=item.integer("wp:post_id"),
        title=item.text("title"),
        link=item.text("link"),
        creator=item.text("dc:creator").strip(),
        content=item.text("content:encoded"),
        excerpt=item.text("excerpt:encoded"),
        date=item.text("wp:post_date"),
        date_gmt=item.text("wp:post_date_gmt"),
        modified=item.text("wp:post_modified"),
        modified_gmt=item.text("wp:post_modified_gmt"),
        comment_status=item.text("wp:comment_status", "open"),
        ping_status=item.text("wp:ping_status", "open"),
        name=item.text("wp:post_name").strip(),
        status=item.text("wp:status", "publish").strip(),
        parent=item.integer("wp:post_parent"),
        menu_order=item.integer("wp:menu_order"),
        post_type=item.text("wp:post_type", "post").strip(),
        password=item.text("wp:post_password"),
        is_sticky=item.text("wp:is_sticky").strip() == "1",
        attachment_url=item.text("wp:attachment_url").strip(),
        guid=item.text("guid"),
        terms=terms,
        meta=item.meta("wp:postmeta"),
        comments=tuple(_comment(comment) for comment in item.all("wp:comment")),
    )


def _authors_from_creators(posts: tuple[WxrPost, ...]) -> tuple[WxrAuthor, ...]:
    """WXR 1.0 has no author list: one author per distinct creator, as the importer derives them.

    The importer makes the login ``sanitize_user(creator, true)``; that is WordPress's to apply (the
    import does), so the login here is the creator as written, the first spelling of each.
    """
    authors: dict[str, WxrAuthor] = {}
    for post in posts:
        key = post.creator.casefold()
        if post.creator and key not in authors:
            authors[key] = WxrAuthor(
                login=post.creator, email="", display_name=post.creator, first_name="", last_name=""
            )
    return tuple(authors.values())


def _parse_root(data: bytes, source: Path) -> tuple[ET.Element, tuple[str, ...]]:
    """The document's root: a strict parse, else a parse of the repaired text (and what was repaired)."""
    try:
        return ET.fromstring(data), ()
    except ET.ParseError as strict_error:
        repaired = repair_xml(data)
        if not repaired.repairs:
            raise WxrError(f"{source}: cannot read as a WXR export: {strict_error}") from strict_error
        try:
            return ET.fromstring(repaired.data), repaired.repairs
        except ET.ParseError as error:
            raise WxrError(
                f"{source}: cannot read as a WXR export: {strict_error}; "
                f"still not XML after repairs ({'; '.join(repaired.repairs)}): {error}"
            ) from error


def parse_wxr(data: bytes | str, source: str | Path = "<memory>") -> WxrExport:
    """Parse WXR text (``source`` names it in errors); raise :class:`WxrError` when it is not WXR."""
    source = Path(source)
    root, repairs = _parse_root(data.encode("utf-8") if isinstance(data, str) else data, source)
    channel_element = root.find("channel")
    if root.tag != "rss" or channel_element is None:
        raise WxrError(f"{source}: not a WXR export (expected <rss><channel>, found <{root.tag}>)")
    channel = _Element(channel_element)
    if "wp:wxr_version" not in channel.children:
        raise WxrError(f"{source}: not a WXR export (no <wp:wxr_version> in the channel)")
    posts = tuple(_post(item) for item in channel.all("item"))
    authors = tuple(_author(author) for author in channel.all("wp:author"))
    return WxrExport(
        path=source,
        title=channel.text("title"),
        link=channel.text("link"),
        description=channel.text("description"),
        base_site_url=channel.text("wp:base_site_url"),
        base_blog_url=channel.text("wp:base_blog_url"),
        authors=authors or _authors_from_creators(posts),
        terms=tuple(_channel_terms(channel)),
        posts=posts,
        wxr_version=channel.text("wp:wxr_version").strip(),
        authors_from_creators=not authors,
        repairs=repairs,
    )


def read_wxr(path: str | Path) -> WxrExport:
    """Parse a WXR file; raise :class:`WxrError` naming the file when it is not one."""
    source = Path(path)
    try:
        data = source.read_bytes()
    except OSError as error:
        raise WxrError(f"{source}: cannot read as a WXR export: {error}") from error
    return parse_wxr(data, source)
