"""The control server: health and metrics open, POST /snapshot only with the admin token."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from cdc import commands
from cdc.errors import CdcError
from cdc.http import ControlServer, authorized
from cdc.stats import Stats

TOKEN = "s3cret-token"


@pytest.fixture
def server() -> Iterator[tuple[str, list[list[str]]]]:
    requested: list[list[str]] = []

    def request_snapshot(tables: list[str]) -> int:
        requested.append(tables)
        return len(requested)

    control = ControlServer(("127.0.0.1", 0), Stats(), request_snapshot, admin_token=TOKEN)
    control.start()
    host, port = control.address
    try:
        yield f"http://{host}:{port}", requested
    finally:
        control.close()


def _post(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], dict[str, object]]:
    request = urllib.request.Request(url + "/snapshot", data=b'{"tables": ["wp_posts"]}', method="POST")
    for name, value in headers.items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}, {"Authorization": "Bearer"}],
    ids=["none", "wrong", "other-scheme", "empty"],
)
def test_snapshot_without_the_token_is_refused_and_starts_nothing(
    server: tuple[str, list[list[str]]], headers: dict[str, str]
) -> None:
    url, requested = server
    status, response_headers, body = _post(url, headers)
    assert status == 401
    assert response_headers["WWW-Authenticate"] == 'Bearer realm="cdc"'
    assert "admin token" in str(body["error"])
    assert requested == []


def test_snapshot_with_the_token_is_accepted(server: tuple[str, list[list[str]]]) -> None:
    url, requested = server
    status, _, body = _post(url, {"Authorization": f"Bearer {TOKEN}"})
    assert (status, body["request_id"], requested) == (202, 1, [["wp_posts"]])


def test_health_and_metrics_stay_open(server: tuple[str, list[list[str]]]) -> None:
    url, _ = server
    assert commands.status(url)["state"] == "starting"  # 503 while starting, still the document
    with urllib.request.urlopen(url + "/metrics", timeout=5) as response:
        assert response.status == 200


def test_the_client_names_a_refused_token(server: tuple[str, list[list[str]]]) -> None:
    url, requested = server
    with pytest.raises(CdcError, match="admin token"):
        commands.snapshot(url, ["wp_posts"], admin_token="wrong", wait=False)
    assert commands.snapshot(url, ["wp_posts"], admin_token=TOKEN, wait=False)["request_id"] == 1
    assert requested == [["wp_posts"]]


def test_no_configured_token_means_no_check() -> None:
    assert authorized(None, "") and authorized("Bearer x", "")
    assert authorized(f"bearer {TOKEN}", TOKEN) and not authorized(f"Bearer {TOKEN}x", TOKEN)
