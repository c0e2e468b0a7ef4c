"""URLs as WordPress reads them: a generated matrix of path, query and header mutations of content's
routes, sent through a proxy with content cut over and straight to WordPress, gets the same answers
(status, body, the headers WordPress's REST server sets). Mutations that WordPress routes elsewhere must
not reach the service as the route they resemble; forms the service does not reproduce are declined
with 503 + X-Strangler-Unavailable and the proxy serves WordPress's answer (issue: cutover safety)."""

from __future__ import annotations

import http.client
import itertools
from collections import Counter
from dataclasses import dataclass, field

import httpx
import pytest

from proxy.client import AdminClient
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack

COMPARED_HEADERS = ("content-type", "x-wp-total", "x-wp-totalpages", "link", "allow", "location",
                    "access-control-allow-origin", "access-control-allow-credentials",
                    "access-control-expose-headers", "access-control-allow-headers", "vary")  # fmt: skip


@dataclass(frozen=True)
class Probe:
    target: str
    headers: tuple[tuple[str, str], ...] = ()


def _path_forms(route: str) -> list[str]:
    """Ways of writing a REST route's URL; WordPress answers some as the route and some not at all."""
    head, _, last = route.rpartition("/")
    forms = [
        f"/wp-json{route}",
        f"/wp-json{route}/",
        f"/?rest_route={route}",
        f"/index.php?rest_route={route}",
        f"/index.php/wp-json{route}",
        f"/WP-JSON{route}",
        f"/wp-json{route.upper()}",
        f"/wp-json{head}%2F{last}",
        f"/wp-json{head}%2f{last}",
        f"//wp-json{route}",
        f"/wp-json/{route}",
        f"/wp-json{head}//{last}",
        f"/wp-json{head}/./{last}",
        f"/wp-json{head}/x/../{last}",
        f"/wp-json{head}/%2e/{last}",
        f"/wp-json{route}%20",
        f"/wp-json{route};x=1",
        f"/wp-json{route}%00",
        f"/?rest_route={route}&rest_route=/wp/v2/pages",
        f"/?rest_route={route.replace('/', '%2F')}",
        f"/?rest_route={route.upper()}",
    ]
    return forms


QUERIES = [
    "",
    "per_page=2&per_page=3",
    "_jsonp=cb",
    "_jsonp=bad!name",
    "_envelope",
    "_envelope=1&_fields=id",
    "_method=POST",
    "_method=GET",
    "_method=get",
    "_method=HEAD",
    "_method[]=GET",
    "search=%00",
    "search=" + "x" * 3000,
    "search=" + "a" * 1600,
    "search=%FF",
    "search=%C3%A9",
    "search=%20%00hello%0B",
    "_fields=id,title&_fields=id",
    "page=1&page=999",
    "orderby=id&order=ASC",
    "context=edit",
    "per_page=0",
    "include[]=1&include[]=1",
]
HEADER_FORMS: list[tuple[tuple[str, str], ...]] = [
    (),
    (("Origin", "https://elsewhere.example"),),
    (("Origin", "null"),),
    (("Origin", "http://127.0.0.1:8080"),),
    (("Origin", "https://ex ample.com/<x>"),),
    (("X-HTTP-Method-Override", "GET"),),
    (("X-HTTP-Method-Override", "DELETE"),),
    (("Accept", "application/javascript"),),
]


def mutation_matrix(routes: list[str]) -> list[Probe]:
    probes = [Probe(path) for route in routes for path in _path_forms(route)]
    for route, query in itertools.product(routes, QUERIES):
        joiner = "&" if "?" in route else "?"
        probes.append(Probe(f"/wp-json{route}{joiner}{query}" if query else f"/wp-json{route}"))
        probes.append(Probe(f"/?rest_route={route}&{query}" if query else f"/?rest_route={route}"))
    for route, headers in itertools.product(routes, HEADER_FORMS[1:]):
        probes.append(Probe(f"/wp-json{route}", headers))
    return list(dict.fromkeys(probes))


@dataclass
class MatrixResult:
    by_server: Counter[str] = field(default_factory=Counter)
    differences: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: tuple[tuple[str, str | None], ...]
    server: str | None

    def compared(self) -> tuple[int, bytes, tuple[tuple[str, str | None], ...]]:
        return self.status, self.body, self.headers


def _get(base: str, probe: Probe, host: str) -> Answer:
    """GET with the target byte for byte (httpx would resolve dot segments), as a browser's Host."""
    url = httpx.URL(base)
    connection = http.client.HTTPConnection(url.host, url.port, timeout=60)
    try:
        connection.putrequest("GET", probe.target, skip_host=True, skip_accept_encoding=True)
        for name, value in (("Host", host), *probe.headers):
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        headers = tuple((name, response.getheader(name)) for name in COMPARED_HEADERS)
        return Answer(response.status, body, headers, response.getheader("server"))
    finally:
        connection.close()


def test_mutation_matrix_through_the_cut_over_proxy_matches_wordpress(
    stack: StackHandle, cut_over: AdminClient
) -> None:
    public = stack.components["proxy"]["url"].rstrip("/")
    wordpress = stack.components["wordpress"]["url"].rstrip("/")
    host = httpx.URL(public).netloc.decode()
    with httpx.Client(base_url=public, timeout=60) as proxied:
        first = proxied.get("/wp-json/wp/v2/posts", params={"per_page": 1}).json()[0]
        term = proxied.get("/wp-json/wp/v2/categories", params={"per_page": 1}).json()[0]
    routes = ["/wp/v2/posts", f"/wp/v2/posts/{first['id']}", "/wp/v2/pages", f"/wp/v2/categories/{term['id']}",
              "/wp/v2/tags", "/wp/v2/users"]  # fmt: skip
    matrix = mutation_matrix(routes)
    result = MatrixResult()
    for probe in matrix:
        via_proxy, at_wordpress = _get(public, probe, host), _get(wordpress, probe, host)
        result.by_server["wordpress" if via_proxy.server == "nginx" else "service"] += 1
        if via_proxy.compared() != at_wordpress.compared():
            result.differences.append(
                f"{probe.target[:120]} {dict(probe.headers)}: proxy {via_proxy.status} {via_proxy.body[:120]!r} "
                f"{via_proxy.headers} / WordPress {at_wordpress.status} {at_wordpress.body[:120]!r} "
                f"{at_wordpress.headers}"
            )
    print(f"\nmutation matrix: {len(matrix)} requests, answered by {dict(result.by_server)}, "
          f"{len(result.differences)} different")  # fmt: skip
    assert result.by_server["service"] > len(matrix) // 4  # the matrix exercises the service, not only fallbacks
    for difference in result.differences[:20]:
        print(" ", difference)
    assert not result.differences, result.differences[:10]
