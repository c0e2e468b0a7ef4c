"""The vocabulary of :mod:`wordpress.realworld`: ids, words, content snippets, the authors and terms
every generated site has, and PHP's ``serialize()`` for the meta plugins leave behind."""

from __future__ import annotations

import random

from extracted.formatting.phpdata import php_serialize
from wordpress.wxr import WxrAuthor, WxrTerm

SITE_URL = "https://legacy.example.test"
# Clear of a fresh install's posts (1-3) and of the demo site's (9001-9207, comments 1-5).
FIRST_POST_ID = 30_000
FIRST_COMMENT_ID = 60_000
FIRST_AUTHOR_ID = 200
MISSING_USER_ID = 9_999
LONG_CONTENT_BYTES = 200_000
CUSTOM_POST_TYPE = "portfolio_item"
CUSTOM_TAXONOMY = "portfolio_genre"
UNKNOWN_STATUS = "archived"
UNKNOWN_FORMAT = "post-format-diary"
GHOST_CREATOR = "ghost-writer"
UNUSABLE_LOGIN = "日本語"  # sanitize_user(..., strict) leaves nothing of it
SHARED_EMAIL = "office@legacy.example.test"

WORDS = ("legacy", "migration", "plugin", "theme", "coffee", "garden", "release", "notes", "weekly", "python",
         "kafka", "café", "crème", "über", "naïve", "archive", "draft", "gallery", "review", "update")  # fmt: skip
SPECIAL_TITLES = ("Hello world!", "Ünïcödé & <em>markup</em> in a title", "2019", "日本語のタイトル", "", "Café crème",
                  "Quotes \"double\" and 'single' -- dashes...", "A" * 120 + " very long title")  # fmt: skip
UNINSTALLED_SHORTCODES = ('[contact-form-7 id="1" title="Contact form 1"]', '[foo bar="baz"]', "[foo]enclosed[/foo]",
                          "[vc_row][vc_column]Page builder leftovers[/vc_column][/vc_row]", "[[foo]] escaped",
                          "[foo unclosed")  # fmt: skip
UNKNOWN_BLOCKS = (
    '<!-- wp:acme/pricing-table {"plan":"pro"} /-->',
    '<!-- wp:acme/notice --><div class="acme-notice">Legacy notice</div><!-- /wp:acme/notice -->',
)
CAPTION = (
    f'[caption id="attachment_1" align="alignleft" width="150"]<img src="{SITE_URL}/wp-content/uploads/2012/01/a.jpg"'
    ' alt="" width="150" height="100" /> An old caption[/caption]'
)
ENTITIES = 'Entities &amp; &nbsp; &#8220;quoted&#8221; <a href="http://old.example.test/?a=1&b=2">x</a>'
AUTHOR_NAMES = (("Ana", "Silva"), ("Ben", "Okafor"), ("Chloe", "Dupont"), ("Dmitri", "Ivanov"),
                ("Eve", "Moreau"), ("Farid", "Haddad"), ("Greta", "Berg"), ("Hugo", "Lenz"), ("Ines", "Costa"),
                ("Jun", "Mori"))  # fmt: skip
# (status, weight) of the posts and pages drawn at random; the guaranteed shapes add the rarer ones.
STATUS_WEIGHTS = (("publish", 80), ("draft", 4), ("pending", 3), ("private", 3), ("future", 3), ("trash", 2),
                  ("inherit", 3), (UNKNOWN_STATUS, 2))  # fmt: skip


def slugify(title: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in title.lower()).split()
    return "-".join(words)[:60]


def paragraphs(rng: random.Random, count: int) -> str:
    return "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))) + "." for _ in range(count))


def long_content(rng: random.Random) -> str:
    """At least :data:`LONG_CONTENT_BYTES` of UTF-8: headings and paragraphs."""
    parts: list[str] = []
    size = 0
    while size < LONG_CONTENT_BYTES:
        part = f"<h2>Part {len(parts)}</h2>\n\n" + paragraphs(rng, 8)
        parts.append(part)
        size += len(part.encode()) + 2
    return "\n\n".join(parts)


def authors(count: int) -> list[WxrAuthor]:
    """``count`` ordinary authors, then the odd ones: no email, a shared email, a login in mixed case, a
    login WordPress cannot use, no display name, and one who wrote nothing."""
    ordinary = [
        WxrAuthor(first.lower(), f"{first.lower()}@legacy.example.test", f"{first} {last}", first, last, number)
        for number, (first, last) in enumerate(AUTHOR_NAMES[:count], FIRST_AUTHOR_ID)
    ]
    number = FIRST_AUTHOR_ID + 50
    return [
        *ordinary,
        WxrAuthor("no-email", "", "Nobody Writes Back", "", "", number),
        WxrAuthor("office-one", SHARED_EMAIL, "Office (desk one)", "Office", "One", number + 1),
        WxrAuthor("office-two", SHARED_EMAIL, "Office (desk two)", "Office", "Two", number + 2),
        WxrAuthor("MarkusB", "markus@legacy.example.test", "Markus B.", "Markus", "B", number + 3),
        WxrAuthor(UNUSABLE_LOGIN, "nihongo@legacy.example.test", UNUSABLE_LOGIN, "", "", number + 4),
        WxrAuthor("nameless", "nameless@legacy.example.test", "", "", "", number + 5),
        WxrAuthor("idle-author", "idle@legacy.example.test", "Idle Author", "Idle", "Author", number + 6),
    ]


def terms(rng: random.Random) -> list[WxrTerm]:
    """The channel's terms: odd ones (same names, legacy slugs, a missing parent, term meta, a taxonomy
    WordPress does not register, post formats, a menu), then a few drawn categories and tags."""
    settings = php_serialize({"color": "red", "order": rng.randint(1, 9)})
    declared = [
        WxrTerm("category", "uncategorized", "Uncategorized", "", ""),
        WxrTerm("category", "news", "News", "", "<strong>HTML</strong> in a description", 501),
        WxrTerm("category", "news-2", "News", "archive", "Same name as another, other parent", 502),
        WxrTerm("category", "archive", "Archive", "", "", 503, (("_legacy_settings", settings),)),
        WxrTerm("category", "Old-News", "Old News", "", "An uppercase slug", 504),
        WxrTerm("category", "caf%c3%a9", "Café", "", "A percent-encoded slug", 505),
        WxrTerm("category", "orphan", "Orphan", "lost-parent", "Its parent was never exported", 506),
        WxrTerm("post_tag", "php", "php", "", "", 601),
        WxrTerm("post_tag", "php-2", "php", "", "The same name again", 602),
        WxrTerm("post_format", "post-format-aside", "Aside", "", "", 701),
        WxrTerm("post_format", "post-format-gallery", "Gallery", "", "", 702),
        WxrTerm(CUSTOM_TAXONOMY, "illustration", "Illustration", "", "Registered by an uninstalled plugin", 801),
        WxrTerm("nav_menu", "main-menu", "Main menu", "", "", 901),
    ]
    for number, word in enumerate(rng.sample(WORDS, 6)):
        parent = rng.choice(("", "", "news", "archive"))
        declared.append(WxrTerm("category", f"{slugify(word)}-{number}", word.capitalize(), parent, "", 510 + number))
    declared += [WxrTerm("post_tag", slugify(word), word, "", "", 610 + n) for n, word in enumerate(WORDS[:8])]
    return declared
