"""Write a :class:`~wordpress.wxr.WxrExport` as WordPress's exporters did (``wp-admin/includes/export.php``),
in any of the versions :func:`wordpress.wxr.read_wxr` reads, so that old exports can be made on demand:

- ``1.2``: WordPress 3.4 and later, as 6.1 writes it (``wp:post_modified`` came with 5.7, term meta
  with 4.6, comment meta with 4.0; all are written);
- ``1.1``: WordPress 3.1 to 3.3: the author list and term ids, but no modified dates, term or comment meta;
- ``1.0``: WordPress 3.0 and before: no author list (an importer takes the items' ``dc:creator``), no
  term ids, and a post's tags as ``<category domain="tag">``.

Text goes in CDATA sections as ``wxr_cdata`` writes it (``]]>`` split across two sections).
:func:`as_carried_by` is the export reduced to what a version holds: what reading the file gives back.
"""

from __future__ import annotations

from dataclasses import replace
from xml.sax.saxutils import escape, quoteattr

from wordpress.wxr import WxrAuthor, WxrComment, WxrExport, WxrPost, WxrTerm

__all__ = ["WXR_VERSIONS", "as_carried_by", "to_wxr_xml"]

WXR_VERSIONS = ("1.0", "1.1", "1.2")


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _element(name: str, text: str | int, *, cdata: bool = True) -> str:
    value = str(text)
    return f"<{name}>{_cdata(value) if cdata and not isinstance(text, int) else escape(value)}</{name}>"


def _meta(element: str, pairs: tuple[tuple[str, str], ...]) -> list[str]:
    return [
        f"<{element}>{_element('wp:meta_key', key)}{_element('wp:meta_value', value)}</{element}>"
        for key, value in pairs
    ]


def _author(author: WxrAuthor) -> str:
    fields = [] if author.author_id is None else [_element("wp:author_id", author.author_id)]
    fields += [
        _element("wp:author_login", author.login),
        _element("wp:author_email", author.email),
        _element("wp:author_display_name", author.display_name),
        _element("wp:author_first_name", author.first_name),
        _element("wp:author_last_name", author.last_name),
    ]
    return "\t<wp:author>" + "".join(fields) + "</wp:author>"


def _term(term: WxrTerm, version: str) -> str:
    fields = [] if term.term_id is None or version == "1.0" else [_element("wp:term_id", term.term_id)]
    if term.taxonomy == "category":
        element = "wp:category"
        fields += [
            _element("wp:category_nicename", term.slug),
            _element("wp:category_parent", term.parent_slug),
            _element("wp:cat_name", term.name),
            _element("wp:category_description", term.description),
        ]
    elif term.taxonomy == "post_tag":
        element = "wp:tag"
        fields += [
            _element("wp:tag_slug", term.slug),
            _element("wp:tag_name", term.name),
            _element("wp:tag_description", term.description),
        ]
    else:
        element = "wp:term"
        fields += [
            _element("wp:term_taxonomy", term.taxonomy),
            _element("wp:term_slug", term.slug),
            _element("wp:term_parent", term.parent_slug),
            _element("wp:term_name", term.name),
            _element("wp:term_description", term.description),
        ]
    if version == "1.2":
        fields += _meta("wp:termmeta", term.meta)
    return f"\t<{element}>" + "".join(fields) + f"</{element}>"


def _comment(comment: WxrComment, version: str) -> str:
    fields = [
        _element("wp:comment_id", comment.comment_id),
        _element("wp:comment_author", comment.author),
        _element("wp:comment_author_email", comment.author_email),
        _element("wp:comment_author_url", comment.author_url, cdata=False),
        _element("wp:comment_author_IP", comment.author_ip),
        _element("wp:comment_date", comment.date),
        _element("wp:comment_date_gmt", comment.date_gmt),
        _element("wp:comment_content", comment.content),
        _element("wp:comment_approved", comment.approved),
        _element("wp:comment_type", comment.comment_type),
        _element("wp:comment_parent", comment.parent),
        _element("wp:comment_user_id", comment.user_id),
    ]
    if version == "1.2":
        fields += _meta("wp:commentmeta", comment.meta)
    return "\t\t<wp:comment>" + "\n\t\t\t".join(fields) + "</wp:comment>"


