"""The comments service on the real stack against WordPress, byte for byte: ``/wp/v2/comments[/ID]``
with every parameter, their errors, visibility (held, spam, trashed comments; private, draft, future,
trashed and password-protected posts; pingbacks; comments without a post), links, avatars and embeds.

The demo seed's comments are joined by the ones the matrix needs, written into WordPress's own
``wp_comments`` (as its importer and wp-admin write them), so they reach the service through CDC like
any other. The stack runs the service (the registry's ``comments`` capability).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from extracted.comments.comment_args import ORDERBY
from tests.cdc.harness import query
from tests.extracted.content.content_parity import compare, visitor_clients
from tests.extracted.content.content_process import wait_for
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack

COMMENTS = "wordpress.wp_comments"
# demo posts (wordpress/demo.py): 9115 has the seed's comments, 9101 is published, 9104 a draft, 9105 private,
# 9106 protected by "open-sesame", 9107 scheduled, 9108 trashed; pages 9201 > 9202 > 9203, 9207 protected by "members"
PUBLISHED, DRAFT, PRIVATE, PROTECTED, FUTURE, TRASHED, GALORE = 9101, 9104, 9105, 9106, 9107, 9108, 9115
TEAM_PAGE, HISTORY_PAGE, MEMBERS_PAGE = 9202, 9203, 9207
COLUMNS = ("comment_ID", "comment_post_ID", "comment_author", "comment_author_email", "comment_author_url",
           "comment_author_IP", "comment_date", "comment_date_gmt", "comment_content", "comment_approved",
           "comment_type", "comment_parent", "user_id")  # fmt: skip


def _extra_comments(user_id: int) -> list[tuple[Any, ...]]:
    """(id, post, author, email, url, ip, date, date_gmt, content, approved, type, parent, user)."""
    day = "2024-11-25"
    rows: list[tuple[Any, ...]] = [
        (7001, GALORE, "Deep Reply", "deep@example.test", "", "10.1.1.1", f"{day} 10:00:00", f"{day} 10:00:00",
         "A reply to the reply :) see https://example.org/x?a=1&b=2", "1", "comment", 2, 0),
        (7002, GALORE, "Held Reply", "held@example.test", "", "10.1.1.2", f"{day} 10:05:00", f"{day} 10:05:00",
         "Waiting under comment 1", "0", "comment", 1, 0),
        (7003, GALORE, "Trashed", "trash@example.test", "", "10.1.1.3", f"{day} 10:10:00", f"{day} 10:10:00",
         "In the bin", "trash", "comment", 0, 0),
        (7004, PRIVATE, "On Private", "p@example.test", "", "10.1.1.4", f"{day} 11:00:00", f"{day} 11:00:00",
         "Nobody should see this", "1", "comment", 0, 0),
        (7005, DRAFT, "On Draft", "d@example.test", "", "10.1.1.5", f"{day} 11:10:00", f"{day} 11:10:00",
         "Nor this", "1", "comment", 0, 0),
        (7006, PROTECTED, "On Protected", "pw@example.test", "", "10.1.1.6", f"{day} 11:20:00", f"{day} 11:20:00",
         "Only with the password", "1", "comment", 0, 0),
        (7007, PROTECTED, "Held Protected", "pw2@example.test", "", "10.1.1.7", f"{day} 11:30:00",
         f"{day} 11:30:00", "Held behind the password", "0", "comment", 0, 0),
        (7008, PUBLISHED, "A Blog", "", "https://blog.example.org/post", "10.1.1.8", f"{day} 12:00:00",
         f"{day} 12:00:00", "[&#8230;] a pingback excerpt [&#8230;]", "1", "pingback", 0, 0),
        (7009, PUBLISHED, "Another Blog", "", "https://other.example.org/", "10.1.1.9", f"{day} 12:10:00",
         f"{day} 12:10:00", "A trackback", "1", "trackback", 0, 0),
        (7010, PUBLISHED, "Alice", "not-alices@example.test", "https://alice.example.test", "10.1.1.10",
         f"{day} 12:20:00", f"{day} 12:20:00", "A registered user's comment", "1", "comment", 0, user_id),
        (7011, PUBLISHED, "Ghost", "ghost@example.test", "", "10.1.1.11", f"{day} 12:30:00", f"{day} 12:30:00",
         "By a user that does not exist", "1", "comment", 0, 999999),
        (7012, TEAM_PAGE, "Page Reader", "page@example.test", "", "10.1.1.12", f"{day} 13:00:00",
         f"{day} 13:00:00", "On a child page", "1", "comment", 0, 0),
        (7013, MEMBERS_PAGE, "Member", "member@example.test", "", "10.1.1.13", f"{day} 13:10:00",
         f"{day} 13:10:00", "On a protected page", "1", "comment", 0, 0),
        (7014, 0, "Nowhere", "nowhere@example.test", "", "10.1.1.14", f"{day} 13:20:00", f"{day} 13:20:00",
         "Without a post", "1", "comment", 0, 0),
        (7015, 999999, "Orphan", "orphan@example.test", "", "10.1.1.15", f"{day} 13:30:00", f"{day} 13:30:00",
         "Its post is gone", "1", "comment", 0, 0),
        (7016, PUBLISHED, "No Email", "", "", "10.1.1.16", f"{day} 13:40:00", f"{day} 13:40:00",
         "An avatar from a random server", "1", "comment", 0, 0),
        (7017, GALORE, "Same Time", "same@example.test", "", "10.1.1.17", f"{day} 10:00:00", f"{day} 10:00:00",
         "Posted in the same second as 7001", "1", "comment", 0, 0),
        (7018, GALORE, "Old Style", "old@example.test", "", "10.1.1.18", f"{day} 14:00:00", f"{day} 14:00:00",
         "An empty comment_type", "1", "", 0, 0),
        (7019, HISTORY_PAGE, "Ünïcödé <b>Name</b> & \"quotes\"", "UPPER@Example.TEST", "http://ü.example/",
         "::1", f"{day} 14:10:00", f"{day} 14:10:00",
         "Line one\nLine two -- \"quoted\" 'single' ... <em>kept</em> <script>x</script> www.example.com 8-)",
         "1", "comment", 0, 0),
        (7020, FUTURE, "On Future", "f@example.test", "", "10.1.1.20", f"{day} 14:20:00", f"{day} 14:20:00",
         "Scheduled post", "1", "comment", 0, 0),
        (7021, TRASHED, "On Trashed", "t@example.test", "", "10.1.1.21", f"{day} 14:30:00", f"{day} 14:30:00",
         "Trashed post", "post-trashed", "comment", 0, 0),
        (7022, GALORE, "Spam Two", "spam2@example.test", "", "10.1.1.22", f"{day} 14:40:00", f"{day} 14:40:00",
         "Spam reply", "spam", "comment", 7001, 0),
        (7023, GALORE, "Local Time", "tz@example.test", "", "10.1.1.23", "2024-11-26 00:30:00",
         "2024-11-25 23:30:00", "Local and GMT differ", "1", "comment", 7001, 0),
        (7024, GALORE, "Zero GMT", "zero@example.test", "", "10.1.1.24", "2024-11-26 01:00:00",
         "0000-00-00 00:00:00", "An imported comment without a GMT date", "1", "comment", 0, 0),
    ]  # fmt: skip
    return rows


def _seed(stack: StackHandle) -> int:
    components = stack.components
    (user_id,) = query(components, "SELECT ID FROM wp_users WHERE user_login = 'alice'")[0]
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    statement = f"INSERT IGNORE INTO wp_comments ({', '.join(COLUMNS)}) VALUES ({placeholders})"
    for row in _extra_comments(int(user_id)):
        query(components, statement, row)
    return int(user_id)


@pytest.fixture(scope="module")
def service(stack: StackHandle) -> Iterator[str]:
    """The stack's comments service, with the extra comments in WordPress for this module only (the
    session's other tests crawl WordPress's pages, whose avatars of comments without an email are random)."""
    comments = stack.refresh().get("comments")
    if not comments or not comments.get("url"):
        pytest.skip("the stack runs no comments service (extracted/capabilities.yaml)")
    url = str(comments["url"])
    _seed(stack)
    # every comment written, and the registered user's email from the users service's events
    wait_for(lambda: httpx.get(f"{url}/wp-json/wp/v2/comments/7024", timeout=2).status_code == 200, 120, 0.2)
    wait_for(lambda: httpx.get(f"{url}/healthz", timeout=2).json()["caught_up"], 120, 0.2)
    wordpress = stack.components["wordpress"]["url"]
    avatar = httpx.get(f"{wordpress}/wp-json/wp/v2/comments/7010", timeout=30).json()["author_avatar_urls"]
    wait_for(lambda: httpx.get(f"{url}/wp-json/wp/v2/comments/7010", timeout=2).json()["author_avatar_urls"] == avatar,
             60, 0.2)  # fmt: skip
    yield url
    query(stack.components, "DELETE FROM wp_comments WHERE comment_ID BETWEEN 7001 AND 7024")


COLLECTION = [
    "", "per_page=1", "per_page=100", "per_page=3&page=2", "per_page=3&page=99", "page=0", "page=abc",
    "per_page=0", "per_page=101", "per_page=abc", "per_page=5&offset=3", "offset=-2", "offset=abc",
    "context=view", "context=embed", "context=edit", "context=foo", "context=EDIT",
    "search=reply", "search=example.test", "search=10.1.1.1", "search=%C3%BCn%C3%AF", "search=UNICODE", "search=0",
    "search=", "search=%3Cb%3E", "search=100%25", "search=a_b", "search[]=x",
    "after=2024-11-25T11:00:00", "before=2024-11-25T11:00:00", "after=2024-11-25T10:00:00&before=2024-11-25T13:00:00",
    "after=2024-11-25T10:00:00Z", "after=2024-11-25T12:00:00%2B02:00", "before=2024-11-25 12:00:00",
    "after=2024-11-25T10:00:00.999", "after=2024-02-30T00:00:00", "after=yesterday", "after=2024-13-01T00:00:00",
    "before=2024-11-26T00:45:00", "after[]=2024-01-01T00:00:00",
    "author=1", "author=", "author=0", "author_exclude=1", "author_exclude=", "author_email=a@example.test",
    "author_email=bad", "author_email=", "author_email[]=a",
    "include=1,2,7001", "include=-1", "include=abc", "include[]=2&include[]=1", "include=7004,7006,1",
    "exclude=1,2", "exclude=-7001", "exclude=x",
    "order=asc", "order=desc", "order=ASC", "order=up",
    "orderby=date", "orderby=date&order=asc", "orderby=date_gmt&order=asc", "orderby=id", "orderby=id&order=asc",
    "orderby=include", "orderby=include&include=2,7001,1,2", "orderby=post", "orderby=post&order=asc",
    "orderby=parent", "orderby=parent&order=asc", "orderby=type", "orderby=type&order=asc", "orderby=author",
    "orderby=foo", "orderby[]=id",
    "parent=0", "parent=1", "parent=1,2,7001", "parent=-1", "parent=abc", "parent_exclude=0", "parent_exclude=1,2",
    f"post={GALORE}", f"post={PRIVATE}", f"post={DRAFT}", f"post={PROTECTED}", f"post={PROTECTED}&password=open-sesame",
    f"post={PROTECTED}&password=wrong", f"post={PROTECTED}&password=",
    f"post={PROTECTED},{GALORE}&password=open-sesame",
    f"post={GALORE},{PUBLISHED}", "post=0", f"post={GALORE},0", f"post=0,{PRIVATE}", "post=999999", f"post=-{GALORE}",
    "post=abc", f"post={TEAM_PAGE}", f"post={MEMBERS_PAGE}&password=members", f"post={FUTURE}", f"post={TRASHED}",
    f"post[]={GALORE}", f"post={PROTECTED}&password[]=x",
    "status=approve", "status=APPROVE", "status=hold", "status=spam", "status=all", "status=", "status[]=approve",
    "type=comment", "type=Comment", "type=pingback", "type=pings", "type=", "type[]=comment",
    "status=hold&type=pings&author=1&author_exclude=2&author_email=a@b.test", "status=hold&per_page=0",
    "password=open-sesame", "id=7006&password=open-sesame", "id=0&password=open-sesame", "id=x&password=wrong",
    "_fields=id,link", "_fields=author_avatar_urls", "_fields=content.rendered,date", "_fields=_links",
    "_fields=content,author_avatar_urls.24,link", "_fields=id,_embedded&_embed=in-reply-to",
    "_embed=in-reply-to", "_embed=children", "_embed=in-reply-to,children&per_page=50", "_embed=1", "_embed=up",
    "_embed=author", "_embed=replies", "_envelope=1", "_envelope=1&per_page=0", "_envelope=1&status=hold",
    f"post={GALORE}&orderby=parent&order=asc&per_page=2&page=2", f"post={GALORE}&search=reply&orderby=id",
    "per_page=2&page=2&search=example&orderby=date&order=asc",
]  # fmt: skip
SINGLE_IDS = [1, 2, 3, 4, 5, *range(7001, 7025)]
SINGLE_VARIANTS = [
    "context=embed", "context=edit", "context=foo", "password=open-sesame", "password=wrong", "id=2", "id=abc",
    "id=0", "id=7006&password=open-sesame", "id[]=2", "_fields=id,link,author_avatar_urls", "_embed=in-reply-to",
    "_embed=children", "_embed=in-reply-to,children", "_envelope=1", "password[]=x",
]  # fmt: skip


#: values combined in pairs and triples (seeded): each alone is in COLLECTION
COMBINABLE = {
    "post": [str(GALORE), str(PUBLISHED), f"{GALORE},{PUBLISHED}", str(TEAM_PAGE)],
    "parent": ["0", "1", "2,7001"], "parent_exclude": ["0", "7001"], "include": ["1,2,7001,7010", "7017,7001"],
    "exclude": ["2", "7001,7016"], "search": ["reply", "example", "blog"], "orderby": list(ORDERBY),
    "order": ["asc", "desc"], "per_page": ["1", "2", "7"], "page": ["1", "2", "3"], "offset": ["1", "4"],
    "after": ["2024-11-24T15:00:00", "2024-11-25T12:00:00Z"], "before": ["2024-11-25T12:30:00"],
    "context": ["view", "embed"], "_fields": ["id,parent,link", "id,author_avatar_urls,_links"],
}  # fmt: skip


def _combinations(count: int, seed: int = 15) -> list[str]:
    chosen = random.Random(seed)
    found: list[str] = []
    while len(found) < count:
        names = chosen.sample(sorted(COMBINABLE), chosen.choice((2, 3)))
        found.append("&".join(f"{name}={chosen.choice(COMBINABLE[name])}" for name in names))
    return found


def _matrix() -> dict[str, list[str]]:
    single = [f"/wp/v2/comments/{comment_id}" for comment_id in SINGLE_IDS]
    single += [f"/wp/v2/comments/{comment_id}?{variant}" for comment_id in (1, 2, 7001, 7006, 7008, 7014, 7015)
               for variant in SINGLE_VARIANTS]  # fmt: skip
    single += ["/wp/v2/comments/0", "/wp/v2/comments/999999", "/wp/v2/comments/2/", "/wp/v2/COMMENTS/2"]
    collection = [f"/wp/v2/comments?{q}" if q else "/wp/v2/comments" for q in [*COLLECTION, *_combinations(60)]]
    return {"comments": [*collection, "/wp/v2/comments/"], "comments/{id}": single}


def test_comments_parity_with_wordpress(stack: StackHandle, service: str) -> None:
    matrix = _matrix()
    rest_route = [*matrix["comments"][:6], *matrix["comments/{id}"][:6]]
    wp, sv = visitor_clients(stack.components, service)
    with wp, sv:
        report = compare(wp, sv, matrix, rest_route=rest_route)
        print(f"\ncomments parity: {report.summary()}")
        for path, problem in report.failures[:40]:
            print(f"  DIFF {path}: {problem}")
        for url, reason in report.fallback_reasons:  # what the proxy then serves: WordPress's answer
            legacy = wp.get(url)
            print(f"  DECLINED {url}: {reason.split(':')[0]}; WordPress {legacy.status_code} {legacy.content[:90]!r}")
    assert report.all_equal, report.failures[:5]
    assert not report.tie_order and not report.rendering_only
    assert sum(report.equal.values()) >= 250
    # the matrix shows what it is about (not only errors that happen to be equal)
    listed = httpx.get(f"{service}/wp-json/wp/v2/comments", params={"post": PROTECTED, "password": "open-sesame"})
    assert [item["id"] for item in listed.json()] == [7006]
    everything = httpx.get(f"{service}/wp-json/wp/v2/comments", params={"per_page": 100})
    shown = {item["id"] for item in everything.json()}
    assert {7001, 7010, 7012, 7017, 7018, 7019} <= shown and not {7002, 7003, 7004, 7005, 7006, 7008, 7014} & shown
    assert int(everything.headers["X-WP-Total"]) > len(shown)  # comments of hidden posts are counted


@contextmanager
def _options(stack: StackHandle, values: dict[str, str]) -> Iterator[None]:
    """WordPress's options set to ``values`` for a while (then as they were)."""
    components = stack.components
    before = dict(query(components, "SELECT option_name, option_value FROM wp_options WHERE option_name IN %s",
                        (tuple(values),)))  # fmt: skip
    try:
        for name, value in values.items():
            query(components, "UPDATE wp_options SET option_value = %s WHERE option_name = %s", (value, name))
        yield
    finally:
        for name, value in before.items():
            query(components, "UPDATE wp_options SET option_value = %s WHERE option_name = %s", (value, name))


