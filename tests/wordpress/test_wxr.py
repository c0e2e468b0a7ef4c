"""The WXR reader on the shared corpus and on small malformed documents, as WordPress's importer reads them.

The corpus counts were taken from the files themselves (``grep -c '<item>'``, ``<wp:author>``,
``<wp:category>``/``<wp:tag>``/``<wp:term>``, ``<wp:comment>`` and the ``<wp:post_type>`` values).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from wordpress.wxr import WxrError, parse_wxr, read_wxr
from wordpress.wxr_repair import repair_xml

CORPUS_COUNTS = {
    # file: (items by post type, authors, channel terms by taxonomy, comments)
    "64-block-test-data.xml": (
        {"post": 61, "attachment": 9, "page": 1, "wp_navigation": 1},
        ["themedemos", "themereviewer"],
        {"category": 14, "post_tag": 8, "wp_theme": 1, "wp_template_part_area": 1},
        2,
    ),
    "jekyll-import-sitetitle.wordpress.xml": (
        {"post": 7, "attachment": 6, "page": 1, "wp_global_styles": 1, "wp_navigation": 1},
        ["jekyllbot"],
        {"category": 2, "post_tag": 4},
        0,
    ),
    "pelican-wordpressexport.xml": (
        {"post": 11, "attachment": 4, "page": 2, "custom1": 2, "custom2": 1},
        ["Bob", "Jonh"],
        {"category": 4, "post_tag": 3},
        4,
    ),
    "themeunittestdata.wordpress.xml": (
        {"post": 58, "page": 21, "attachment": 37, "nav_menu_item": 70},
        ["themedemos", "themereviewteam"],
        {"category": 69, "post_tag": 110, "nav_menu": 6},
        33,
    ),
    "wordpress-importer-small-export.xml": (
        {"post": 6, "page": 5},
        ["admin", "editor", "author"],
        {"category": 30, "post_tag": 3},
        1,
    ),
    "wordpress-importer-valid-wxr-1.0.xml": (
        {"post": 3, "page": 3},
        ["admin"],  # no <wp:author>: the items' dc:creator
        {"category": 5, "post_tag": 4},
        1,
    ),
}

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
)


def _document(items: str, *, header: str = HEADER, channel: str = "") -> str:
    return f"{header}<channel><title>Site</title><wp:wxr_version>1.2</wp:wxr_version>{channel}{items}</channel></rss>\n"


def _item(post_id: int, *, title: str = "A post", creator: str = "admin", extra: str = "") -> str:
    return (
        f"<item><title>{title}</title><dc:creator>{creator}</dc:creator><wp:post_id>{post_id}</wp:post_id>"
        f"<wp:post_type>post</wp:post_type>{extra}</item>"
    )


@pytest.mark.parametrize("name", sorted(CORPUS_COUNTS))
def test_each_corpus_export_reads_as_its_xml_says(corpus: Path, name: str) -> None:
    by_type, logins, terms, comments = CORPUS_COUNTS[name]
    export = read_wxr(corpus / name)
    assert Counter(post.post_type for post in export.posts) == by_type
    assert [author.login for author in export.authors] == logins
    assert Counter(term.taxonomy for term in export.terms) == terms
    assert sum(len(post.comments) for post in export.posts) == comments
    assert export.repairs == ()  # all six are well-formed
    assert export.authors_from_creators is (name == "wordpress-importer-valid-wxr-1.0.xml")


def test_wxr_1_0_domain_tag_is_a_post_tag(corpus: Path) -> None:
    export = read_wxr(corpus / "wordpress-importer-valid-wxr-1.0.xml")
    assert export.wxr_version == "1.0"
    alpha = next(post for post in export.posts if post.title == "Alpha post")
    # <category> without nicename (the RSS copy of each term) is not a term, as in the importer.
    assert {(term.taxonomy, term.slug) for term in alpha.terms} == {
        ("category", "alpha"),
        ("post_tag", "news"),
        ("post_tag", "roar"),
    }
    assert all(term.taxonomy != "tag" for post in export.posts for term in post.terms)
    assert {term.slug for term in export.terms if term.taxonomy == "post_tag"} == {"chicken", "face", "news", "roar"}
    child = next(term for term in export.terms if term.slug == "child")
    assert child.parent_slug == "parent"


def test_without_an_author_list_the_authors_are_the_creators() -> None:
    items = _item(1, creator="Alice") + _item(2, creator="alice") + _item(3, creator="Bob") + _item(4, creator="")
    export = parse_wxr(_document(items))
    assert export.authors_from_creators
    # One author per creator ignoring case (the user table compares logins so), the first spelling kept.
    assert [(author.login, author.display_name, author.email) for author in export.authors] == [
        ("Alice", "Alice", ""),
        ("Bob", "Bob", ""),
    ]


def test_an_author_list_is_used_as_is() -> None:
    channel = "<wp:author><wp:author_id>7</wp:author_id><wp:author_login>carol</wp:author_login></wp:author>"
    export = parse_wxr(_document(_item(1, creator="dave"), channel=channel))
    assert not export.authors_from_creators
    assert [(author.login, author.author_id) for author in export.authors] == [("carol", 7)]


def test_author_logins_match_creators_ignoring_case(corpus: Path) -> None:
    export = read_wxr(corpus / "pelican-wordpressexport.xml")
    creators = {post.creator for post in export.posts}
    assert creators == {"bob", "john"}  # the authors are "Bob" and "Jonh"
    matched = {post.creator: export.author_of(post) for post in export.posts}
    bob = matched["bob"]
    assert bob is not None and bob.login == "Bob"
    assert matched["john"] is None  # "Jonh" is another name, not another case


def test_channel_categories_tags_and_terms_are_all_read() -> None:
    channel = (
        "<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>news</wp:category_nicename>"
        "<wp:category_parent>top</wp:category_parent><wp:cat_name>News</wp:cat_name>"
        "<wp:termmeta><wp:meta_key>colour</wp:meta_key><wp:meta_value>red</wp:meta_value></wp:termmeta>"
        "</wp:category>"
        "<wp:tag><wp:tag_slug>python</wp:tag_slug><wp:tag_name>Python</wp:tag_name></wp:tag>"
        "<wp:term><wp:term_taxonomy>genre</wp:term_taxonomy><wp:term_slug>jazz</wp:term_slug>"
        "<wp:term_name>Jazz</wp:term_name></wp:term>"
    )
    export = parse_wxr(_document("", channel=channel))
    assert [(term.taxonomy, term.slug, term.name, term.parent_slug) for term in export.terms] == [
        ("category", "news", "News", "top"),
        ("post_tag", "python", "Python", ""),
        ("genre", "jazz", "Jazz", ""),
    ]
    assert export.terms[0].meta == (("colour", "red"),)
    assert export.terms[0].term_id == 3


def test_control_characters_are_removed_also_inside_cdata() -> None:
    content = "<content:encoded><![CDATA[before\x00after\x0bend]]></content:encoded>"
    export = parse_wxr(_document(_item(1, title="Bell\x07 title", extra=content)))
    post = export.posts[0]
    assert (post.title, post.content) == ("Bell title", "beforeafterend")
    assert export.repairs == ("removed 3 characters XML does not allow",)


def test_references_to_illegal_characters_are_removed() -> None:
    export = parse_wxr(_document(_item(1, title="nul&#0;here&#x1F;")))
    assert export.posts[0].title == "nulhere"
    assert export.repairs == ("removed 2 characters XML does not allow",)


def test_undeclared_wxr_prefixes_are_declared() -> None:
    header = '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n'
    extra = "<excerpt:encoded>short</excerpt:encoded><content:encoded>long</content:encoded><wfw:commentRss/>"
    export = parse_wxr(_document(_item(5, creator="zoe", extra=extra), header=header))
    post = export.posts[0]
    assert (post.post_id, post.creator, post.excerpt, post.content) == (5, "zoe", "short", "long")
    assert export.repairs == ("declared the namespace prefixes content, dc, excerpt, wfw, wp",)


def test_bare_ampersands_and_html_entities_are_escaped_but_cdata_is_left_alone() -> None:
    content = "<content:encoded><![CDATA[Q&A &nbsp; &bogus;]]></content:encoded>"
    link = "<link>http://example.test/?a=1&b=2</link>"
    export = parse_wxr(_document(_item(1, title="Fish &amp; chips&nbsp;&copy; & more &bogus;", extra=content + link)))
    post = export.posts[0]
    assert post.title == "Fish & chips\u00a0© & more &bogus;"
    assert post.link == "http://example.test/?a=1&b=2"
    assert post.content == "Q&A &nbsp; &bogus;"
    assert export.repairs == ("escaped 3 bare &", "replaced 2 HTML entities")


def test_a_well_formed_document_needs_no_repair() -> None:
    export = parse_wxr(_document(_item(1, title="Fish &amp; chips")))
    assert export.repairs == ()
    assert export.posts[0].title == "Fish & chips"


def test_what_repairs_cannot_mend_is_an_error_naming_both_attempts(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text(_document("<item><title>unclosed & open</item>"))
    with pytest.raises(WxrError) as raised:
        read_wxr(broken)
    message = str(raised.value)
    assert str(broken) in message and "mismatched tag" in message and "escaped 1 bare &" in message


def test_a_file_that_is_not_xml_at_all_is_an_error(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("just some notes\n")
    with pytest.raises(WxrError, match="cannot read as a WXR export"):
        read_wxr(text)


def test_a_feed_that_is_not_wxr_is_an_error() -> None:
    with pytest.raises(WxrError, match="no <wp:wxr_version>"):
        parse_wxr('<rss version="2.0"><channel><title>plain RSS</title></channel></rss>')


def test_repair_rewrites_the_declaration_to_the_encoding_it_returns() -> None:
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<rss><channel><title>caf\xe9 & bar</title></channel></rss>'
    repaired = repair_xml(latin.encode("latin-1"))
    assert repaired.data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert "café &amp; bar".encode() in repaired.data
    assert repaired.repairs == ("escaped 1 bare &",)
