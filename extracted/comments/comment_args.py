"""The comments routes' arguments, as WordPress 6.1's comments controller registers them, and the request
as the permission checks read it.

Arguments are checked and converted by ``extracted.rest`` (WordPress's order and messages): those with a
``validate_callback`` first (context, page, per_page, search, status, type), the others while being
sanitized. Two schema formats are the comments' own: ``date-time`` as ``rest_parse_date`` accepts it
(``strtotime``: ``2024-02-30`` is a date) and ``email`` (``is_email``, then ``sanitize_text_field``).

The permission checks run on the request as WordPress holds it at that point (:class:`RequestView`):
when the arguments are valid, their sanitized values; when they are not (WordPress then still asks the
permission callbacks, to decide on the ``Allow`` header), the raw values of arguments not sanitized yet.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from extracted.formatting.sanitize import is_email
from extracted.rest import (
    CONTEXT,
    Arg,
    Invalid,
    Query,
    QueryValue,
    RestError,
    ServiceUnavailableError,
    base_args,
    check_scalar,
    parse_args,
    sanitize_key,
    sanitize_text_field,
)

from .dates import Unmodelled, php_date_time

__all__ = ["ORDERBY", "SERVICE", "Request", "RequestView", "collection_args", "item_args", "php_array", "php_empty",
           "read"]  # fmt: skip

SERVICE = "comments"
ORDERBY = ("date", "date_gmt", "id", "include", "post", "parent", "type")
_IDS: dict[str, Any] = {"type": "array", "items": "integer", "default": []}


@dataclass(frozen=True)
class DateTimeArg(Arg):
    """A ``date-time`` string, valid as ``rest_parse_date`` finds it; the checked value stays the text."""

    def check(self, value: QueryValue) -> Any:
        text = check_scalar("string", value, self.name, (), self)
        try:
            moment = php_date_time(text)
        except Unmodelled as error:
            raise ServiceUnavailableError(str(error), service=SERVICE, unavailable="date-time") from None
        if moment is None:
            raise Invalid("rest_invalid_date", "Invalid date.")
        return text


@dataclass(frozen=True)
class EmailArg(Arg):
    """An ``email`` string (``is_email``: even ``""`` is refused), sanitized as text."""

    def check(self, value: QueryValue) -> Any:
        text = check_scalar("string", value, self.name, (), self)
        if not is_email(text):
            raise Invalid("rest_invalid_email", "Invalid email address.")
        return sanitize_text_field(text)


def collection_args() -> list[Arg]:
    """``get_collection_params``, in registration order."""
    return [
        *base_args(),
        DateTimeArg("after", "string"),
        Arg("author", "array", items="integer"),
        Arg("author_exclude", "array", items="integer"),
        EmailArg("author_email", "string"),
        DateTimeArg("before", "string"),
        Arg("exclude", **_IDS),
        Arg("include", **_IDS),
        Arg("offset", "integer"),
        Arg("order", "string", enum=("asc", "desc"), default="desc"),
        Arg("orderby", "string", enum=ORDERBY, default="date_gmt"),
        Arg("parent", **_IDS),
        Arg("parent_exclude", **_IDS),
        Arg("post", **_IDS),
        Arg("status", "string", default="approve", checked_first=True, sanitize=sanitize_key),
        Arg("type", "string", default="comment", checked_first=True, sanitize=sanitize_key),
        Arg("password", "string"),
    ]


def item_args() -> list[Arg]:
    """``/comments/{id}``: the route's ``id``, then the endpoint's context and password."""
    return [Arg("id", "integer"), CONTEXT, Arg("password", "string")]


@dataclass(frozen=True)
class RequestView:
    """``$request[...]`` as the permission checks see it: query values (sanitized where WordPress had
    sanitized them), then the route's URL parameters, then the arguments' defaults."""

    values: Mapping[str, Any]
    url_params: Mapping[str, Any] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        for source in (self.values, self.url_params, self.defaults):
            if name in source:
                return source[name]
        return None


def _best_effort(args: Sequence[Arg], query: Query) -> dict[str, Any]:
    """The query after a failed check: nothing sanitized when a validate callback failed, else every
    argument that passed sanitized, the others raw (``WP_REST_Request::sanitize_params`` goes on)."""
    by_name = {arg.name: arg for arg in args}
    values: dict[str, Any] = dict(query)
    for arg in args:
        if arg.checked_first and arg.name in query:
            try:
                arg.check(query[arg.name])
            except (Invalid, RestError):
                return values
    for name, raw in query.items():
        if name in by_name:
            with contextlib.suppress(Invalid, RestError):
                values[name] = by_name[name].check(raw)
    return values


@dataclass(frozen=True)
class Request:
    """A request's arguments: all of them checked (with defaults) or the error, and the permission checks' view."""

    view: RequestView
    args: dict[str, Any] = field(default_factory=dict)
    error: RestError | None = None


def read(args: Sequence[Arg], query: Query, url_params: Mapping[str, Any] | None = None) -> Request:
    """The request's arguments (checked, sanitized, with defaults) and their error, if any."""
    defaults = {arg.name: arg.default for arg in args if arg.default is not None}
    try:
        values = parse_args(args, query)
    except RestError as error:
        return Request(RequestView(_best_effort(args, query), url_params or {}, defaults), error=error)
    given = {name: values.get(name, raw) for name, raw in query.items()}
    return Request(RequestView(given, url_params or {}, defaults), values)


def php_empty(value: Any) -> bool:
    """PHP's ``empty()`` of a request value (a raw string or array, or a sanitized value)."""
    if value is None or value is False:
        return True
    if isinstance(value, int):
        return value == 0
    if isinstance(value, str):
        return value in ("", "0")
    return isinstance(value, list | dict) and not value


def php_array(value: Any) -> list[Any]:
    """PHP's ``(array)`` cast: a list stays, an array's values, a scalar in a list, null nothing."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return [value]
