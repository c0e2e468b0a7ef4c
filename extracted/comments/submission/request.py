"""A visit of ``wp-comments-post.php`` as WordPress reads it: PHP's ``$_POST``, ``$_COOKIE``, ``$_SERVER``.

    submission = parse_submission(method="POST", body=raw_body, content_type=headers["content-type"],
                                  cookie_header=raw_cookie_header, remote_addr=..., user_agent=raw_ua)

PHP parses a form-encoded body as ``parse_str`` does (``a[]=1`` makes arrays, ``.`` and spaces in names
become ``_``, the last of a repeated name wins) and the ``Cookie`` header its own way (the first of a
repeated name wins). WordPress then adds magic quotes to all of it and ``wp-comments-post.php`` removes
them (``wp_unslash``) from the form it hands to ``wp_handle_comment_submission``; ``form`` here holds
the values before the quotes, which is what that function sees. Bytes that are not UTF-8 are kept as
surrogates (``surrogateescape``): WordPress decides what to do with them (an author that is not UTF-8
is stored empty; content is cleaned when the database refuses it).

A multipart body is refused (``UnsupportedSubmissionError``): PHP parses it into the same ``$_POST``, but
that parser is not followed here, so let WordPress take it. Any other body gives an empty form, as PHP
does (which WordPress answers with an empty page: no post 0). PHP's ``max_input_vars`` (1000) and
``post_max_size`` limits are the caller's to enforce before parsing (a body over ``post_max_size``
reaches WordPress as an empty form).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from extracted.formatting.php import from_bytes
from extracted.rest.phpquery import parse_str, php_rawurlencode
from extracted.rest.types import Query, QueryValue

__all__ = ["CommentSubmission", "UnsupportedSubmissionError", "parse_cookie_header", "parse_form", "parse_submission"]

_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"


class UnsupportedSubmissionError(Exception):
    """A request these rules do not read (let WordPress answer it)."""


@dataclass(frozen=True)
class CommentSubmission:
    """One request to ``wp-comments-post.php``.

    ``form`` is ``$_POST`` (without WordPress's magic quotes), ``cookies`` ``$_COOKIE``, ``query``
    ``$_GET``; ``remote_addr`` is what WordPress sees as ``REMOTE_ADDR`` (behind a proxy: the address
    PHP-FPM is given, not ``X-Forwarded-For``), ``user_agent`` the ``User-Agent`` header (None when the
    request has none), ``https`` whether WordPress sees the request as https (``is_ssl()``),
    ``request_uri`` the path and query requested, ``protocol`` ``SERVER_PROTOCOL``.
    """

    method: str = "POST"
    form: Query = field(default_factory=dict)
    cookies: Mapping[str, QueryValue] = field(default_factory=dict)
    query: Query = field(default_factory=dict)
    remote_addr: str = ""
    user_agent: str | None = None
    https: bool = False
    request_uri: str = "/wp-comments-post.php"
    protocol: str = "HTTP/1.1"

    def given(self, name: str) -> bool:
        """``isset($_POST[name])``."""
        return name in self.form

    def text(self, name: str) -> str | None:
        """The posted field when it is a string (WordPress ignores arrays where it asks ``is_string``)."""
        value = self.form.get(name)
        return value if isinstance(value, str) else None

    def cookie(self, name: str) -> QueryValue | None:
        return self.cookies.get(name)


def _content_type(header: str | None) -> str:
    """The media type as PHP's SAPI compares it: lowercased, up to the first ``;``, ``,`` or space."""
    value = header or ""
    for stop in (";", ",", " "):
        value = value.split(stop, 1)[0]
    return value.lower()


def parse_form(body: bytes) -> Query:
    """``$_POST`` of a form-encoded body."""
    return parse_str(from_bytes(body))


def parse_cookie_header(header: bytes) -> dict[str, QueryValue]:
    """``$_COOKIE`` from the ``Cookie`` header: ``;``-separated, names as sent, values raw-URL-decoded."""

    plain: dict[str, QueryValue] = {}
    arrays: list[str] = []
    for piece in header.split(b";"):
        name, equals, value = piece.partition(b"=")
        name = name.lstrip(b" \t\n\r\x0b\x0c")
        if not name:
            continue
        decoded = from_bytes(unquote_to_bytes(value)) if equals else ""
        # registered as parse_str registers a pair (names made safe, ``[...]`` makes arrays), names as sent
        pair = php_rawurlencode(from_bytes(name)) + "=" + php_rawurlencode(decoded)
        for key, item in parse_str(pair).items():
            if isinstance(item, str):
                plain.setdefault(key, item)  # a plain cookie: the first of a name wins
            else:
                arrays.append(pair)
    cookies = dict(plain)
    cookies.update(parse_str("&".join(arrays)))  # an array replaces a plain value of its name
    return cookies


def parse_submission(
    *,
    method: str,
    body: bytes = b"",
    content_type: str | None = None,
    cookie_header: bytes | None = None,
    query_string: str = "",
    remote_addr: str = "",
    user_agent: bytes | None = None,
    https: bool = False,
    request_uri: str = "/wp-comments-post.php",
    protocol: str = "HTTP/1.1",
) -> CommentSubmission:
    """The submission PHP and WordPress read from a request (``UnsupportedSubmissionError`` for multipart)."""
    media_type = _content_type(content_type)
    form: Query = {}
    if method == "POST":
        if media_type == _MULTIPART:
            raise UnsupportedSubmissionError("a multipart/form-data comment (PHP's multipart parser is not followed)")
        if media_type == _FORM:
            form = parse_form(body)
    return CommentSubmission(
        method=method,
        form=form,
        cookies=parse_cookie_header(cookie_header) if cookie_header else {},
        query=parse_str(query_string) if query_string else {},
        remote_addr=remote_addr,
        user_agent=None if user_agent is None else from_bytes(user_agent),
        https=https,
        request_uri=request_uri,
        protocol=protocol,
    )
