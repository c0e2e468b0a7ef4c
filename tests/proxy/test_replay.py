"""Pure rules for when a request may be sent a second time."""

from __future__ import annotations

import pytest

from proxy import replay
from proxy.errors import (
    UpstreamConnectError,
    UpstreamConnectTimeoutError,
    UpstreamError,
    UpstreamNotSentError,
    UpstreamTimeoutError,
)


@pytest.mark.parametrize(
    ("method", "query", "headers", "safe"),
    [
        ("GET", "", [], True),
        ("HEAD", "page=2", [], True),
        ("POST", "", [], False),
        ("GET", "_method=DELETE", [], False),
        ("GET", "", [(b"X-HTTP-Method-Override", b"PUT")], False),
        ("GET", "_method=GET", [], True),
    ],
)
def test_safe_means_every_effective_method_is_safe(
    method: str, query: str, headers: list[tuple[bytes, bytes]], safe: bool
) -> None:
    assert replay.is_safe(method, query, headers) is safe


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (UpstreamNotSentError("refused"), replay.CONNECT),
        (UpstreamConnectTimeoutError("slow connect"), replay.CONNECT_TIMEOUT),
        (UpstreamTimeoutError("no answer"), replay.TIMEOUT),
        (UpstreamConnectError("reset"), replay.RESET),
        (UpstreamError("garbage"), replay.ERROR),
    ],
)
def test_failure_reasons(error: UpstreamError, reason: str) -> None:
    assert replay.failure_reason(error) == reason


def test_answer_reasons() -> None:
    assert replay.answer_reason(404, []) is None
    assert replay.answer_reason(500, []) == replay.SERVER_ERROR
    assert replay.answer_reason(503, []) == replay.SERVER_ERROR
    assert replay.answer_reason(503, [(b"X-Strangler-Unavailable", b"jsonp")]) == replay.UNAVAILABLE


@pytest.mark.parametrize("reason", [replay.TIMEOUT, replay.RESET, replay.ERROR, replay.SERVER_ERROR, replay.BROKEN])
def test_a_write_is_replayed_only_when_the_service_cannot_have_acted(reason: str) -> None:
    assert replay.may_replay(reason, safe=True)
    assert not replay.may_replay(reason, safe=False)
    for not_acted in replay.NOT_ACTED:
        assert replay.may_replay(not_acted, safe=False)
