"""WordPress 6.1's Atom feed document (``wp-includes/feed-atom.php``) as text, pure.

Its items are the RSS feed's (``feed_items``: the same loop, excerpt then content), placed as the Atom
template places them; the whitespace is the template's (PHP drops the newline after each ``?>``).
"""

from __future__ import annotations

from collections.abc import Iterable

from extracted.formatting.kses_php import esc_html

from .feed_xml import FeedChannel, FeedItem

__all__ = ["ATOM_TYPE", "atom_document", "atom_entry"]

ATOM_TYPE = "application/atom+xml"
#: ``the_generator('atom')``
GENERATOR = '<generator uri="https://wordpress.org/" version="6.1.9">WordPress</generator>'


def atom_entry(item: FeedItem, scheme: str, *, excerpt_only: bool) -> str:
    """One ``<entry>``; ``scheme`` is ``esc_attr(get_bloginfo_rss('url'))``."""
    parts = ["\t<entry>\n\t\t<author>\n", f"\t\t\t<name>{item.author}</name>\n\t\t\t"]
    if item.author_url:
        parts.append(f"\t\t\t\t<uri>{item.author_url}</uri>\n\t\t\t\t")
    parts.append("\t\t</author>\n\n")
    parts.append(f'\t\t<title type="html"><![CDATA[{item.title}]]></title>\n')
    parts.append(f'\t\t<link rel="alternate" type="text/html" href="{item.link}" />\n\n')
    parts.append(f"\t\t<id>{item.guid}</id>\n")
    parts.append(f"\t\t<updated>{item.updated}</updated>\n\t\t<published>{item.published_utc}</published>\n")
    categories = "".join(f'<category scheme="{scheme}" term="{esc_html(name)}" />' for name in item.atom_categories)
    parts.append(f"\t\t{categories}\n")
    parts.append(f'\t\t<summary type="html"><![CDATA[{item.excerpt}]]></summary>\n\n\t\t')
    if not excerpt_only:
        content = f'<content type="html" xml:base="{item.link}"><![CDATA[{item.content}]]></content>'
        parts.append(f"\t\t\t{content}\n\t\t")
    parts.append("\n\t\t")
    if item.comments_link is not None:
        count = item.comment_count
        parts.append(f'\t\t\t<link rel="replies" type="text/html" href="{item.link}#comments" thr:count="{count}" />\n')
        parts.append(
            f'\t\t\t<link rel="replies" type="{ATOM_TYPE}" href="{item.atom_comments_feed}" thr:count="{count}" />\n'
        )
        parts.append(f"\t\t\t<thr:total>{count}</thr:total>\n\t\t")
    parts.append("\t</entry>\n\t")
    return "".join(parts)


def atom_document(channel: FeedChannel, atom_url: str, items: Iterable[FeedItem], *, excerpt_only: bool) -> bytes:
    """The feed; ``channel.build_date`` as ``Y-m-d\\TH:i:s\\Z``, ``atom_url`` is ``bloginfo('atom_url')``."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?><feed\n'
        '\txmlns="http://www.w3.org/2005/Atom"\n'
        '\txmlns:thr="http://purl.org/syndication/thread/1.0"\n'
        f'\txml:lang="{channel.language}"\n\t>\n'
        f'\t<title type="text">{channel.title}</title>\n'
        f'\t<subtitle type="text">{channel.description}</subtitle>\n\n'
        f"\t<updated>{channel.build_date}</updated>\n\n"
        f'\t<link rel="alternate" type="text/html" href="{channel.link}" />\n'
        f"\t<id>{atom_url}</id>\n"
        f'\t<link rel="self" type="{ATOM_TYPE}" href="{channel.self_link}" />\n\n'
        f"\t{GENERATOR}\n"
    )
    scheme = esc_html(channel.link)
    body = "".join(atom_entry(item, scheme, excerpt_only=excerpt_only) for item in items)
    return (head + body + "</feed>\n").encode()
