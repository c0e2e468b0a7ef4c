"""Generated inputs (Hypothesis) render as WordPress renders them, through every chain.

The inputs mix tags (with attributes, some holding shortcodes), quotes, shortcodes (with attributes,
content, escaping), block comments (with JSON attributes), newlines, entities, smilies, URLs and unicode.
"""

from __future__ import annotations

import json

import pytest
from formatting_harness import SITE, Differential
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extracted.formatting import Attachment, ImageMeta, ImageSize, PostContext

pytestmark = pytest.mark.php

ATOMS = [
    # quotes, dashes, primes, typography
    "'",
    '"',
    "''",
    "``",
    "--",
    "---",
    " - ",
    "...",
    " (tm)",
    "'90s",
    "9'",
    '12"',
    "2x3",
    "0x1F",
    "'tis",
    # whitespace and newlines
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    "\u00a0",
    "&nbsp;",
    "\x0b",
    # entities and ampersands
    "&",
    "&amp;",
    "&#8217;",
    "&#x41;",
    "&lt;",
    "&gt;",
    "&copy;",
    "&bogus;",
    "&#0;",
    # words
    "word",
    "Wordpress",
    " Wordpress",
    "(Wordpress",
    "x",
    "9",
    "a.b",
    "é",
    "日本",
    "☃",
    "🙂",
    # tags
    "<p>",
    "</p>",
    "<br>",
    "<br />",
    "<div>",
    "</div>",
    "<pre>",
    "</pre>",
    "<code>",
    "</code>",
    "<em>",
    "</em>",
    "<blockquote>",
    "</blockquote>",
    "<ul>",
    "<li>",
    "</li>",
    "</ul>",
    "<h2>",
    "</h2>",
    "<hr>",
    "<b>",
    "</b>",
    '<a href="http://x.test/a?b=1&c=2">',
    "</a>",
    '<img src="a.jpg" width="10" height="10">',
    "<img src='b.png'>",
    '<img class="wp-image-21" src="http://example.test/wp-content/uploads/2020/01/a-300x200.jpg">',
    '<iframe src="https://x.test/e" width="5" height="5"></iframe>',
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<option>",
    "<figcaption>",
    "</figcaption>",
    "<!-- c -->",
    "<!--more-->",
    "<!--nextpage-->",
    "<!--",
    "-->",
    "<textarea>",
    "</textarea>",
    "<kbd>",
    "</kbd>",
    # shortcodes
    "[",
    "]",
    "[gallery]",
    '[gallery ids="21,22" link="file"]',
    '[gallery include="22" columns="1"]',
    '[caption width="100" caption="Cap"]',
    "[/caption]",
    '[caption id="attachment_21" width="300"]',
    "[audio]",
    '[audio src="http://x.test/s.mp3"]',
    "[video]",
    '[video src="http://x.test/v.mp4"][/video]',
    "[embed]http://x.test/page[/embed]",
    "[[gallery]]",
    "[unknown]",
    "[/unknown]",
    "[code]",
    "[/code]",
    '[playlist ids="99"]',
    '[playlist type="video"]',
    # blocks
    "<!-- wp:paragraph -->",
    "<!-- /wp:paragraph -->",
    '<!-- wp:group {"layout":{"type":"flex"}} -->',
    "<!-- /wp:group -->",
    "<!-- wp:columns -->",
    "<!-- /wp:columns -->",
    "<!-- wp:list -->",
    "<!-- /wp:list -->",
    "<!-- wp:separator /-->",
    "<!-- wp:shortcode -->",
    "<!-- /wp:shortcode -->",
    "<!-- wp:more -->",
    "<!-- /wp:more -->",
    '<!-- wp:paragraph {"style":{"elements":{"link":{"color":{"text":"red"}}}}} -->',
    # smilies and links
    ":)",
    " :) ",
    ";-)",
    ":mrgreen:",
    " 8-O ",
    ":?:",
    "http://example.org/x",
    " www.example.com ",
    "me@example.com",
    "(http://x.test/(y))",
]
PLAIN = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="<>[]"), max_size=12)
ATTRIBUTE_WORDS = st.sampled_from(
    [
        " ",
        'a="1"',
        "b='x y'",
        "c=3",
        '"pos"',
        'width="120"',
        'caption="C \\"q\\""',
        'ids="21,22"',
        'link="file"',
        'size="medium"',
        'src="http://x.test/a.mp3"',
        'mp4="http://x.test/v.mp4"',
        'id="attachment_21"',
        "/",
        'align="alignleft"',
        'columns="2"',
        'orderby="ID"',
        'order="DESC"',
        'type="video"',
        'loop="true"',
    ]
)
SHORTCODE_ATTRIBUTES = st.lists(st.one_of(ATTRIBUTE_WORDS, PLAIN), max_size=5).map(" ".join)
TAG_ATTRIBUTES = st.one_of(
    st.just(""),
    PLAIN,
    st.sampled_from(
        [
            'href="http://x.test/"',
            'class="wp-image-21" src="http://example.test/wp-content/uploads/2020/01/a.jpg"',
            'src="x" width="1" height="2"',
            'title="it\'s"',
            'href="[gallery]"',
            "[audio]",
            'title="[embed]x[/embed]"',
        ]
    ),
)
TAG = st.builds(
    lambda slash, name, attributes, end: f"<{slash}{name}{' ' + attributes if attributes else ''}{end}>",
    st.sampled_from(["", "/"]),
    st.sampled_from(
        [
            "p",
            "div",
            "a",
            "img",
            "pre",
            "code",
            "span",
            "x-y",
            "br",
            "Q",
            "blockquote",
            "li",
            "h3",
            "iframe",
            "figure",
            "textarea",
            "script",
            "style",
            "hr",
            "td",
        ]
    ),
    TAG_ATTRIBUTES,
    st.sampled_from(["", "/", " /"]),
)
SHORTCODE = st.builds(
    lambda escaped, name, attributes, body, closed: (
        f"{'[' if escaped else ''}[{name}{' ' + attributes if attributes else ''}]{body}"
        f"{'[/' + name + ']' if closed else ''}{']' if escaped else ''}"
    ),
    st.booleans(),
    st.sampled_from(["caption", "gallery", "audio", "video", "embed", "wp_caption", "code", "unknown", "x-y"]),
    SHORTCODE_ATTRIBUTES,
    st.one_of(st.just(""), PLAIN, st.just('<img src="a.jpg" class="wp-image-21" /> cap')),
    st.booleans(),
)
JSON_VALUE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-5, 1000),
        st.floats(allow_nan=False, allow_infinity=False, width=32),
        PLAIN,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(["a", "layout", "style", "type", "0", "12"]), children, max_size=3),
    ),
    max_leaves=6,
)
BLOCK_ATTRIBUTES = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(["layout", "style", "id", "x"]), JSON_VALUE, max_size=3),
    st.sampled_from(
        [
            {"layout": {"type": "flex", "orientation": "vertical"}},
            {"layout": {"type": "constrained", "contentSize": "1px"}},
            {"style": {"elements": {"link": {"color": {"text": "red"}}}}},
            {"style": {"color": {"duotone": ["#000", "#fff"]}}},
            {"style": {"spacing": {"blockGap": {"top": "1em", "left": "2em"}}}},
            {"id": 21},
            {"label": "L & <em>x</em>", "url": "/x?a=1&b=2", "kind": "custom"},
            {"overlayMenu": "never", "layout": {"type": "flex", "justifyContent": "right"}},
            {"ref": 99, "openSubmenusOnClick": True},
        ]
    ),
)
BLOCK_DELIMITER = st.builds(
    lambda closer, name, attributes, void: (
        f"<!-- {'/' if closer else ''}wp:{name} "
        f"{json.dumps(attributes) + ' ' if attributes is not None and not closer else ''}"
        f"{'/' if void and not closer else ''}-->"
    ),
    st.booleans(),
    st.sampled_from(
        [
            "paragraph",
            "group",
            "columns",
            "column",
            "image",
            "gallery",
            "buttons",
            "cover",
            "shortcode",
            "more",
            "list",
            "list-item",
            "quote",
            "x/y",
            "social-links",
            "query",
            "navigation",
            "navigation-link",
            "navigation-submenu",
            "page-list",
            "home-link",
        ]
    ),
    BLOCK_ATTRIBUTES,
    st.booleans(),
)
TEXT = st.lists(st.one_of(st.sampled_from(ATOMS), PLAIN, TAG, SHORTCODE, BLOCK_DELIMITER), max_size=30).map("".join)