def test_comments_in_another_time_zone_and_with_paged_comments(stack: StackHandle, service: str) -> None:
    """``before``/``after`` are read in the site's time zone, compared with the local ``comment_date``; with
    ``page_comments`` a comment's link names its page, as WordPress's (a visitor WordPress knows the email
    of is declined: their held comments would count)."""
    zoned = [f"/wp/v2/comments?{q}" for q in (
        "after=2024-11-25T10:00:00Z", "before=2024-11-25T11:00:00Z", "after=2024-11-25T10:30:00",
        "after=2024-11-25T12:00:00%2B05:00&before=2024-11-26T01:00:00", "orderby=date&order=asc&per_page=50",
        "orderby=date_gmt&order=asc&per_page=50", f"post={GALORE}&after=2024-11-25T09:30:00Z",
        "before=2024-03-31T02:30:00", "after=2024-10-27T02:30:00Z",
    )]  # fmt: skip
    wp, sv = visitor_clients(stack.components, service)
    with wp, sv, _options(stack, {"timezone_string": "Asia/Kathmandu"}):  # +05:45: no hour boundary
        probe = "/wp-json/wp/v2/comments?after=2024-11-25T08:00:00Z&per_page=100"
        wait_for(lambda: sv.get(probe).content == wp.get(probe).content, 60, 0.2)
        zones = compare(wp, sv, {"zoned": zoned})
    wp, sv = visitor_clients(stack.components, service)
    with wp, sv, _options(stack, {"page_comments": "1", "comments_per_page": "2"}):
        probe = f"/wp-json/wp/v2/comments?post={GALORE}"
        wait_for(lambda: "comment-page-" in sv.get(probe).text, 60, 0.2)
        paged = compare(wp, sv, {"paged": [f"/wp/v2/comments?post={GALORE}", "/wp/v2/comments/1",
                                           "/wp/v2/comments/1?_fields=id,content", "/wp/v2/comments/7023",
                                           "/wp/v2/comments?per_page=100&_embed=up,in-reply-to"]})  # fmt: skip
        assert "comment-page-" in wp.get(probe).text  # WordPress's links do name the page
        known = sv.get(probe, headers={"Cookie": "comment_author_email_0123abcd=held%40example.test"})
        assert known.status_code == 503 and known.headers["x-strangler-unavailable"] == "request commenter"
    print(f"\ncomments in Asia/Kathmandu: {zones.summary()}; paged comments: {paged.summary()}")
    assert zones.all_equal and zones.equal["zoned"] == len(zoned), zones.failures[:5]
    assert paged.all_equal and paged.equal["paged"] == 5, (paged.failures, paged.fallback_reasons)


