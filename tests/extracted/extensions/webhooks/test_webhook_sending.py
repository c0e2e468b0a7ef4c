"""One attempt's request: pinned to the checked address, the name kept for Host and TLS, signed headers."""

from __future__ import annotations

import httpx

from extracted.extensions.webhooks import verify
from extracted.extensions.webhooks.sending import _pinned_request, delivery_headers
from extracted.extensions.webhooks.targets import Target

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def test_https_requests_go_to_the_checked_address_with_the_name_for_tls() -> None:
    target = Target("https://hooks.example.com:8443/in?x=1", "https", "hooks.example.com", 8443, ("2606:2800::1",))
    headers = delivery_headers([SECRET], "msg_1", 1_800_000_000, b"{}", "application/json")
    with httpx.Client() as client:
        request = _pinned_request(client, target, b"{}", headers)
    assert str(request.url) == "https://[2606:2800::1]:8443/in?x=1"
    assert request.headers["host"] == "hooks.example.com:8443"
    assert request.extensions["sni_hostname"] == "hooks.example.com"
    assert request.method == "POST" and request.content == b"{}"
    verify(SECRET, dict(request.headers), request.content, now=1_800_000_000)


def test_http_requests_keep_the_host_header() -> None:
    target = Target("http://hooks.example.com/in", "http", "hooks.example.com", 80, ("93.184.215.14",))
    with httpx.Client() as client:
        request = _pinned_request(client, target, b"{}", {"content-type": "application/json"})
    assert str(request.url) == "http://93.184.215.14/in"
    assert request.headers["host"] == "hooks.example.com" and "sni_hostname" not in request.extensions
