"""The deterministic demo site: the same authors, terms, posts, pages and comments on every run.

It exercises what a migration must carry: several authors (one with nothing published), nested
categories, tags, sticky, draft, private, password-protected, scheduled and trashed posts, post
formats, block and classic content, a page hierarchy, and approved, pending and spam comments.
Built as a :class:`~wordpress.wxr.WxrExport`, so it goes through the same importer as a user's export.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from wordpress.wxr import WxrAuthor, WxrComment, WxrExport, WxrItemTerm, WxrPost, WxrTerm

DEMO_URL = "https://demo.wp-strangler.test"

AUTHORS = (
    WxrAuthor("alice", "alice@example.test", "Alice Archer", "Alice", "Archer", 101),
    WxrAuthor("bruno", "bruno@example.test", "Bruno Díaz", "Bruno", "Díaz", 102),
    WxrAuthor("chen", "chen@example.test", "Chen Wei", "Chen", "Wei", 103),
    # Has only a draft: an author with no published posts.
    WxrAuthor("dana", "dana@example.test", "Dana Quiet", "Dana", "Quiet", 104),
)

TERMS = (
    WxrTerm("category", "news", "News", "", "Announcements and releases."),
    WxrTerm("category", "releases", "Releases", "news", "Release notes, one per version."),
    WxrTerm("category", "tutorials", "Tutorials", "", "Step-by-step guides."),
    WxrTerm("category", "python", "Python", "tutorials", ""),
    WxrTerm("category", "advanced-python", "Advanced Python", "python", "Deep dives & internals."),
    WxrTerm("category", "empty-category", "Empty Category", "", "No post uses it."),
    WxrTerm("post_tag", "python", "python", "", ""),
    WxrTerm("post_tag", "wordpress", "WordPress", "", "All about WordPress."),
    WxrTerm("post_tag", "migration", "migration", "", ""),
    WxrTerm("post_tag", "kafka", "Kafka", "", ""),
    WxrTerm("post_tag", "cdc", "change data capture", "", ""),
    WxrTerm("post_tag", "unused-tag", "unused tag", "", ""),
)

BLOCK_CONTENT = """<!-- wp:paragraph -->
<p>This post is written with <strong>blocks</strong>: "quotes", dashes -- and ellipses...</p>
<!-- /wp:paragraph -->

<!-- wp:heading -->
<h2>A heading</h2>
<!-- /wp:heading -->

<!-- wp:list -->
<ul><li>first</li><li>second</li></ul>
<!-- /wp:list -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><p>Strangle the monolith, one route at a time.</p></blockquote>
<!-- /wp:quote -->"""

CAPTION = (
    '[caption id="" align="alignnone" width="300"]'
    '<img src="https://example.test/a.jpg" alt="A" width="300" height="200" /> A caption[/caption]'
)

CLASSIC_CONTENT = f"""A classic-editor post with "smart quotes", it's -- and 1990's style :) smilies.

Second paragraph with a <a href="https://example.test/">link</a> and a line
break inside it.

<!--more-->

After the more tag: {CAPTION}