#: discussion options (per page, first page shown, threading, depth, permalinks) WordPress names pages under
PAGINGS = [
    ("2", "newest", "1", "5", "/%year%/%monthnum%/%day%/%postname%/"), ("2", "oldest", "1", "5", "/%postname%/"),
    ("3", "newest", "0", "5", "/%postname%"), ("1", "oldest", "1", "1", "/archives/%post_id%"),
    ("5", "newest", "1", "2", ""), ("0", "newest", "1", "5", "/%postname%/"), ("00", "oldest", "1", "3", ""),
]  # fmt: skip


def _links(client: httpx.Client) -> list[Any]:
    answer = client.get("/wp-json/wp/v2/comments", params={"per_page": 100, "_fields": "id,link", "orderby": "id"})
    return answer.json() if answer.status_code == 200 else [answer.status_code, answer.text[:200]]


def test_comment_pages_as_wordpress_names_them(stack: StackHandle, service: str) -> None:
    """``get_comment_link``'s page (``get_page_of_comment``) under each discussion setting: every visible
    comment's link from the service equals WordPress's (threads, held and spam siblings, same-second and
    zero-GMT comments of the module's seed)."""
    wp, sv = visitor_clients(stack.components, service)
    named = 0
    with wp, sv:
        for per_page, first, threaded, depth, structure in PAGINGS:
            values = {"page_comments": "1", "comments_per_page": per_page, "default_comments_page": first,
                      "thread_comments": threaded, "thread_comments_depth": depth,
                      "permalink_structure": structure}  # fmt: skip
            with _options(stack, values):
                expected = _links(wp)
                try:
                    wait_for(lambda: _links(sv) == expected, 60, 0.2)  # noqa: B023 (called at once)
                except AssertionError:
                    pairs = [(a, b) for a, b in zip(expected, _links(sv), strict=False) if a != b]
                    raise AssertionError(f"{values}: {pairs[:3]}") from None
                named += sum("comment-page-" in item["link"] or "cpage=" in item["link"] for item in expected)
    print(f"\ncomment pages: {len(PAGINGS)} settings x {len(expected)} links equal, {named} naming a page")
    assert named > len(expected)  # the settings do name pages, in both permalink forms


