"""The real-world-shaped site generator: deterministic per seed, every shape on every site, and each WXR
version written by ``wxr_writer`` reads back (``parse_wxr``) as the items that version carries.

Shapes are checked here from the export itself, not from the generator's own bookkeeping: each name of
``SHAPES`` has a predicate below, so a shape added there without a check fails the test.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extracted.formatting.phpdata import php_serialize
from wordpress.realworld import CUSTOM_POST_TYPE, CUSTOM_TAXONOMY, LONG_CONTENT_BYTES, MIN_SIZE, SHAPES, generate_site
from wordpress.wxr import WxrExport, WxrPost, parse_wxr
from wordpress.wxr_writer import WXR_VERSIONS, as_carried_by, to_wxr_xml

SERIALIZED_ARRAY = re.compile(r"^a:\d+:\{.*\}$", re.DOTALL)
REGISTERED_TYPES = {"post", "page", "attachment", "nav_menu_item"}
KNOWN_FORMATS = {f"post-format-{name}" for name in ("aside", "audio", "chat", "gallery", "image", "link", "quote",
                                                     "status", "video")}  # fmt: skip


def _ids(export: WxrExport) -> set[int]:
    return {post.post_id for post in export.posts}


def _posts(export: WxrExport, post_type: str = "post") -> list[WxrPost]:
    """Published: WordPress schedules a published post dated in the future."""
    return [p for p in export.posts if p.post_type == post_type and p.status == "publish" and p.date < "2030"]


def _meta(post: WxrPost, key: str) -> str | None:
    return next((value for name, value in post.meta if name == key), None)


def _thumbnail_targets(export: WxrExport) -> list[WxrPost | None]:
    by_id = {post.post_id: post for post in export.posts}
    return [by_id.get(int(value)) for post in _posts(export) if (value := _meta(post, "_thumbnail_id")) is not None]


def _logins(export: WxrExport) -> set[str]:
    return {author.login.casefold() for author in export.authors}


def _declared(export: WxrExport) -> set[tuple[str, str]]:
    return {(term.taxonomy, term.slug) for term in export.terms}


def _has_status(status: str, *, parent: bool | None = None) -> Callable[[WxrExport], bool]:
    def check(export: WxrExport) -> bool:
        return any(
            post.status == status and (parent is None or (post.parent != 0) == parent)
            for post in export.posts
            if post.post_type in ("post", "page")
        )

    return check


def _inherits_from(export: WxrExport, parent_status: str) -> bool:
    by_id = {post.post_id: post for post in export.posts}
    return any(
        post.status == "inherit" and post.parent in by_id and by_id[post.parent].status == parent_status
        for post in export.of_type("post", "page")
    )


def _published(predicate: Callable[[WxrPost], bool]) -> Callable[[WxrExport], bool]:
    return lambda export: any(predicate(post) for post in _posts(export))


def _twins(export: WxrExport) -> bool:
    published = _posts(export)
    titles = Counter(post.title for post in published)
    dates = Counter(post.date for post in published)
    return max(titles.values()) > 1 and max(dates.values()) > 1


def _comments_on_missing_posts(export: WxrExport) -> bool:
    return any(post.comments for post in export.posts if post.post_type not in REGISTERED_TYPES)


def _pages_parent(export: WxrExport, kinds: set[str]) -> bool:
    by_id = {post.post_id: post for post in export.posts}
    return any(
        (by_id[page.parent].post_type if page.parent in by_id else "missing") in kinds
        for page in _posts(export, "page")
        if page.parent
    )


SHAPE_CHECKS: dict[str, Callable[[WxrExport], bool]] = {
    "future, ahead": lambda e: any(p.status == "future" and p.date > "2030" for p in e.posts),
    "future, past": lambda e: any(p.status == "future" and p.date < "2025" for p in e.posts),
    "pending": _has_status("pending"),
    "private": _has_status("private"),
    "draft": _has_status("draft"),
    "trash": _has_status("trash"),
    "inherit without parent": _has_status("inherit", parent=False),
    "inherit with a missing parent": lambda e: any(
        p.status == "inherit" and p.parent and p.parent not in _ids(e) for p in e.of_type("post", "page")
    ),
    "inherit under a published post": lambda e: _inherits_from(e, "publish"),
    "inherit under a draft": lambda e: _inherits_from(e, "draft"),
    "unknown status": lambda e: any(
        p.status not in {"publish", "draft", "pending", "private", "future", "trash", "inherit"} for p in e.posts
    ),
    "sticky draft": lambda e: any(p.is_sticky and p.status == "draft" for p in e.posts),
    "thumbnail of a missing post": lambda e: None in _thumbnail_targets(e),
    "thumbnail of a non-attachment": lambda e: any(t and t.post_type != "attachment" for t in _thumbnail_targets(e)),
    "parent missing": lambda e: any(p.parent and p.parent not in _ids(e) for p in _posts(e)),
    "creator not in the author list": lambda e: any(p.creator.casefold() not in _logins(e) | {""} for p in _posts(e)),
    "creator empty": _published(lambda p: p.creator == ""),
    "creator in another case": lambda e: any(
        p.creator.casefold() in _logins(e) and p.creator not in {a.login for a in e.authors} for p in _posts(e)
    ),
    "creator with an unusable login": _published(lambda p: re.fullmatch(r"[^A-Za-z0-9]+", p.creator) is not None),
    "undeclared term": lambda e: any((t.taxonomy, t.slug) not in _declared(e) for p in _posts(e) for t in p.terms),
    "custom taxonomy term": _published(lambda p: any(t.taxonomy == CUSTOM_TAXONOMY for t in p.terms)),
    "post format": _published(lambda p: any(t.slug == "post-format-aside" for t in p.terms)),
    "unknown post format": _published(
        lambda p: any(t.taxonomy == "post_format" and t.slug not in KNOWN_FORMATS for t in p.terms)
    ),
    "uppercase slug": _published(lambda p: p.name != p.name.lower()),
    "percent-encoded slug": _published(lambda p: re.search(r"%[0-9A-F]{2}", p.name) is not None),
    "empty slug": _published(lambda p: p.name == ""),
    "numeric slug": _published(lambda p: p.name.isdigit()),
    "sticky": _published(lambda p: p.is_sticky),
    "serialized meta": _published(lambda p: any(SERIALIZED_ARRAY.match(v) for k, v in p.meta if k[:3] != "_wp")),
    "very long content": _published(lambda p: len(p.content.encode()) >= LONG_CONTENT_BYTES),
    "uninstalled shortcodes": _published(lambda p: all(code in p.content for code in ("[contact-form-7 ", "[foo "))),
    "unknown blocks": _published(lambda p: "<!-- wp:acme/" in p.content),
    "gallery shortcode": _published(lambda p: "[gallery]" in p.content),
    "comments": _published(lambda p: bool(p.comments)),
    "page parent missing": lambda e: _pages_parent(e, {"missing"}),
    "page parent is a post": lambda e: _pages_parent(e, {"post"}),
    "missing page template": lambda e: any(
        _meta(p, "_wp_page_template") not in (None, "default") for p in _posts(e, "page")
    ),
    "equal titles and dates": _twins,
    "comments on a missing post": _comments_on_missing_posts,
    "repeated post id": lambda e: max(Counter(p.post_id for p in e.posts).values()) > 1,
    "custom post type": lambda e: bool(e.of_type(CUSTOM_POST_TYPE)),
    "nav menu items": lambda e: bool(e.of_type("nav_menu_item")),
}  # fmt: skip


def test_every_shape_has_a_check() -> None:
    assert set(SHAPES) == set(SHAPE_CHECKS)


@pytest.mark.parametrize("seed", [0, 1, 7, 13, 2024])
@pytest.mark.parametrize("size", [MIN_SIZE, 60, 150])
def test_each_shape_is_on_every_site(seed: int, size: int) -> None:
    export = generate_site(seed, size)
    assert [name for name, check in SHAPE_CHECKS.items() if not check(export)] == []


def test_authors_have_empty_and_shared_emails() -> None:
    emails = Counter(author.email for author in generate_site(5).authors)
    assert emails[""] >= 1
    assert any(count >= 2 for email, count in emails.items() if email)


def test_terms_have_legacy_slugs_missing_parents_and_serialized_meta() -> None:
    terms = generate_site(5).terms
    slugs = {term.slug for term in terms}
    assert any(slug != slug.lower() for slug in slugs)
    assert any("%" in slug for slug in slugs)
    assert any(term.parent_slug and term.parent_slug not in slugs for term in terms)
    assert any(SERIALIZED_ARRAY.match(value) for term in terms for _, value in term.meta)
    assert any(term.taxonomy == CUSTOM_TAXONOMY for term in terms)


def test_most_pages_are_at_menu_order_zero() -> None:
    orders = [page.menu_order for page in generate_site(9, 200).of_type("page")]
    assert orders.count(0) > len(orders) / 2 and set(orders) != {0}


def test_the_same_seed_gives_the_same_site_and_other_seeds_others() -> None:
    assert generate_site(42) == generate_site(42)
    assert to_wxr_xml(generate_site(42)) == to_wxr_xml(generate_site(42))
    assert generate_site(42).posts != generate_site(43).posts
    assert generate_site(42, 40).posts != generate_site(42, 60).posts


def test_a_site_too_small_for_its_shapes_is_refused() -> None:
    with pytest.raises(ValueError, match=f"at least {MIN_SIZE}"):
        generate_site(1, MIN_SIZE - 1)


def test_php_serialize_counts_bytes() -> None:
    assert php_serialize({"a": 1, "b": ["x", True]}) == 'a:2:{s:1:"a";i:1;s:1:"b";a:2:{i:0;s:1:"x";i:1;b:1;}}'
    assert php_serialize("café") == 's:5:"café";'


def _read_back(export: WxrExport, version: str) -> WxrExport:
    read = parse_wxr(to_wxr_xml(export, version), export.path)
    assert read.wxr_version == version
    assert read.repairs == ()
    return read


def _authors_from_creators(export: WxrExport) -> list[str]:
    return list(dict.fromkeys(post.creator.casefold() for post in export.posts if post.creator))


@pytest.mark.parametrize("version", WXR_VERSIONS)
@pytest.mark.parametrize("seed", [0, 3])
def test_round_trip_through_each_wxr_version(version: str, seed: int) -> None:
    export = generate_site(seed)
    read, expected = _read_back(export, version), as_carried_by(export, version)
    assert read.posts == expected.posts
    assert read.terms == expected.terms
    assert (read.title, read.link, read.description, read.base_site_url, read.base_blog_url) == (
        export.title, export.link, export.description, export.base_site_url, export.base_blog_url,
    )  # fmt: skip
    if version == "1.0":
        assert read.authors_from_creators
        assert [author.login.casefold() for author in read.authors] == _authors_from_creators(export)
        assert {author.email for author in read.authors} == {""}
    else:
        assert read.authors == export.authors


def test_versions_differ_in_what_they_carry() -> None:
    export = generate_site(1)
    full, middle, oldest = (_read_back(export, version) for version in ("1.2", "1.1", "1.0"))
    assert any(post.modified for post in full.posts) and not any(post.modified for post in middle.posts)
    assert any(term.meta for term in full.terms) and not any(term.meta for term in middle.terms)
    assert any(c.meta for p in full.posts for c in p.comments) and not any(
        c.meta for p in middle.posts for c in p.comments
    )
    assert any(term.term_id for term in middle.terms) and not any(term.term_id for term in oldest.terms)
    assert 'domain="tag"' in to_wxr_xml(export, "1.0") and 'domain="tag"' not in to_wxr_xml(export, "1.1")
    assert "<wp:author>" not in to_wxr_xml(export, "1.0")


def test_cdata_terminators_in_content_survive() -> None:
    export = generate_site(2)
    tricky = replace(export.posts[0], content="a ]]> b ]]]]> c <![CDATA[ d")
    export = replace(export, posts=(tricky, *export.posts[1:]))
    assert _read_back(export, "1.2").posts[0].content == tricky.content


def test_an_unknown_version_is_refused() -> None:
    with pytest.raises(ValueError, match=r"1\.3"):
        to_wxr_xml(generate_site(1), "1.3")


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), version=st.sampled_from(WXR_VERSIONS))
def test_any_seed_round_trips(seed: int, version: str) -> None:
    export = generate_site(seed, MIN_SIZE)
    read, expected = _read_back(export, version), as_carried_by(export, version)
    assert (read.posts, read.terms) == (expected.posts, expected.terms)
    assert all(check(export) for check in SHAPE_CHECKS.values())