Wordpress is spelled WordPress."""


def _category(slug: str) -> WxrItemTerm:
    term = next(term for term in TERMS if term.taxonomy == "category" and term.slug == slug)
    return WxrItemTerm("category", slug, term.name)


def _tag(slug: str) -> WxrItemTerm:
    term = next(term for term in TERMS if term.taxonomy == "post_tag" and term.slug == slug)
    return WxrItemTerm("post_tag", slug, term.name)


def _format(name: str) -> WxrItemTerm:
    return WxrItemTerm("post_format", f"post-format-{name}", name.capitalize())


def _item(
    number: int,
    title: str,
    date: str,
    *,
    post_type: str = "post",
    content: str = "",
    author: str = "alice",
    status: str = "publish",
    **fields: object,
) -> WxrPost:
    """A post or page with deterministic identity (its GUID) and sensible defaults."""
    post = WxrPost(
        post_id=0,
        title=title,
        link="",
        creator=author,
        content=content or f"Content of “{title}”.\n\nA second paragraph for {title}.",
        excerpt="",
        date=date,
        date_gmt=date if status not in {"draft", "pending"} else "0000-00-00 00:00:00",
        modified=date,
        modified_gmt=date,
        comment_status="open",
        ping_status="open",
        name=str(fields.pop("name", "")),
        status=status,
        parent=0,
        menu_order=0,
        post_type=post_type,
        password="",
        is_sticky=False,
        attachment_url="",
        guid=f"{DEMO_URL}/?{'page_id' if post_type == 'page' else 'p'}={number}",
    )
    return replace(post, post_id=number, **fields)  # type: ignore[arg-type]


def _comment(number: int, author: str, content: str, date: str, *, approved: str = "1", parent: int = 0) -> WxrComment:
    return WxrComment(
        comment_id=number,
        author=author,
        author_email=f"{author.lower().replace(' ', '.')}@example.test",
        author_url="",
        author_ip="127.0.0.1",
        date=date,
        date_gmt=date,
        content=content,
        approved=approved,
        comment_type="comment",
        parent=parent,
        user_id=0,
    )


def _posts() -> list[WxrPost]:
    tags_cycle = [("python", "migration"), ("wordpress",), ("kafka", "cdc"), ("migration", "wordpress"), ()]
    authors_cycle = ["alice", "bruno", "chen"]
    categories_cycle = ["news", "releases", "tutorials", "python", "advanced-python"]
    posts = [
        _item(
            9000 + number,
            f"Weekly notes #{number}",
            f"2024-{1 + number % 12:02d}-{1 + number:02d} 09:{number:02d}:00",
            author=authors_cycle[number % 3],
            terms=(_category(categories_cycle[number % 5]), *(_tag(tag) for tag in tags_cycle[number % 5])),
        )
        for number in range(1, 25)
    ]
    posts += [
        _item(9101, "Welcome to the demo (sticky)", "2024-12-30 08:00:00", is_sticky=True, terms=(_category("news"),)),
        _item(9102, "Written with blocks", "2024-12-29 10:00:00", content=BLOCK_CONTENT, author="bruno",
              terms=(_category("tutorials"), _tag("wordpress"))),
        _item(9103, "Written in the classic editor", "2024-12-28 11:00:00", content=CLASSIC_CONTENT, author="chen",
              excerpt="A hand-written excerpt.", terms=(_category("tutorials"),)),
        _item(9104, "A draft nobody sees", "2024-12-27 12:00:00", status="draft", author="dana"),
        _item(9105, "Private thoughts", "2024-12-26 12:00:00", status="private"),
        _item(9106, "Protected by a password", "2024-12-25 12:00:00", password="open-sesame",
              terms=(_category("news"), _tag("python"))),
        _item(9107, "Scheduled for the future", "2030-01-01 09:00:00", status="future", author="bruno"),
        _item(9108, "Thrown away", "2024-12-24 12:00:00", status="trash", name="thrown-away"),
        _item(9109, "An aside", "2024-11-30 12:00:00", terms=(_format("aside"),)),
        _item(9110, "A gallery", "2024-11-29 12:00:00", terms=(_format("gallery"), _category("news"))),
        _item(9111, "A quote", "2024-11-28 12:00:00", terms=(_format("quote"),),
              content="<blockquote>Make it work, make it right, make it fast.</blockquote>"),
        _item(9112, "A link", "2024-11-27 12:00:00", content='<a href="https://wordpress.org/">WordPress</a>',
              terms=(_format("link"),)),
        _item(9113, "A status update", "2024-11-26 12:00:00", terms=(_format("status"),), author="chen"),
        _item(9114, "Ünïcödé & <em>markup</em> in a title", "2024-11-25 12:00:00", author="bruno"),
        _item(9115, "Comments galore", "2024-11-24 12:00:00", terms=(_category("news"), _tag("wordpress")),
              comments=(
                  _comment(1, "Visitor One", "First! Great post.", "2024-11-24 13:00:00"),
                  _comment(2, "Visitor Two", "A reply to the first comment.", "2024-11-24 14:00:00", parent=1),
                  _comment(3, "Waiting Room", "This one waits for moderation.", "2024-11-24 15:00:00", approved="0"),
                  _comment(4, "Spammer", "Buy cheap things at example.test", "2024-11-24 16:00:00", approved="spam"),
                  _comment(5, "Visitor Three", "Nice to see <strong>HTML</strong> kept.", "2024-11-24 17:00:00"),
              )),
    ]  # fmt: skip
    pages = [
        _item(9201, "About", "2024-01-01 10:00:00", post_type="page", menu_order=1),
        _item(9202, "Team", "2024-01-02 10:00:00", post_type="page", parent=9201),
        _item(9203, "History", "2024-01-03 10:00:00", post_type="page", parent=9202),
        _item(9204, "Contact", "2024-01-04 10:00:00", post_type="page", menu_order=2),
        _item(9205, "Internal page", "2024-01-05 10:00:00", post_type="page", status="private"),
        _item(9206, "Page in progress", "2024-01-06 10:00:00", post_type="page", status="draft"),
        _item(9207, "Members only", "2024-01-07 10:00:00", post_type="page", password="members"),
    ]
    return posts + pages


def demo_export() -> WxrExport:
    return WxrExport(
        path=Path("<demo>"),
        title="wp-strangler demo",
        link=DEMO_URL,
        description="A deterministic demo site",
        base_site_url=DEMO_URL,
        base_blog_url=DEMO_URL,
        authors=AUTHORS,
        terms=TERMS,
        posts=tuple(_posts()),
    )
