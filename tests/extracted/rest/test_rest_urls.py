"""The URL model: ``rest_url`` and permalinks, pretty and plain, as WordPress builds them."""

from __future__ import annotations

import pytest

from extracted.rest import Site

PRETTY = Site(home="http://example.test/", permalink_structure="/%postname%/")
PLAIN = Site(home="http://example.test")


@pytest.mark.parametrize(("status", "pretty"), [("publish", True), ("future", True), ("inherit", False)])
def test_an_inherit_post_gets_a_plain_link(status: str, pretty: bool) -> None:
    # wp_force_plain_post_permalink(): a status neither viewable nor protected links with ?p= / ?page_id=
    site = Site(home="http://example.test", permalink_structure="/%postname%/")
    post = {"id": 5, "date": "2020-01-02T03:04:05", "slug": "hello", "status": status}
    assert site.post_link(post, "", "") == ("http://example.test/hello/" if pretty else "http://example.test/?p=5")
    page = site.page_link(5, "about", status)
    assert page == ("http://example.test/about/" if pretty else "http://example.test/?page_id=5")


def test_rest_url_pretty_and_plain() -> None:
    assert PRETTY.rest_url("wp/v2/users") == "http://example.test/wp-json/wp/v2/users"
    assert PLAIN.rest_url("/wp/v2/users") == "http://example.test/index.php?rest_route=/wp/v2/users"


def test_author_and_term_links() -> None:
    assert PRETTY.author_link(3, "jane") == "http://example.test/author/jane/"
    assert PLAIN.author_link(3, "jane") == "http://example.test/?author=3"
    assert PRETTY.term_link("category", 4, "news/local", "local") == "http://example.test/category/news/local/"
    assert PLAIN.term_link("post_tag", 4, "", "x") == "http://example.test/?tag=x"
