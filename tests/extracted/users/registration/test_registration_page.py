"""The registration page and the redirects, ours against the installed WordPress's wp-login.php, byte for byte.

Every site of ``SITES`` (URLs with and without https, a port, a subdirectory; names that texturize;
languages; indexing off; an XHTML site; a privacy policy page) with every request of ``REQUESTS`` (GET with
the arguments that change the page, POSTs WordPress refuses) and the POSTs it accepts or redirects
(``REDIRECTS``), each run as its own php-cli request of ``wp-login.php`` on an offline WordPress.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from registration_harness import OfflineWordPress, PhpRequest, first_difference
from registration_sites import OFFLINE_OPTIONS

from extracted.formatting.phpdata import php_serialize
from extracted.formatting.title import the_title
from extracted.users.registration import (
    NoUsers,
    PrivacyPolicyLink,
    RegistrationRequest,
    RegistrationSettings,
    SiteIcon,
    answer_registration,
)

pytestmark = pytest.mark.php

PRIVACY_TITLE = 'Privacy "Policy" -- isn\'t <it> & more...'
PRIVACY_PAGE = {
    "ID": 7,
    "post_author": "1",
    "post_date": "2020-01-01 00:00:00",
    "post_date_gmt": "2020-01-01 00:00:00",
    "post_content": "",
    "post_title": PRIVACY_TITLE,
    "post_excerpt": "",
    "post_status": "publish",
    "comment_status": "closed",
    "ping_status": "closed",
    "post_password": "",
    "post_name": "privacy-policy",
    "to_ping": "",
    "pinged": "",
    "post_modified": "2020-01-01 00:00:00",
    "post_modified_gmt": "2020-01-01 00:00:00",
    "post_content_filtered": "",
    "post_parent": 0,
    "guid": "",
    "menu_order": 0,
    "post_type": "page",
    "post_mime_type": "",
    "comment_count": "0",
}


ICON_SIZES = (512, 270, 192, 180, 32)
ICON_PAGE = {
    **PRIVACY_PAGE,
    "ID": 9,
    "post_title": "icon",
    "post_name": "icon",
    "post_status": "inherit",
    "post_type": "attachment",
    "post_mime_type": "image/png",
}
ICON_META = {
    "_wp_attached_file": ["2020/01/icon.png"],
    "_wp_attachment_metadata": [
        php_serialize(
            {
                "width": 512,
                "height": 512,
                "file": "2020/01/icon.png",
                "image_meta": {},
                "sizes": {
                    f"site_icon-{size}": {
                        "file": f"icon-{size}x{size}.png",
                        "width": size,
                        "height": size,
                        "mime-type": "image/png",
                    }
                    for size in ICON_SIZES[1:]
                },
            }
        )
    ],
}
UPLOADS = "http://example.test/wp-content/uploads/2020/01/"
SITE_ICON = SiteIcon(*(f"{UPLOADS}icon-{size}x{size}.png" for size in (32, 192, 180, 270)))


@dataclass(frozen=True)
class Site:
    name: str
    options: dict[str, Any]
    posts: tuple[dict[str, Any], ...] = ()
    privacy: PrivacyPolicyLink | None = None
    https: bool = False
    meta: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    icon: SiteIcon | None = None

    @property
    def settings(self) -> RegistrationSettings:
        options = {k: v for k, v in self.options.items() if isinstance(v, str)}
        return RegistrationSettings.from_options(options, privacy_policy=self.privacy, site_icon=self.icon)


def site(
    name: str,
    *,
    https: bool = False,
    posts: tuple[dict[str, Any], ...] = (),
    privacy: PrivacyPolicyLink | None = None,
    meta: dict[int, dict[str, list[str]]] | None = None,
    icon: SiteIcon | None = None,
    **options: Any,
) -> Site:
    return Site(name, {**OFFLINE_OPTIONS, **options}, posts, privacy, https, meta or {}, icon)


SITES = [
    site("plain"),
    site(
        "texturized name, German, not indexed",
        blogname="A & B \"quoted\" -- it's <b>x</b>... (c) 1'",
        WPLANG="de_DE",
        blog_public="0",
    ),
    site("escaped name as WordPress stores it", blogname="Tom &amp; Jerry&#039;s &lt;site&gt;", WPLANG="ca"),
    site(
        "https site in a subdirectory, visited over http",
        siteurl="https://example.test/wp",
        home="https://example.test",
    ),
    site(
        "https site in a subdirectory, visited over https",
        https=True,
        siteurl="https://example.test/wp",
        home="https://example.test/blog",
    ),
    site("a port, empty name", siteurl="http://localhost:8080", home="http://localhost:8080", blogname=""),
    site(
        "name 0, XHTML, another charset",
        blogname="0",
        html_type="application/xhtml+xml",
        blog_charset="ISO-8859-1",
        blog_public="",
    ),
    site(
        "privacy policy",
        wp_page_for_privacy_policy="7",
        posts=(PRIVACY_PAGE,),
        privacy=PrivacyPolicyLink("http://example.test/privacy-policy/", the_title(PRIVACY_TITLE)),
    ),
    site(
        "privacy policy page not published",
        wp_page_for_privacy_policy="7",
        posts=({**PRIVACY_PAGE, "post_status": "draft"},),
    ),
    site(
        "site icon and privacy policy",
        site_icon="9",
        wp_page_for_privacy_policy="7",
        posts=(ICON_PAGE, PRIVACY_PAGE),
        meta={9: ICON_META},
        icon=SITE_ICON,
        privacy=PrivacyPolicyLink("http://example.test/privacy-policy/", the_title(PRIVACY_TITLE)),
    ),
]


@dataclass(frozen=True)
class Visit:
    name: str
    method: str = "GET"
    query: dict[str, str] = field(default_factory=lambda: {"action": "register"})
    form: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    host: str | None = None
    raw_uri: str | None = None


def get(name: str, **query: str) -> Visit:
    return Visit(name, query={"action": "register", **query})


def post(name: str, query: dict[str, str] | None = None, /, **form: str) -> Visit:
    return Visit(name, "POST", query={"action": "register", **(query or {})}, form=form)


REQUESTS = [
    get("empty form"),
    get("redirect_to with quotes and markup", redirect_to="http://example.test/a\"b'c<d>&amp;\\e"),
    get("redirect_to 0", redirect_to="0"),
    get("redirect_to unicode", redirect_to="/café/ünïcode"),
    get("a language chosen", wp_lang="fr_FR"),
    get("a language with markup", wp_lang="<b>x</b>'y"),
    get("a language that sanitizes away", wp_lang="<b></b>"),
    Visit("a language cookie", cookies={"wp_lang": "pt_BR"}),
    Visit("a language in query and cookie", query={"action": "register", "wp_lang": "0"}, cookies={"wp_lang": "it_IT"}),
    get("interim login", **{"interim-login": "1"}),
    get("interim login empty, redirect", **{"interim-login": "", "redirect_to": "/x"}),
    post("nothing posted"),
    post("both empty", user_login="", user_email=""),
    post("invalid login, invalid email", user_login="bad<b>\\x\"'", user_email="nope"),
    post("login with accents, email with markup", user_login="José Ñandú", user_email='"<joe>"@example.com'),
    post("empty login, fine email", user_login="<b></b>", user_email="joe@example.com"),
    post("fine login, empty email", user_login="joe", user_email=""),
    post("fine login, invalid email", user_login="joe", user_email="joe@bücher.de"),
    post("login too long: registerfail", user_login="x" * 61, user_email="joe@example.com"),
    post("email too long: registerfail", user_login="joe", user_email="x" * 95 + "@e.com"),
    post("whitespace kept in the fields", user_login="  joe  ", user_email=" joe@example.com "),
    post(
        "redirect_to in query and form",
        {"redirect_to": "/from-query"},
        user_login="",
        user_email="",
        redirect_to="/from-form",
    ),
    post("redirect_to in query only", {"redirect_to": "/from-query"}, user_login="-", user_email="x"),
    post("redirect_to empty in form", {"redirect_to": "/from-query"}, user_login="", redirect_to=""),
    post("interim login posted", user_login="", user_email="", **{"interim-login": "1"}),
    post("language chosen while posting", {"wp_lang": "es_ES"}, user_login="", user_email="a@b.cd"),
]
REDIRECTS = [
    post("accepted", user_login="joe", user_email="joe@example.com"),
    *(
        post(f"accepted, redirect_to {target!r}", user_login="joe", user_email="joe@example.com", redirect_to=target)
        for target in [
            "0",
            "/custom",
            "http://example.test/x?y=1#z",
            "http://EXAMPLE.test/",
            "http://evil.test/",
            "//evil.test/a",
            "https://example.test/a b",
            "relative/path?x=1",
            "javascript:alert(1)",
            "/x'y\"z\\w",
            "/café",
            "http://user:pass@example.test/",
            "http://example.test:8080/",
            "http:example.test",
            "?only=query",
            "#fragment",
            "http://example.test@evil.test/",
            "/%0d%0aSet-Cookie:x",
            " /spaced ",
            "http://[::1]/",
        ]
    ),
    Visit("another Host", host="evil.test"),
    Visit(
        "a Host with a port and quotes in the URI",
        host="example.test:8080",
        raw_uri="/wp-login.php?action=register&x='\"<>",
    ),
    Visit("an absolute request URI", raw_uri="http://example.test/wp-login.php?action=register"),
    get("registration off", query_off="1"),
    post("registration off, posted", user_login="joe", user_email="joe@example.com", query_off="1"),
]


def wordpress_request(where: Site, visit: Visit) -> PhpRequest:
    options = dict(where.options)
    form = {k: v for k, v in visit.form.items() if k != "query_off"}
    query = {k: v for k, v in visit.query.items() if k != "query_off"}
    if "query_off" in visit.form or "query_off" in visit.query:
        options["users_can_register"] = "0"
    return PhpRequest(
        options=options,
        method=visit.method,
        query=query,
        form=form,
        cookies=visit.cookies,
        https=where.https,
        posts=where.posts,
        meta=where.meta,
        host=visit.host,
        raw_uri=visit.raw_uri,
    )


def our_answer(where: Site, visit: Visit) -> tuple[str, str | None]:
    request = wordpress_request(where, visit)
    settings = where.settings
    if request.options["users_can_register"] == "0":
        settings = RegistrationSettings.from_options(
            {k: v for k, v in request.options.items() if isinstance(v, str)}, privacy_policy=where.privacy
        )
    sent = request.as_json()
    answer = answer_registration(
        RegistrationRequest(
            request.method, request.query, request.form, request.cookies, where.https, sent["uri"], sent["host"]
        ),
        settings,
        NoUsers(),
    )
    location = dict(answer.headers).get("Location")
    return answer.body, location


def compare(wordpress: OfflineWordPress, pairs: list[tuple[Site, Visit]]) -> None:
    answers = wordpress.answer([wordpress_request(s, v) for s, v in pairs])
    differences = []
    for (where, visit), theirs in zip(pairs, answers, strict=True):
        body, location = our_answer(where, visit)
        if (body, location) != (theirs.body, theirs.location):
            differences.append((where.name, visit.name, location, theirs.location, first_difference(body, theirs.body)))
        assert theirs.status in (None, 302)
    assert differences == []


#: the requests every site is also seen with (the others are seen on the first site)
EVERY_SITE = (
    "empty form",
    "a language chosen",
    "interim login",
    "invalid login, invalid email",
    "fine login, empty email",
)


def test_every_page_request_and_every_site(offline_wordpress: OfflineWordPress) -> None:
    pairs = [(SITES[0], visit) for visit in REQUESTS]
    pairs += [(where, visit) for where in SITES[1:] for visit in REQUESTS if visit.name in EVERY_SITE]
    compare(offline_wordpress, pairs)


def test_redirects_after_registration_and_with_registration_off(offline_wordpress: OfflineWordPress) -> None:
    pairs = [(SITES[0], visit) for visit in REDIRECTS]
    pairs += [(where, visit) for where in SITES[1:6] for visit in REDIRECTS[:4] + REDIRECTS[-5:]]
    compare(offline_wordpress, pairs)


ACTIONS = [
    ({"action": "register"}, {}),
    ({"action": "register", "checkemail": "registered"}, {}),
    ({"action": "register", "key": "x"}, {}),
    ({"action": "Register"}, {}),
    ({}, {"action": "register"}),
    ({"action": "register"}, {"action": "login"}),
    ({"action": ""}, {}),
    ({"action": "register "}, {}),
]


def test_which_requests_are_registrations(offline_wordpress: OfflineWordPress) -> None:
    requests = [PhpRequest(options=OFFLINE_OPTIONS, method="POST", query=q, form=f) for q, f in ACTIONS]
    answers = offline_wordpress.answer(requests)
    theirs = ['id="registerform"' in answer.body for answer in answers]
    ours = [RegistrationRequest("POST", query, form).is_registration for query, form in ACTIONS]
    assert ours == theirs
    assert theirs.count(True) == 2
