"""Pure parts of the dashboard: component flags and health summaries, history buckets, curl commands."""

from __future__ import annotations

import math

import pytest

from proxy.__main__ import build_parser
from proxy.dashboard import Component, parse_component
from proxy.dashboard.components import summarise
from proxy.dashboard.history import MAX_BUCKETS, bucket_history, bucket_size
from proxy.dashboard.reproduce import reproduce


def test_component_flags() -> None:
    args = build_parser().parse_args(
        ["serve", "--listen", ":1", "--admin-listen", ":2", "--wordpress", "http://w", "--routes", "r",
         "--admin-token-file", "t", "--component", "cdc=http://127.0.0.1:18002/healthz",
         "--component", "wordpress=http://127.0.0.1:18080/wp-json/"]
    )  # fmt: skip
    assert args.components == [
        Component("cdc", "http://127.0.0.1:18002/healthz"),
        Component("wordpress", "http://127.0.0.1:18080/wp-json/"),
    ]
    for bad in ("cdc", "=http://x", "cdc=ftp://x", "a b=http://x"):
        with pytest.raises(ValueError, match=r"NAME|http"):
            parse_component(bad)


def test_health_summaries() -> None:
    cdc = summarise(200, b'{"healthy": true, "lag_ms": 42, "state": "streaming", "tables": {"wp_posts": {}}}', 3.21)
    assert cdc.to_dict() == {
        "healthy": True,
        "latency_ms": 3.2,
        "details": {"status": 200, "lag_ms": 42, "state": "streaming"},
    }
    assert summarise(503, b'{"healthy": false, "lag_ms": 10}', 1).healthy is False
    assert summarise(200, b'{"healthy": false}', 1).healthy is False
    wordpress = summarise(200, b'{"name": "' + b"x" * 500 + b'", "routes": {}}', 1)
    assert wordpress.healthy and len(wordpress.details["name"]) == 200 and "routes" not in wordpress.details
    assert summarise(404, b"<html>", 1).to_dict()["healthy"] is False


def test_history_buckets() -> None:
    rows = [
        (100.0, "match", 10.0, 20.0),
        (101.0, "noise", 30.0, None),
        (119.0, "mismatch", 50.0, 40.0),
        (121.0, "error", 5.0, None),
        (125.0, "match", 7.0, 9.0),
    ]
    first, second = bucket_history(rows, 20)
    assert first["t"] == 100 and first["compared"] == 3 and first["match_percent"] == 66.667
    assert first["noise_percent"] == 33.333 and first["legacy_ms"] == {"p50": 30.0, "p99": 50.0}
    assert first["candidate_ms"] == {"p50": 20.0, "p99": 40.0}
    assert second["t"] == 120 and second["outcomes"] == {"error": 1, "match": 1} and second["match_percent"] == 100
    assert bucket_history([(5.0, "error", None, None)], 10)[0]["match_percent"] is None
    assert bucket_size(3600, 60) == 60 and bucket_size(86400 * 7, 1) == math.ceil(86400 * 7 / MAX_BUCKETS)
    assert bucket_size(60, 0.1) == 1


def test_reproduce_commands_are_quoted() -> None:
    commands = reproduce("GET", "/wp-json/wp/v2/posts?search=a b&x='1'", "http://wp:80/", "http://svc:81", is_json=True)
    assert commands["wordpress"] == "curl -sS 'http://wp:80/wp-json/wp/v2/posts?search=a b&x='\"'\"'1'\"'\"''"
    assert commands["service"].startswith("curl -sS 'http://svc:81/wp-json/")
    assert commands["diff"].startswith("diff -u <(curl -sS 'http://wp:80/")
    assert "| python3 -m json.tool)" in commands["diff"]
    head = reproduce("HEAD", "/", "http://wp", None)
    assert head == {"wordpress": "curl -sS -I http://wp/", "service": None, "diff": None}
    assert reproduce("POST", "/x", "http://wp", "http://s")["service"] == "curl -sS -X POST http://s/x"


def test_reproduce_sends_the_visitors_host_to_both() -> None:
    commands = reproduce("GET", "/?p=1", "http://127.0.0.1:8080", "http://127.0.0.1:8101", host="blog.example:8000")
    assert commands["wordpress"] == "curl -sS -H 'Host: blog.example:8000' 'http://127.0.0.1:8080/?p=1'"
    assert commands["service"] == "curl -sS -H 'Host: blog.example:8000' 'http://127.0.0.1:8101/?p=1'"
