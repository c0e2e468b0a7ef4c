"""The real `python -m proxy serve` on sockets, against a tiny aiohttp upstream: streaming both
ways, repeated Set-Cookie, redirects, gzip passthrough, refusal of malformed/smuggling requests,
signals, the admin client, several workers."""

from __future__ import annotations

import hashlib
import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from proxy.client import AdminClient
from proxy.errors import AdminClientError
from tests.proxy.proxy_processes import GZIPPED, ProxyProcess, Upstream, echo_headers, raw_exchange, start_proxy


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    with Upstream().running() as server:
        yield server


@pytest.fixture(scope="module")
def proxy(upstream: Upstream, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProxyProcess]:
    process = start_proxy(tmp_path_factory.mktemp("proxy"), upstream.url)
    yield process
    assert process.stop() == 0, process.log.read_text()


def test_headers_host_and_forwarded(proxy: ProxyProcess) -> None:
    answer = httpx.get(proxy.url + "/echo", headers={"Host": "blog.example", "Accept-Encoding": "br"})
    headers = echo_headers(answer)
    assert headers["host"] == ["blog.example"] and headers["x-forwarded-host"] == ["blog.example"]
    assert headers["x-forwarded-for"] == ["127.0.0.1"] and headers["x-forwarded-proto"] == ["http"]
    assert headers["accept-encoding"] == ["br"] and "user-agent" in headers


@pytest.mark.parametrize("chunked", [True, False])
def test_upload_is_streamed_through(proxy: ProxyProcess, chunked: bool) -> None:
    blob = os.urandom(3 << 20)
    body = (blob[i : i + 65536] for i in range(0, len(blob), 65536)) if chunked else blob
    result = httpx.post(proxy.url + "/upload", content=body, timeout=30).json()
    assert result["size"] == len(blob) and result["sha256"] == hashlib.sha256(blob).hexdigest()
    assert (result["te"], result["cl"]) == (("chunked", None) if chunked else (None, str(len(blob))))


def test_download_is_streamed_not_buffered(proxy: ProxyProcess, upstream: Upstream) -> None:
    with httpx.stream("GET", proxy.url + "/stream", timeout=15) as response:
        chunks = response.iter_raw()
        assert next(chunks) == b"first;"  # arrives while the upstream still holds the rest back
        httpx.get(upstream.url + "/release")
        assert b"".join(chunks) == b"second"