def _item(post: WxrPost, version: str) -> str:
    fields = [
        _element("title", post.title),
        _element("link", post.link, cdata=False),
        _element("dc:creator", post.creator),
        f'<guid isPermaLink="false">{escape(post.guid)}</guid>',
        "<description></description>",
        _element("content:encoded", post.content),
        _element("excerpt:encoded", post.excerpt),
        _element("wp:post_id", post.post_id),
        _element("wp:post_date", post.date),
        _element("wp:post_date_gmt", post.date_gmt),
    ]
    if version == "1.2":
        fields += [_element("wp:post_modified", post.modified), _element("wp:post_modified_gmt", post.modified_gmt)]
    fields += [
        _element("wp:comment_status", post.comment_status),
        _element("wp:ping_status", post.ping_status),
        _element("wp:post_name", post.name),
        _element("wp:status", post.status),
        _element("wp:post_parent", post.parent),
        _element("wp:menu_order", post.menu_order),
        _element("wp:post_type", post.post_type),
        _element("wp:post_password", post.password),
        _element("wp:is_sticky", int(post.is_sticky)),
    ]
    if post.attachment_url:
        fields.append(_element("wp:attachment_url", post.attachment_url))
    for term in post.terms:
        domain = "tag" if version == "1.0" and term.taxonomy == "post_tag" else term.taxonomy
        fields.append(
            f"<category domain={quoteattr(domain)} nicename={quoteattr(term.slug)}>{_cdata(term.name)}</category>"
        )
    fields += _meta("wp:postmeta", post.meta)
    fields += [_comment(comment, version) for comment in post.comments]
    return "\t<item>\n\t\t" + "\n\t\t".join(fields) + "\n\t</item>"


def _exporter_order(terms: tuple[WxrTerm, ...]) -> tuple[WxrTerm, ...]:
    """Categories, then tags, then the other taxonomies' terms, as the exporter writes them."""
    rank = {"category": 0, "post_tag": 1}
    return tuple(sorted(terms, key=lambda term: rank.get(term.taxonomy, 2)))


def to_wxr_xml(export: WxrExport, version: str = "1.2") -> str:
    """The export as a WXR document of ``version`` (one of :data:`WXR_VERSIONS`)."""
    if version not in WXR_VERSIONS:
        raise ValueError(f"WXR version {version!r} is not one of {', '.join(WXR_VERSIONS)}")
    namespace = f"http://wordpress.org/export/{version}/"
    lines = [
        '<?xml version="1.0" encoding="UTF-8" ?>',
        "<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->",
        '<rss version="2.0"',
        f'\txmlns:excerpt="{namespace}excerpt/"',
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"',
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"',
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"',
        f'\txmlns:wp="{namespace}"',
        ">",
        "<channel>",
        "\t" + _element("title", export.title, cdata=False),
        "\t" + _element("link", export.link, cdata=False),
        "\t" + _element("description", export.description, cdata=False),
        f"\t<wp:wxr_version>{version}</wp:wxr_version>",
        "\t" + _element("wp:base_site_url", export.base_site_url, cdata=False),
        "\t" + _element("wp:base_blog_url", export.base_blog_url, cdata=False),
    ]
    if version != "1.0":
        lines += [_author(author) for author in export.authors]
    lines += [_term(term, version) for term in _exporter_order(export.terms)]
    lines += [_item(post, version) for post in export.posts]
    lines += ["</channel>", "</rss>", ""]
    return "\n".join(lines)


def as_carried_by(export: WxrExport, version: str) -> WxrExport:
    """``export`` as a ``version`` file holds it (see the module's docstring), terms in the exporter's
    order; for 1.0 its author list is empty, as the file's is (a reader makes one of the creators)."""
    if version == "1.2":
        return replace(export, terms=_exporter_order(export.terms), wxr_version=version)
    terms = tuple(
        replace(term, meta=(), term_id=None if version == "1.0" else term.term_id)
        for term in _exporter_order(export.terms)
    )
    posts = tuple(
        replace(
            post,
            modified="",
            modified_gmt="",
            comments=tuple(replace(comment, meta=()) for comment in post.comments),
        )
        for post in export.posts
    )
    authors = () if version == "1.0" else export.authors
    return replace(export, authors=authors, terms=terms, posts=posts, wxr_version=version)