IMAGE_META = ImageMeta(
    "2020/01/a.jpg",
    1200,
    800,
    {
        "thumbnail": ImageSize("a-150x150.jpg", 150, 150, "image/jpeg"),
        "medium": ImageSize("a-300x200.jpg", 300, 200, "image/jpeg"),
    },
)
ATTACHMENTS = {
    21: Attachment(21, "image/jpeg", "2020/01/a.jpg", title="A", caption="Cap 'A'", parent=7, metadata=IMAGE_META),
    22: Attachment(22, "image/png", guid="https://cdn.example.org/b.png", title="B", parent=7, menu_order=1),
    23: Attachment(23, "audio/mpeg", "2020/01/s.mp3", title="Song", parent=7),
}
POST = PostContext(id=7, attachments=ATTACHMENTS)


def _settings(examples: int) -> settings:
    # The fixture is session-scoped on purpose: one PHP process answers every example, and the Python side
    # mirrors its request-wide counters.
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


def _check(pair: tuple[str, str]) -> None:
    python, php = pair
    assert python == php


@_settings(1000)
@given(TEXT)
def test_content(shared_differential: Differential, text: str) -> None:
    _check(shared_differential.content(text, POST, SITE))


@_settings(400)
@given(TEXT, st.sampled_from(["", " ", "Handwritten 'excerpt' :)"]))
def test_excerpt(shared_differential: Differential, text: str, raw_excerpt: str) -> None:
    post = PostContext(id=7, content=text, attachments=ATTACHMENTS)
    _check(shared_differential.excerpt(raw_excerpt, post, SITE))


@_settings(300)
@given(TEXT)
def test_comment(shared_differential: Differential, text: str) -> None:
    _check(shared_differential.comment(text, SITE))


@_settings(300)
@given(TEXT)
def test_title(shared_differential: Differential, text: str) -> None:
    _check(shared_differential.title(text))