def test_the_post_embedded_as_up_and_head_requests(stack: StackHandle, service: str) -> None:
    """``_embed=up`` of every visible comment (posts and pages, protected ones with their password) is
    WordPress's; HEAD answers carry WordPress's headers, ``Vary: Origin`` only with an ``Origin``."""
    wp, sv = visitor_clients(stack.components, service)
    urls = [f"/wp/v2/comments/{comment_id}?_embed=up" for comment_id in (1, 2, 7001, 7012, 7019, 7023)]
    urls += [f"/wp/v2/comments?{q}" for q in (
        "_embed=up&per_page=100", f"post={PROTECTED}&password=open-sesame&_embed=up",
        f"post={MEMBERS_PAGE}&password=members&_embed=up", "_embed=up,in-reply-to,children&per_page=100",
        "_embed=1&_fields=id,_links.up,_embedded",
    )]  # fmt: skip
    transport = {"date", "server", "connection", "content-length", "transfer-encoding"}
    heads = ["/wp-json/wp/v2/comments", "/wp-json/wp/v2/comments/1", "/wp-json/wp/v2/comments/999999",
             "/wp-json/wp/v2/comments?status=hold", "/?rest_route=/wp/v2/comments/2"]  # fmt: skip
    with wp, sv:
        embedded = compare(wp, sv, {"up": urls})  # the avatar of a comment without an email is random: noise
        for url in heads:
            for origin in ({}, {"Origin": "http://elsewhere.example"}):
                theirs, ours = wp.head(url, headers=origin), sv.head(url, headers=origin)
                mine = [(k, v) for k, v in ours.headers.multi_items() if k not in transport]
                assert (ours.status_code, mine) == (theirs.status_code, [
                    (k, v) for k, v in theirs.headers.multi_items() if k not in transport]), (url, origin)  # fmt: skip
                assert ("vary" in ours.headers) == bool(origin) and ours.content == b""
    print(f"\n_embed=up: {embedded.summary()}; HEAD: {2 * len(heads)} equal")
    assert embedded.all_equal and embedded.equal["up"] == len(urls), (embedded.failures, embedded.fallback_reasons)