def test_set_cookies_redirects_head_and_gzip(proxy: ProxyProcess) -> None:
    cookies = httpx.get(proxy.url + "/cookies")
    assert cookies.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; Path=/; HttpOnly"]
    redirect = httpx.get(proxy.url + "/redirect", follow_redirects=False)
    assert redirect.status_code == 302 and redirect.headers["location"] == "/echo"
    with httpx.stream("GET", proxy.url + "/gzip", headers={"Accept-Encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
    assert raw == GZIPPED and response.headers["content-encoding"] == "gzip"
    head = httpx.head(proxy.url + "/gzip")
    assert head.headers["content-length"] == str(len(GZIPPED)) and head.content == b""


SMUGGLING = {
    "cl-and-te": b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n",
    "te-and-cl": b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
    "two-lengths": b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
    "length-list": b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello",
    "te-obfuscated": b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
    "te-space-colon": b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
    "bad-chunk-size": b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    "injected-cr": b"GET /x HTTP/1.1\r\nHost: a\r\nX-A: b\rX-Injected: c\r\n\r\n",
    "bare-lf": b"GET /x HTTP/1.1\nHost: a\nX-A: b\n\n",
    "obs-fold": b"GET /x HTTP/1.1\r\nHost: a\r\nX-A: b\r\n X-Injected: c\r\n\r\n",
    "nul-in-value": b"GET /x HTTP/1.1\r\nHost: a\r\nX-A: b\x00c\r\n\r\n",
    "space-in-name": b"GET /x HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n",
    "space-in-target": b"GET /x y HTTP/1.1\r\nHost: a\r\n\r\n",
    "no-host": b"GET /x HTTP/1.1\r\n\r\n",
    "two-hosts": b"GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "bad-host": b"GET /x HTTP/1.1\r\nHost: a/b@c\r\n\r\n",
    "http-0.9": b"GET /x\r\n\r\n",
}


@pytest.mark.parametrize("name", sorted(SMUGGLING))
def test_malformed_requests_are_refused_not_forwarded(proxy: ProxyProcess, upstream: Upstream, name: str) -> None:
    before = len(upstream.paths)
    answer = raw_exchange(int(proxy.url.rsplit(":", 1)[1]), SMUGGLING[name])
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert b"HTTP/1.1 2" not in answer and b"HTTP/1.1 404" not in answer
    assert upstream.paths[before:] == []


def test_admin_client_and_sighup_reload(proxy: ProxyProcess, upstream: Upstream) -> None:
    with AdminClient(proxy.admin_url, proxy.token) as client:
        assert client.health()["healthy"] and client.list_routes() == []
        client.set_route("api", ["/wp-json/**"], "svc", service_url=upstream.url, mode="shadow")
        assert client.set_mode("api", "canary", percent=100)["routes"][0]["canary_percent"] == 100
        assert [r["mode"] for r in client.list_routes()] == ["canary"]
        with pytest.raises(AdminClientError) as refused:
            client.set_mode("api", "canary", percent=200)
        assert refused.value.status == 422
        answer = httpx.get(proxy.url + "/wp-json/wp/v2/posts")
        assert answer.json()["from"] == "upstream" and "strangler_visitor" in answer.cookies
        client.set_mode("api", "legacy")
        assert client.stats()["api"]["requests"] >= 1
        with AdminClient(proxy.admin_url, "wrong") as intruder, pytest.raises(AdminClientError) as denied:
            intruder.list_routes()
        assert denied.value.status == 401
    # Rewrite the file in place with the same size and mtime: only SIGHUP can notice it.
    text = proxy.routes.read_text()
    stat = proxy.routes.stat()
    changed = text.replace("mode: legacy", "mode: shadow")
    assert len(changed) == len(text)
    with proxy.routes.open("r+") as handle:
        handle.write(changed)
    os.utime(proxy.routes, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    time.sleep(0.7)
    with AdminClient(proxy.admin_url, proxy.token) as client:
        assert client.list_routes()[0]["mode"] == "legacy"
        proxy.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 5
        while client.list_routes()[0]["mode"] != "shadow" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.list_routes()[0]["mode"] == "shadow"
        client.delete_route("api")


def test_shadow_runs_in_the_shadow_process(proxy: ProxyProcess, upstream: Upstream) -> None:
    with AdminClient(proxy.admin_url, proxy.token) as client:
        client.set_route("mirror", ["/wp-json/**"], "svc", service_url=upstream.url, mode="shadow")
        try:
            since = time.time()
            for index in range(3):
                assert httpx.get(f"{proxy.url}/wp-json/item/{index}").status_code == 200
            deadline = time.monotonic() + 10
            rows = client.comparisons("mirror", since=since)
            while len(rows) < 3 and time.monotonic() < deadline:
                time.sleep(0.1)
                rows = client.comparisons("mirror", since=since)
            assert sorted(r["target"] for r in rows) == [f"/wp-json/item/{i}" for i in range(3)]
            assert {r["outcome"] for r in rows} == {"match"}
            assert client.stats()["mirror"]["match_percent"] == 100.0
            assert "strangler_proxy_comparisons_total" in httpx.get(proxy.admin_url + "/metrics").text
        finally:
            client.delete_route("mirror")


@pytest.mark.parametrize("service", ["/slow", "/fail", "unreachable"])
def test_fallback_on_timeout_5xx_and_refused_connection(proxy: ProxyProcess, upstream: Upstream, service: str) -> None:
    url = "http://127.0.0.1:1" if service == "unreachable" else upstream.url + service
    name = "fallback-" + service.strip("/")
    with AdminClient(proxy.admin_url, proxy.token) as client:
        client.set_route(name, ["/wp-json/**"], "svc", service_url=url, mode="cutover", timeout=0.3)
        try:
            answer = httpx.get(proxy.url + "/wp-json/x", timeout=10)
            assert answer.status_code == 200 and answer.json()["path"] == "/wp-json/x"  # WordPress answered
            assert client.stats()[name]["fallbacks"] == 1
        finally:
            client.delete_route(name)


def test_several_workers_share_routes_and_stop_on_sigterm(upstream: Upstream, tmp_path: Path) -> None:
    proxy = start_proxy(tmp_path, upstream.url, workers=2)
    try:
        for _ in range(10):
            assert httpx.get(proxy.url + "/page").text == "page /page"
        with AdminClient(proxy.admin_url, proxy.token) as client:
            client.set_route("api", ["/wp-json/**"], "svc", service_url=upstream.url + "/svc", mode="cutover")
        answers: list[str] = []
        deadline = time.monotonic() + 15
        while answers[-6:] != ["page /svc/wp-json/x"] * 6 and time.monotonic() < deadline:
            answers.append(httpx.get(proxy.url + "/wp-json/x").text)  # until every worker reloaded
        assert answers[-6:] == ["page /svc/wp-json/x"] * 6
        metrics = httpx.get(proxy.admin_url + "/metrics").text
        legacy = 'strangler_proxy_requests_total{route="-",served_by="legacy",status_class="2xx"} '
        (line,) = [line for line in metrics.splitlines() if line.startswith(legacy)]
        assert float(line.removeprefix(legacy)) >= 10  # summed over both workers
    finally:
        assert proxy.stop() == 0, proxy.log.read_text()


UNSAFE_OR_PERSONAL = [
    b"POST /wp-json/a HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}",
    b"GET /wp-json/b?_method=POST HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET /wp-json/c HTTP/1.1\r\nHost: a\r\nX-HTTP-Method-Override: DELETE\r\n\r\n",
    b"GET /wp-json/d HTTP/1.1\r\nHost: a\r\nCookie: theme=dark; wordpress_logged_in_0a1b=admin%7C1\r\n\r\n",
    b"GET /wp-json/e HTTP/1.1\r\nHost: a\r\nAuthorization: Basic YWRtaW46eA==\r\n\r\n",
    b"GET /wp-json/f?_wpnonce=abc HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET /wp-json/g?preview=true HTTP/1.1\r\nHost: a\r\n\r\n",
    b"DELETE /wp-json/h HTTP/1.1\r\nHost: a\r\n\r\n",
    b"PUT /wp-json/i HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
]


def test_unsafe_and_personal_requests_on_raw_sockets_never_reach_the_shadow(
    proxy: ProxyProcess, upstream: Upstream
) -> None:
    """Pipelined on one connection, then a barrier: copies leave in order, so once the barrier's
    comparison is stored, any copy of the requests before it would have reached the service."""
    with AdminClient(proxy.admin_url, proxy.token) as client:
        client.set_route("raw-shadow", ["/wp-json/**"], "svc", service_url=upstream.url + "/svc", mode="shadow")
        try:
            since, before = time.time(), len(upstream.paths)
            barrier = b"GET /wp-json/barrier HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
            answer = raw_exchange(int(proxy.url.rsplit(":", 1)[1]), b"".join([*UNSAFE_OR_PERSONAL, barrier]))
            assert answer.count(b"HTTP/1.1 200 ") == len(UNSAFE_OR_PERSONAL) + 1, answer[:500]
            deadline = time.monotonic() + 10
            while not client.comparisons("raw-shadow", since=since) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert [row["target"] for row in client.comparisons("raw-shadow", since=since)] == ["/wp-json/barrier"]
            seen = upstream.paths[before:]
            assert [path for path in seen if path.startswith("/svc")] == ["/svc/wp-json/barrier"]
            at_wordpress = Counter(path for path in seen if not path.startswith("/svc"))
            # each reached WordPress exactly once; only the safe barrier may be asked twice (noise sampling)
            expected = [request.split(b" ")[1].decode() for request in UNSAFE_OR_PERSONAL]
            assert {path: at_wordpress[path] for path in expected} == dict.fromkeys(expected, 1)
            assert 1 <= at_wordpress["/wp-json/barrier"] <= 2
        finally:
            client.delete_route("raw-shadow")
