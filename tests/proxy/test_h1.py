"""proxy.h1: the pure HTTP/1.1 framing helpers of the upstream transport, table-driven."""

from __future__ import annotations

import pytest

from proxy.errors import UpstreamError
from proxy.h1 import (
    LAST_CHUNK,
    Origin,
    chunk,
    declared_length,
    parse_origin,
    request_head,
    response_has_body,
    response_head,
    split_url,
    status_line,
)
from proxy.types import RawHeaders

ORIGIN = Origin("http", "127.0.0.1", 8080, "127.0.0.1:8080")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8080", Origin("http", "127.0.0.1", 8080, "127.0.0.1:8080")),
        ("http://wordpress", Origin("http", "wordpress", 80, "wordpress")),
        ("https://service.test", Origin("https", "service.test", 443, "service.test")),
        ("https://service.test:8443", Origin("https", "service.test", 8443, "service.test:8443")),
        ("http://[::1]:9000", Origin("http", "::1", 9000, "[::1]:9000")),
        ("http://[::1]", Origin("http", "::1", 80, "[::1]")),
        ("http://host:", Origin("http", "host", 80, "host:")),
    ],
)
def test_parse_origin(url: str, expected: Origin) -> None:
    assert parse_origin(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://host", "unsupported upstream URL"),
        ("host:80", "unsupported upstream URL"),
        ("http://", "unsupported upstream URL"),
        ("http://host:http", "bad port"),
        ("http://[::1]:x", "bad port"),
    ],
)
def test_parse_origin_refuses(url: str, message: str) -> None:
    with pytest.raises(UpstreamError, match=message):
        parse_origin(url)


@pytest.mark.parametrize(
    ("url", "origin", "target"),
    [
        ("http://127.0.0.1:8080/wp-json/wp/v2/posts?per_page=1", ORIGIN, "/wp-json/wp/v2/posts?per_page=1"),
        ("http://127.0.0.1:8080", ORIGIN, "/"),
        ("http://127.0.0.1:8080/", ORIGIN, "/"),
        ("http://127.0.0.1:8080/a%20b/?q=%C3%A9#x", ORIGIN, "/a%20b/?q=%C3%A9#x"),  # passed through as given
        ("http://127.0.0.1:8080//double", ORIGIN, "//double"),
        ("https://[::1]:8443/x", Origin("https", "::1", 8443, "[::1]:8443"), "/x"),
    ],
)
def test_split_url(url: str, origin: Origin, target: str) -> None:
    assert split_url(url) == (origin, target)


@pytest.mark.parametrize(
    ("headers", "content_length", "chunked", "expected"),
    [
        pytest.param(
            [(b"Accept", b"*/*")],
            None,
            False,
            b"GET /p HTTP/1.1\r\nAccept: */*\r\nhost: 127.0.0.1:8080\r\n\r\n",
            id="host-added-from-origin",
        ),
        pytest.param(
            [(b"Host", b"blog.example"), (b"X-A", b"1"), (b"x-a", b"2")],
            None,
            False,
            b"GET /p HTTP/1.1\r\nHost: blog.example\r\nX-A: 1\r\nx-a: 2\r\n\r\n",
            id="visitor-host-and-repeats-kept",
        ),
        pytest.param(
            [(b"host", b"h"), (b"Content-Length", b"99"), (b"Transfer-Encoding", b"chunked")],
            5,
            False,
            b"GET /p HTTP/1.1\r\nhost: h\r\ncontent-length: 5\r\n\r\n",
            id="framing-replaced-by-length",
        ),
        pytest.param(
            [(b"host", b"h"), (b"content-length", b"5")],
            None,
            True,
            b"GET /p HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n\r\n",
            id="framing-replaced-by-chunked",
        ),
        pytest.param(
            [(b"host", b"h")], 0, True, b"GET /p HTTP/1.1\r\nhost: h\r\ncontent-length: 0\r\n\r\n", id="length-wins"
        ),
        pytest.param(
            [(b"host", b"h"), (b"transfer-encoding", b"gzip, chunked")],
            None,
            False,
            b"GET /p HTTP/1.1\r\nhost: h\r\n\r\n",
            id="no-body-no-framing",
        ),
    ],
)
def test_request_head(headers: RawHeaders, content_length: int | None, chunked: bool, expected: bytes) -> None:
    assert request_head("GET", "/p", headers, ORIGIN, content_length=content_length, chunked=chunked) == expected


def test_request_head_encodes_method_and_target_as_latin1() -> None:
    head = request_head("PURGE", "/caf\xe9?x=1", [], ORIGIN, content_length=None, chunked=False)
    assert head.startswith(b"PURGE /caf\xe9?x=1 HTTP/1.1\r\n")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a", b"1\r\na\r\n"),
        (b"hello world!", b"c\r\nhello world!\r\n"),
        (b"x" * 4096, b"1000\r\n" + b"x" * 4096 + b"\r\n"),
    ],
)
def test_chunk(data: bytes, expected: bytes) -> None:
    assert chunk(data) == expected
    assert LAST_CHUNK == b"0\r\n\r\n"


@pytest.mark.parametrize(
    ("method", "status", "has_body"),
    [
        ("GET", 200, True),
        ("POST", 201, True),
        ("GET", 404, True),
        ("GET", 205, True),
        ("HEAD", 200, False),
        ("HEAD", 404, False),
        ("GET", 204, False),
        ("GET", 304, False),
        ("GET", 100, False),
        ("GET", 103, False),
        ("GET", 199, False),
    ],
)
def test_response_has_body(method: str, status: int, has_body: bool) -> None:
    assert response_has_body(method, status) is has_body


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([], (False, False)),
        ([(b"Content-Length", b"10")], (True, False)),
        ([(b"content-length", b"0")], (True, False)),
        ([(b"Transfer-Encoding", b"chunked")], (False, True)),
        ([(b"transfer-encoding", b"gzip, CHUNKED")], (False, True)),
        ([(b"transfer-encoding", b"gzip")], (False, False)),
        ([(b"content-type", b"text/chunked")], (False, False)),
        ([(b"x", b"1"), (b"CONTENT-LENGTH", b"3"), (b"TRANSFER-ENCODING", b"chunked")], (True, True)),
    ],
)
def test_declared_length(headers: RawHeaders, expected: tuple[bool, bool]) -> None:
    assert declared_length(headers) == expected


@pytest.mark.parametrize(
    ("status", "line"),
    [
        (200, b"HTTP/1.1 200 OK\r\n"),
        (404, b"HTTP/1.1 404 Not Found\r\n"),
        (502, b"HTTP/1.1 502 Bad Gateway\r\n"),
        (299, b"HTTP/1.1 299 \r\n"),  # unknown to http.HTTPStatus: no reason phrase, still well formed
        (599, b"HTTP/1.1 599 \r\n"),
    ],
)
def test_status_line(status: int, line: bytes) -> None:
    assert status_line(status) == line


@pytest.mark.parametrize(
    ("status", "headers", "extra", "expected"),
    [
        (204, [], [], b"HTTP/1.1 204 No Content\r\n\r\n"),
        (
            200,
            [(b"Set-Cookie", b"a=1"), (b"Set-Cookie", b"b=2"), (b"content-type", b"text/html")],
            [b"transfer-encoding: chunked\r\n", b"connection: close\r\n"],
            b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\ncontent-type: text/html\r\n"
            b"transfer-encoding: chunked\r\nconnection: close\r\n\r\n",
        ),
    ],
)
def test_response_head(status: int, headers: RawHeaders, extra: list[bytes], expected: bytes) -> None:
    assert response_head(status, headers, extra) == expected
