"""WordPress 6.1's RSS 2.0 feed document (``wp-includes/feed-rss2.php``) as text, pure.

The whitespace is the template's: PHP drops the newline right after each ``?>``, so every conditional
leaves its indentation behind. Values come already filtered (see ``feeds``): the template only places them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["GENERATOR", "RSS2_TYPE", "FeedChannel", "FeedItem", "rss2_document", "rss2_item"]

#: ``the_generator('rss2')``
GENERATOR = "https://wordpress.org/?v=6.1.9"
RSS2_TYPE = "application/rss+xml"
_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
    '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
    '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
    '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
    '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
    '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
    '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n'
    "\t>\n\n<channel>\n"
)


@dataclass(frozen=True)
class FeedChannel:
    title: str  # wp_title_rss()
    self_link: str  # self_link(), escaped
    link: str  # bloginfo_rss('url')
    description: str  # bloginfo_rss('description')
    build_date: str  # get_feed_build_date('r')
    language: str  # bloginfo_rss('language')


@dataclass(frozen=True)
class FeedItem:
    title: str  # the_title_rss()
    link: str  # the_permalink_rss()
    author: str  # the_author()
    published: str  # pubDate
    categories: tuple[str, ...]  # the_category_rss('rss2')'s names, decoded and unique
    guid: str  # the_guid()
    excerpt: str  # the_excerpt_rss()
    content: str  # get_the_content_feed()
    comments_link: str | None  # comments_link_feed(), when the item has comments or takes them
    comments_feed: str  # esc_url(get_post_comments_feed_link())
    comment_count: int
    enclosures: str = ""  # rss_enclosure()
    # what the Atom feed shows besides
    author_url: str = ""  # get_the_author_meta('url')
    updated: str = ""  # get_post_modified_time('Y-m-d\TH:i:s\Z', true)
    published_utc: str = ""  # get_post_time('Y-m-d\TH:i:s\Z', true)
    atom_categories: tuple[str, ...] = ()  # the names as the_category_rss('atom') takes them (raw, unique)
    atom_comments_feed: str = ""  # esc_url(get_post_comments_feed_link(0, 'atom'))


def rss2_item(item: FeedItem, *, excerpt_only: bool) -> str:
    """One ``<item>`` with the whitespace the loop leaves around it."""
    comments = item.comments_link is not None
    parts = ["\t<item>\n", f"\t\t<title>{item.title}</title>\n", f"\t\t<link>{item.link}</link>\n", "\t\t"]
    if comments:
        parts.append(f"\t\t\t<comments>{item.comments_link}</comments>\n\t\t")
    parts.append("\n")
    parts.append(f"\t\t<dc:creator><![CDATA[{item.author}]]></dc:creator>\n")
    parts.append(f"\t\t<pubDate>{item.published}</pubDate>\n")
    parts.append("\t\t" + "".join(f"\t\t<category><![CDATA[{name}]]></category>\n" for name in item.categories))
    parts.append(f'\t\t<guid isPermaLink="false">{item.guid}</guid>\n\n\t\t')
    description = f"\t\t\t<description><![CDATA[{item.excerpt}]]></description>\n"
    if excerpt_only:
        parts.append(description + "\t\t")
    else:
        content = item.content or item.excerpt  # the template falls back to the excerpt
        encoded = f"\t\t\t\t<content:encoded><![CDATA[{content}]]></content:encoded>\n\t\t\t"
        parts.append(description + "\t\t\t\t\t\t" + encoded + "\t\t")
    parts.append("\n\t\t")
    if comments:
        parts.append(f"\t\t\t<wfw:commentRss>{item.comments_feed}</wfw:commentRss>\n")
        parts.append(f"\t\t\t<slash:comments>{item.comment_count}</slash:comments>\n\t\t")
    parts.append(f"\n\t\t{item.enclosures}\n\t\t\t</item>\n\t")
    return "".join(parts)


def rss2_document(channel: FeedChannel, items: Iterable[FeedItem], *, excerpt_only: bool) -> bytes:
    """The feed (``excerpt_only``: the ``rss_use_excerpt`` option, no ``content:encoded``)."""
    head = (
        f"{_HEAD}\t<title>{channel.title}</title>\n"
        f'\t<atom:link href="{channel.self_link}" rel="self" type="{RSS2_TYPE}" />\n'
        f"\t<link>{channel.link}</link>\n"
        f"\t<description>{channel.description}</description>\n"
        f"\t<lastBuildDate>{channel.build_date}</lastBuildDate>\n"
        f"\t<language>{channel.language}</language>\n"
        "\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n"
        "\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n"
        f"\t<generator>{GENERATOR}</generator>\n"
    )
    body = "".join(rss2_item(item, excerpt_only=excerpt_only) for item in items)
    return (head + body + "</channel>\n</rss>\n").encode()
