"""``WP_REST_Server::serve_request`` after dispatch: an endpoint's :class:`Answer` (or its
:class:`RestError`) becomes WordPress's status, headers in WordPress's order, and ``json_encode``'s bytes.

``Allow: GET`` follows an answer and an argument error (anonymous visitors may only read), not a
permission check's error nor ``rest_no_route``. ``_envelope`` wraps the body, status and the
endpoint's headers in a 200. A :class:`ServiceUnavailableError` is never enveloped: the proxy must see
the 503 (:func:`encode_unavailable`) to fall back to WordPress.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .errors import RestError, ServiceUnavailableError
from .phpjson import php_json
from .responses import BASE_HEADERS, Answer
from .shaping import Shape, answer_body
from .types import Headers, Query, Resolver, RestSite

CONTENT_TYPE = "application/json; charset=UTF-8"
UNAVAILABLE_HEADER = "X-Strangler-Unavailable"
#: the last header of every REST answer to a GET (``rest_send_cors_headers``)
VARY_ORIGIN = ("Vary", "Origin")


@dataclass(frozen=True)
class Reply:
    """An answer as sent: status, headers (names as WordPress writes them, values as text) and body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def response_headers(site: RestSite, own: Headers) -> list[tuple[str, str]]:
    """The REST server's headers around an endpoint's own (``own``): the REST index ``Link`` unless
    the endpoint sends a ``Link``, and ``Vary: Origin`` last."""
    headers = [("Content-Type", CONTENT_TYPE), BASE_HEADERS[0]]
    if not any(name == "Link" for name, _ in own):
        headers.append(("Link", f'<{site.urls.rest_url("/")}>; rel="https://api.w.org/"'))
    headers += [*BASE_HEADERS[1:], *((name, str(value)) for name, value in own), VARY_ORIGIN]
    return headers


def encode_answer(site: RestSite, query: Query, endpoint: Callable[[], Answer], resolve: Resolver) -> Reply:
    """The reply to a request whose route ``endpoint`` answers (or raises :class:`RestError` for), shaped
    as ``query`` asks (context, ``_fields``, ``_embed`` through ``resolve``, ``_envelope``).

    Raises :class:`ServiceUnavailableError` (from the endpoint or an embed) for :func:`encode_unavailable`.
    """
    shape = Shape.of(query)
    own: Headers
    try:
        answer = endpoint()
        status, body = answer.status, answer_body(answer, shape, resolve)
        own = [*answer.headers, ("Allow", "GET")]
    except RestError as error:
        status, body = error.status, error.body()
        own = [] if error.permission or error.code == "rest_no_route" else [("Allow", "GET")]
    if shape.envelope:
        body = {"body": body, "status": status, "headers": dict(own)}
        own, status = [], 200
    return Reply(status, response_headers(site, own), php_json(body))


def encode_unavailable(error: ServiceUnavailableError) -> Reply:
    """503 with ``X-Strangler-Unavailable`` and the error's JSON body: the proxy serves WordPress's answer."""
    headers = [("Content-Type", CONTENT_TYPE), (UNAVAILABLE_HEADER, error.unavailable)]
    return Reply(503, headers, php_json(error.body()))
