"""Writes to ``/wp/v2/comments`` and ``/wp/v2/comments/{id}`` as WordPress 6.1's REST server answers an
anonymous visitor: pure over the request's method, route, query, body and content type (and the store).

WordPress takes no comment from a visitor through the REST API: ``create_item_permissions_check``
answers 401 ``rest_comment_login_required`` whether ``comment_registration`` is on or off (the
``rest_allow_anonymous_comments`` filter is false). The server asks it only after the arguments
(``has_valid_params``: a JSON body's ``rest_invalid_json``, then every invalid argument; then
``sanitize_params``' errors), as :mod:`.write_args` checks them. A comment's update (``POST``, ``PUT``,
``PATCH``) and delete go the same way, then ``get_comment``'s 404s, then 401 ``rest_cannot_edit`` /
``rest_cannot_delete``; ``PUT``, ``PATCH`` and ``DELETE`` of the collection are ``rest_no_route``. So
every answer is an error and nothing is ever stored (a dry run is answered the same).

``Allow`` (``rest_send_allow_header``) lists the methods whose permission callback passes for the
request as it stands after the checks: for a visitor only ``GET``'s can, read with the write route's
arguments (a ``POST`` has no ``status`` default, so the collection's ``GET`` check passes only when
the request says ``status=approve&type=comment``). A value of a JSON type those checks are not known
to read as PHP does (a float, a boolean) is declined there. WordPress sends ``Vary: Origin`` only to a
``GET`` without an ``Origin``; with one, its CORS headers and ``Vary``.

Declined with a 503 (:func:`declined_write`), for WordPress to answer: credentials (login or post
password cookies, ``Authorization``, nonces), the request forms ``extracted.rest`` declines, any
other route, and what :mod:`.write_params` does not read as PHP does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NoReturn
from urllib.parse import unquote

from sqlalchemy import Connection, Engine, select
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response

from extracted.rest import (
    Query,
    Reply,
    RestError,
    ServiceUnavailableError,
    WriteAnswer,
    declined_form,
    denied,
    encode_answer,
    encode_unavailable,
    no_route,
    parse_str,
    send,
)

from . import schema
from .access import Posts
from .api import _item_permission, _items_permission  # the read routes' checks, which Allow asks again
from .comment_args import SERVICE, RequestView
from .site import CommentsSite, load_site
from .write_args import Unclamped, WriteArg, check_params, creatable_args, deletable_args, editable_args, php_int_cast
from .write_params import JsonError, Sources, WriteRequest, sources_of

__all__ = ["answer_write", "declined_write", "write_answer"]

_COLLECTION = re.compile(r"/wp/v2/comments", re.IGNORECASE)
_ITEM = re.compile(r"/wp/v2/comments/(?P<id>[0-9]+)", re.IGNORECASE)  # PCRE's \d: ASCII digits
#: what the read routes' permission checks read of a request (the collection's, a comment's)
_READ_BY_LISTING = ("post", "context", "author", "author_exclude", "author_email", "password", "id", "status", "type")
_READ_BY_ITEM = ("id", "context", "password", "post")
_PERSONAL_COOKIES = ("wordpress_", "wp-postpass_")


def _decline(what: str, why: str) -> ServiceUnavailableError:
    return ServiceUnavailableError(why, service=SERVICE, unavailable=what)


def _view(sources: Sources) -> RequestView:
    """``$request[...]``: each name's first non-null value over the sources."""
    values: dict[str, Any] = {}
    for _, given in sources:
        for name, value in given.items():
            if value is not None:
                values.setdefault(name, value)
    return RequestView(values)


def _plain_view(sources: Sources, names: tuple[str, ...]) -> RequestView:
    """The view, declined where a permission check would read one of ``names`` otherwise than PHP: a
    float (``empty(0.0)``), a boolean in an array (``0 === false``), a value PHP's ``(int)`` clamps."""
    view = _view(sources)
    for name in names:
        value = view.get(name)
        items = list(value.values()) if isinstance(value, dict) else value if isinstance(value, list) else []
        if isinstance(value, float | Unclamped) or any(isinstance(item, float | bool | Unclamped) for item in items):
            raise _decline("request json", f"a {name} the permission checks may read otherwise than PHP")
        if name == "id" and isinstance(value, list):
            raise _decline("request json", "an id list the permission checks may read otherwise than PHP")
        if name in ("id", "post") and isinstance(value, str | int):
            php_int_cast(value)  # declines ids PHP would clamp
    return view


def _invalid_json(error: JsonError) -> RestError:
    extra = {"json_error_code": error.code, "json_error_message": error.message}
    return RestError("rest_invalid_json", "Invalid JSON body passed.", 400, extra)


def _checked(args: list[WriteArg], request: WriteRequest, query: Query,
             url_params: dict[str, Any]) -> tuple[Sources, RestError | None]:  # fmt: skip
    """The sources after ``has_valid_params`` and ``sanitize_params``, and their error."""
    defaults = {arg.name: arg.default for arg in args if arg.default is not None}
    sources, json_error = sources_of(request, query, url_params, defaults)
    if json_error is not None:
        return sources, _invalid_json(json_error)
    checked = check_params(args, sources)
    return checked.sources, checked.error


