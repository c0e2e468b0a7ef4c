"""The WordPress 6.1 REST layer every extracted service answers through, byte for byte.

A service writes endpoints that return an :class:`Answer` (one :class:`Item` or a list: view-context
data, HAL :data:`Links`, the fields the embed context keeps, plus headers) or raise a
:class:`RestError`; this package does the rest the way ``WP_REST_Server`` does. It knows nothing of
any one service (it never imports one; ``tests/extracted/rest`` checks it).

Request side
    :func:`parse_str` (PHP's query parsing: ``a[]=1`` arrays); :class:`Arg` and :func:`parse_checked`
    check and convert arguments with WordPress's exact errors (``rest_invalid_param``, ``Allow`` only
    if the permission check passes), :data:`CONTEXT`, :func:`base_args` (context, page, per_page,
    search), :func:`listing_args` (the terms/users controllers' collection arguments),
    :func:`parse_date`; :func:`sanitized_query` is the query as WordPress holds it after sanitizing.
    A schema type of a service's own subclasses :class:`Arg` (``check``/``query_value``) with
    :func:`check_scalar`, :func:`check_array`, :func:`parse_list` and :class:`Invalid`.
    :func:`unsupported_form` names the forms of request no service reproduces (``_jsonp``, method
    overrides, invalid UTF-8, NUL bytes, a rewritten ``Origin``); :func:`cors_headers`.

Errors
    :class:`RestError` (a ``WP_Error``: ``body()``, ``status``, ``permission``), :func:`denied` (of a
    permission check), :func:`no_route`, :func:`invalid_params`. :class:`ServiceUnavailableError`
    (``service``, ``unavailable``) declines a whole request: 503 with ``X-Strangler-Unavailable`` and
    the code ``strangler_<service>_unavailable``, never enveloped, so the proxy serves WordPress's
    answer; :class:`UnsupportedRequestError` (``kind``) is the request-form case.

URLs and links
    :class:`Site`: the URL options (``home``, ``permalink_structure``, bases, front page) with
    ``rest_url``, ``post_link``, ``page_link``, ``term_link``, ``author_link``, ``trailing``. A service's
    site state is a :class:`RestSite` (it has ``urls: Site``). :func:`link`, :func:`with_query`,
    :func:`add_query_arg`, :func:`build_query`, :func:`php_urlencode`, :func:`php_rawurlencode`,
    :func:`compact` (``wp:`` curies); :func:`listing_headers`/:func:`pagination_headers`
    (``X-WP-Total``, ``X-WP-TotalPages``, ``Link`` prev/next), :func:`page_window`.

Response side
    :class:`Shape` (``context``, ``_fields``, ``_embed``, ``_envelope`` of a query), :func:`field_included`,
    :func:`answer_body`; :func:`embed_resolver` follows embeddable links through the service's
    :data:`EmbedTarget` (:func:`split_href` finds the route of one of the site's own URLs);
    :func:`encode_answer` → :class:`Reply` (status, headers in WordPress's order, :func:`php_json`
    bytes; :class:`JsonObject` stays ``{}``), :func:`encode_unavailable` (the 503),
    :func:`response_headers`, :data:`BASE_HEADERS`, :data:`CONTENT_TYPE`.

Avatars and post types
    :func:`avatar_urls` (``rest_get_avatar_urls`` of an email, :data:`AVATAR_SIZES`, :func:`gravatar_hash`;
    the site state is an :class:`AvatarSettings`); :data:`POST_TYPE_ROUTES`, :func:`route_for_post`
    (``rest_get_route_for_post``) and :data:`REGISTERED_POST_TYPES` of stock WordPress 6.1.

Searching and sorting as MariaDB does
    ``extracted.rest.collation`` (imported as a module): ``utf8mb4_unicode_520_ci`` for ``LIKE``
    (:func:`~extracted.rest.collation.collated_like`), :func:`~extracted.rest.collation.like_pattern`,
    :func:`~extracted.rest.collation.sort_key`.

HTTP (Starlette)
    :func:`rest_routes` (``/wp-json/ROUTE``, ``/?rest_route=ROUTE``, ``/index.php?rest_route=ROUTE``, GET
    and HEAD) around a service's :data:`RouteAnswer`; :func:`rest_write_routes` the same paths for the
    write methods a service answers (:data:`WRITE_METHODS`), around its :data:`WriteAnswer` (with the
    body); :func:`declined_form` (the request's declined form, if any), :func:`send` (a reply as
    WordPress sends it: HEAD, CORS, header bytes),
    :func:`request_url` (the URL as PHP sees it); :func:`send_page` (a page's reply, not the API's),
    :func:`is_dry_run` (the proxy's :data:`DRY_RUN_HEADER` on a shadow copy: answer, act on nothing).

    :func:`store_answer` is the whole ``answer`` of a service whose endpoints read its store
    (:class:`StoreEndpoints`: the site loader, ``dispatch`` and the routes it serves; embeds of its own
    routes, declines as bare 503s); :func:`render_from_store` is one answer of it.

A minimal service::

    endpoints = StoreEndpoints("users", load_site, dispatch, is_served)
    app = Starlette(routes=rest_routes(store_answer(engine, endpoints)))
"""

