"""WordPress's whole answer to ``wp-login.php?action=register``: status, its own headers and body.

    answer = answer_registration(request, settings, lookup)
    if answer.accepted is not None:
        ...  # create the user (answer.accepted), then send the answer: a redirect
    respond(answer.status, answer.headers, answer.body)

A plain http request to a site whose admin is forced to https (its ``siteurl`` is https) is first
redirected to https. With registration off, GET and POST alike are redirected to
``wp-login.php?registration=disabled``; on,
a GET gets the form, a refused POST the form with its errors, an accepted POST a redirect to
``redirect_to`` (when it stays on the site) or ``wp-login.php?checkemail=registered``. Every answer
carries the headers ``wp-login.php`` sends before it looks at the action: no caching, the content type,
the test cookie (and ``wp_lang``'s, when the query chose a language), ``X-Frame-Options``. The server's
own headers (``Date``, ``Server``…) are not WordPress's and not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from extracted.formatting.urls import parse_url

from .page import RegistrationSettings, render_registration_page
from .redirects import disabled_location, https_location, registered_location
from .request import RegistrationRequest
from .validation import Accepted, RegistrationError, UserLookup, check_registration

Headers = tuple[tuple[str, str], ...]
TEST_COOKIE = "wordpress_test_cookie"
_HOST_PART = re.compile(r"https?://[^/]+", re.IGNORECASE)


@dataclass(frozen=True)
class RegistrationAnswer:
    status: int
    headers: Headers
    body: str
    accepted: Accepted | None = None  # the user WordPress would now create (a POST it accepted)


def _cookie(name: str, value: str, path: str, *, secure: bool) -> tuple[str, str]:
    """PHP's ``setcookie($name, $value, 0, $path, '', $secure)``: the value raw-URL-encoded."""
    return "Set-Cookie", f"{name}={quote(value, safe='-_.~')}; path={path}" + ("; secure" if secure else "")


def _cookie_path(url: str) -> str:
    """``COOKIEPATH``/``SITECOOKIEPATH``: the option's URL without its scheme and host, with a ``/`` after."""
    return _HOST_PART.sub("", url + "/")


def common_headers(settings: RegistrationSettings, request: RegistrationRequest) -> Headers:
    """What ``wp-login.php`` sends on every answer, in the order PHP-FPM passes them (its content type first)."""
    secure = settings.urls(https=request.https).login_url.startswith("https:")
    headers = [
        ("Content-Type", f"{settings.html_type}; charset={settings.blog_charset}"),
        ("Expires", "Wed, 11 Jan 1984 05:00:00 GMT"),
        ("Cache-Control", "no-cache, must-revalidate, max-age=0"),
    ]
    cookie_path, site_cookie_path = _cookie_path(settings.home_url), _cookie_path(settings.site_url)
    headers.append(_cookie(TEST_COOKIE, "WP Cookie check", cookie_path, secure=secure))
    if site_cookie_path != cookie_path:
        headers.append(_cookie(TEST_COOKIE, "WP Cookie check", site_cookie_path, secure=secure))
    language = request.language_cookie
    if language is not None:
        headers.append(_cookie("wp_lang", language, cookie_path, secure=secure))
    headers.append(("X-Frame-Options", "SAMEORIGIN"))
    return tuple(headers)


def _netloc(url: str) -> str:
    parts = parse_url(url)
    if parts is None or parts.host is None:
        return ""
    return parts.host + (f":{parts.port}" if parts.port is not None else "")


def _redirect(settings: RegistrationSettings, request: RegistrationRequest, location: str) -> tuple[int, Headers]:
    return 302, (*common_headers(settings, request), ("X-Redirect-By", "WordPress"), ("Location", location))


def answer_registration(
    request: RegistrationRequest, settings: RegistrationSettings, lookup: UserLookup
) -> RegistrationAnswer:
    """WordPress's answer to a registration request (``request.is_registration`` must be true)."""
    if not request.is_registration:
        raise ValueError(f"not a registration request: wp-login.php would perform {request.action!r}")
    urls = settings.urls(https=request.https)
    if urls.force_ssl_admin and not request.https:  # before anything else, even the headers
        host = request.host if request.host is not None else _netloc(settings.home_url)
        location = https_location(host, request.request_uri, urls=urls)
        # WordPress has set no header yet: PHP sends its default content type (not checked live: no https stack)
        headers: Headers = (
            ("Content-Type", "text/html; charset=UTF-8"),
            ("X-Redirect-By", "WordPress"),
            ("Location", location),
        )
        return RegistrationAnswer(302, headers, "")
    if not settings.users_can_register:
        status, headers = _redirect(settings, request, disabled_location(urls))
        return RegistrationAnswer(status, headers, "")
    errors: tuple[RegistrationError, ...] = ()
    if request.is_post:
        outcome = check_registration(
            request.posted("user_login"),
            request.posted("user_email"),
            rules=settings.rules(https=request.https),
            lookup=lookup,
        )
        if isinstance(outcome, Accepted):
            posted_redirect = request.form.get("redirect_to")
            location = registered_location(posted_redirect, urls=urls, request_uri=request.request_uri)
            status, headers = _redirect(settings, request, location)
            return RegistrationAnswer(status, headers, "", accepted=outcome)
        errors = outcome.errors
    body = render_registration_page(settings, request, errors)
    return RegistrationAnswer(200, common_headers(settings, request), body)