def _create(connection: Connection, request: WriteRequest, query: Query) -> NoReturn:
    """``POST /comments``: the arguments' error, else the login the visitor does not have."""
    if request.method != "POST":
        raise no_route()
    sources, error = _checked(creatable_args(), request, query, {})
    error = error or denied("rest_comment_login_required", "Sorry, you must be logged in to comment.")
    view = _view(sources)
    may_list = view.get("status") == "approve" and view.get("type") == "comment"  # else GET's check fails
    listed = may_list and _items_permission(Posts(connection), _plain_view(sources, _READ_BY_LISTING)) is None
    error.permission = not listed
    raise error


def _comment_error(connection: Connection, view: RequestView) -> RestError | None:
    """``get_comment($request['id'])``'s errors."""
    comment_id = php_int_cast(view.get("id"))
    comments = schema.comments
    row = connection.execute(select(comments.c.post_id).where(comments.c.id == comment_id)).first()
    if comment_id <= 0 or row is None:
        return denied("rest_comment_invalid_id", "Invalid comment ID.", 404)
    if row.post_id and Posts(connection).get(int(row.post_id)) is None:
        return denied("rest_post_invalid_id", "Invalid post ID.", 404)
    return None


def _change(connection: Connection, request: WriteRequest, query: Query, comment_id: str) -> NoReturn:
    """An update or a delete of ``/comments/{id}``: the arguments' error, ``get_comment``'s, else 401."""
    deleting = request.method == "DELETE"
    args = deletable_args() if deleting else editable_args()
    code, action = ("rest_cannot_delete", "delete") if deleting else ("rest_cannot_edit", "edit")
    refused = denied(code, f"Sorry, you are not allowed to {action} this comment.")
    sources, error = _checked(args, request, query, {"id": comment_id})
    view = _plain_view(sources, _READ_BY_ITEM)
    error = error or _comment_error(connection, view) or refused
    error.permission = _item_permission(connection, Posts(connection), view) is not None
    raise error


def _normalised(route: str) -> str:
    """``untrailingslashit``: trailing slashes and backslashes go."""
    return route.rstrip("/\\") or "/"


def answer_write(connection: Connection, site: CommentsSite, request: WriteRequest) -> Reply:
    """WordPress's answer to a write to the comments routes (without ``Vary``: see the module)."""
    query = parse_str(request.query)
    route = _normalised(request.route)
    endpoint: Callable[[], NoReturn]
    item = _ITEM.fullmatch(route)
    if _COLLECTION.fullmatch(route):
        endpoint = lambda: _create(connection, request, query)  # noqa: E731
    elif item is not None:
        endpoint = lambda: _change(connection, request, query, item["id"])  # noqa: E731
    else:
        raise _decline("route", f"{request.method} {route[:80]}: not a comments route")
    reply = encode_answer(site, query, endpoint, lambda href: [])
    return Reply(reply.status, [header for header in reply.headers if header != ("Vary", "Origin")], reply.body)


def _cookie_names(headers: Headers) -> list[str]:
    """The request's cookie names as PHP names them in ``$_COOKIE``."""
    header = headers.get("cookie", "")
    names = (pair.split("=", 1)[0] for pair in header.split(";"))
    return [unquote(name).strip().replace(".", "_").replace(" ", "_").lower() for name in names]


def declined_write(method: str, headers: Headers, path: str, query: str) -> ServiceUnavailableError | None:
    """Why a write request is WordPress's to answer before its body is read: credentials, a
    ``/wp-json/...`` path with a ``rest_route`` query argument (``WP::parse_request`` takes the query's),
    a ``PUT``, ``PATCH`` or ``DELETE`` of ``/`` (nginx answers it: the directory's index is for reads and
    ``POST`` only)."""
    if "authorization" in headers or "x-wp-nonce" in headers:
        return _decline("credentials", "an Authorization or X-WP-Nonce header")
    if any(name.startswith(_PERSONAL_COOKIES) and name != "wordpress_test_cookie" for name in _cookie_names(headers)):
        return _decline("credentials", "a login or post password cookie")
    if len(headers.getlist("content-type")) > 1:
        return _decline("request body", "several Content-Type headers")
    if path.startswith("/wp-json") and "rest_route" in parse_str(query):
        return _decline("request rest_route", "a rest_route argument on a /wp-json/ path")
    if path == "/" and method != "POST":
        return _decline("request method", f"{method} / (nginx's answer, not WordPress's)")
    return None


def write_answer(engine: Engine) -> WriteAnswer:
    """The :data:`~extracted.rest.WriteAnswer` of :func:`~extracted.rest.rest_write_routes` for the store."""

    def answer(route: str, request: Request, body: bytes | None) -> Response:
        declined = declined_form(request, service=SERVICE) or declined_write(
            request.method.upper(), request.headers, request.url.path, request.url.query)  # fmt: skip
        if declined is None and body is None:
            declined = _decline("request body", "a body longer than the service reads")
        if declined is not None:
            return send(request, encode_unavailable(declined))
        written = WriteRequest(request.method.upper(), route, request.url.query, body or b"",
                               request.headers.get("content-type"))  # fmt: skip
        try:
            with engine.connect() as connection:
                reply = answer_write(connection, load_site(connection), written)
        except ServiceUnavailableError as error:
            return send(request, encode_unavailable(error))
        if request.headers.get("origin"):  # rest_send_cors_headers: the CORS headers (send adds them), then Vary
            reply = Reply(reply.status, [*reply.headers, ("Vary", "Origin")], reply.body)
        return send(request, reply)

    return answer
