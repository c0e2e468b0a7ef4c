"""The REST layer's contract: query values, links, headers, and what a service hands it.

A service gives the layer its site (anything with the URL model as ``urls``: :class:`RestSite`), its
endpoints' :class:`~extracted.rest.responses.Answer` values, and for ``_embed`` an :data:`EmbedTarget`;
the layer gives back WordPress's bytes and headers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .responses import Answer
    from .urls import Site

#: a parsed query value as PHP's ``parse_str`` gives it: a string, or a PHP array (ordered; string keys,
#: integer keys as digits)
QueryValue = str | dict[str, "QueryValue"]
#: a request's query string as PHP reads it
Query = dict[str, QueryValue]
#: HAL links of one resource: relation -> link objects (``href`` and attributes)
Links = dict[str, list[dict[str, Any]]]
#: response headers in order; an endpoint's values may be numbers (``X-WP-Total``)
Headers = list[tuple[str, Any]]
#: resolves an embeddable href to its embedded data (or an error body); ``[]`` when nothing is embedded
Resolver = Callable[[str], Any]
#: the answer to an embeddable link's route and query (``context`` already ``embed`` unless the link
#: sets it); None when the route is not the service's (nothing is embedded). It may raise ``RestError``
#: (its body is embedded, as WordPress does) or ``ServiceUnavailableError`` (the whole request is declined).
EmbedTarget = Callable[[str, Query], "Answer | None"]


class RestSite(Protocol):
    """What the REST layer reads of a service's site state: its URL model."""

    @property
    def urls(self) -> Site: ...