from .avatars import AVATAR_SIZES, AvatarSettings, avatar_urls, gravatar_hash
from .collection import listing_args, listing_headers, page_window, pagination_headers
from .embedding import embed_resolver, split_href
from .errors import RestError, ServiceUnavailableError, UnsupportedRequestError, denied, invalid_params, no_route
from .http import (
    DRY_RUN_HEADER,
    WRITE_METHODS,
    RouteAnswer,
    WriteAnswer,
    declined_form,
    is_dry_run,
    request_url,
    rest_routes,
    rest_write_routes,
    send,
    send_page,
)
from .links import CURIES, compact, link, with_query
from .params import (
    CONTEXT,
    Arg,
    Invalid,
    base_args,
    check_array,
    check_scalar,
    parse_args,
    parse_checked,
    parse_date,
    parse_list,
    php_list,
    php_query_value,
    sanitize_key,
    sanitized_query,
    to_int,
)
from .phpjson import JsonObject, php_json
from .phpquery import add_query_arg, build_query, parse_str, php_rawurlencode, php_urlencode
from .post_types import POST_TYPE_ROUTES, REGISTERED_POST_TYPES, route_for_post
from .request_forms import cors_headers, unsupported_form
from .responses import BASE_HEADERS, Answer, Item
from .server import CONTENT_TYPE, UNAVAILABLE_HEADER, Reply, encode_answer, encode_unavailable, response_headers
from .shaping import Shape, answer_body, field_included
from .store_answers import RouteTable, StoreEndpoints, dispatch_route, render_from_store, serves_route, store_answer
from .text import sanitize_text_field, strip_all_tags
from .types import EmbedTarget, Headers, Links, Query, QueryValue, Resolver, RestSite
from .urls import Site

__all__ = [
    "AVATAR_SIZES",
    "BASE_HEADERS",
    "CONTENT_TYPE",
    "CONTEXT",
    "CURIES",
    "DRY_RUN_HEADER",
    "POST_TYPE_ROUTES",
    "REGISTERED_POST_TYPES",
    "UNAVAILABLE_HEADER",
    "WRITE_METHODS",
    "Answer",
    "Arg",
    "AvatarSettings",
    "EmbedTarget",
    "Headers",
    "Invalid",
    "Item",
    "JsonObject",
    "Links",
    "Query",
    "QueryValue",
    "Reply",
    "Resolver",
    "RestError",
    "RestSite",
    "RouteAnswer",
    "RouteTable",
    "ServiceUnavailableError",
    "Shape",
    "Site",
    "StoreEndpoints",
    "UnsupportedRequestError",
    "WriteAnswer",
    "add_query_arg",
    "answer_body",
    "avatar_urls",
    "base_args",
    "build_query",
    "check_array",
    "check_scalar",
    "compact",
    "cors_headers",
    "declined_form",
    "denied",
    "dispatch_route",
    "embed_resolver",
    "encode_answer",
    "encode_unavailable",
    "field_included",
    "gravatar_hash",
    "invalid_params",
    "is_dry_run",
    "link",
    "listing_args",
    "listing_headers",
    "no_route",
    "page_window",
    "pagination_headers",
    "parse_args",
    "parse_checked",
    "parse_date",
    "parse_list",
    "parse_str",
    "php_json",
    "php_list",
    "php_query_value",
    "php_rawurlencode",
    "php_urlencode",
    "render_from_store",
    "request_url",
    "response_headers",
    "rest_routes",
    "rest_write_routes",
    "route_for_post",
    "sanitize_key",
    "sanitize_text_field",
    "sanitized_query",
    "send",
    "send_page",
    "serves_route",
    "split_href",
    "store_answer",
    "strip_all_tags",
    "to_int",
    "unsupported_form",
    "with_query",
]
