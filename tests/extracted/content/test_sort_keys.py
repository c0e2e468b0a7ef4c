"""The sort keys the content service states for the proxy's comparison (extracted/content/sort_keys.py)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from test_content_projection import EPOCH_2024, SITE, apply, event, post

from extracted.content import ContentProjection
from extracted.content.app import create_app
from extracted.content.sort_keys import SORT_KEYS_HEADER, detached, for_request, statement, with_statement
from extracted.rest import Answer
from extracted.runtime import ConsumerState, Store, open_engine
from extracted.runtime.answer_cache import Generation
from proxy.parity.ties import SORT_KEYS_HEADER as PROXY_HEADER


def test_statement_format_is_the_proxys() -> None:
    assert SORT_KEYS_HEADER.lower() == PROXY_HEADER
    ((name, value),) = statement([[1, "2024-01-01T00:00:00"], [None, "x"]], {7: "Café"})
    assert name == SORT_KEYS_HEADER and value.isascii()
    assert json.loads(value) == {"order": [[1, "2024-01-01T00:00:00"], [None, "x"]], "terms": {"7": "Café"}}
    assert statement() == [] and statement(terms={}) == []


def test_the_statement_is_detached_from_the_answer_and_sent_only_when_asked() -> None:
    answer = Answer([], [("X-WP-Total", 0), *statement([])])
    kept, stated = detached(answer)
    assert kept.headers == [("X-WP-Total", 0)] and stated == statement([])
    headers = with_statement([("Content-Type", "x"), ("Vary", "Origin")], stated)
    assert [name for name, _ in headers] == ["Content-Type", SORT_KEYS_HEADER, "Vary"]
    assert for_request(headers, asked=True) == headers
    assert for_request(headers, asked=False) == [("Content-Type", "x"), ("Vary", "Origin")]


def _get(app: object, url: str, headers: dict[str, str]) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            return await client.get(url, headers=headers)

    return asyncio.run(send())


@pytest.fixture
def app(tmp_path: Path) -> object:
    store = Store(open_engine(f"sqlite:///{tmp_path / 'content.db'}"), ContentProjection().metadata)
    store.create()
    later = post(6, post_date=EPOCH_2024 + 86_400_000, post_title="Kafka notes")
    apply(store, *SITE, event("wp_posts", "r", post(5, post_title="Kafka")), event("wp_posts", "r", later))
    state = ConsumerState("content", connected=True, running=True, caught_up_once=True)
    return create_app(store.engine, state, Generation())


def test_the_app_states_keys_to_a_request_that_asks(app: object) -> None:
    asking = {SORT_KEYS_HEADER: "1"}
    url = "/wp-json/wp/v2/posts?search=kafka&orderby=relevance&_fields=id"
    answer = _get(app, url, asking)
    stated = json.loads(answer.headers[SORT_KEYS_HEADER])
    assert [item["id"] for item in answer.json()] == [6, 5]  # one relevance class, then the newest first
    assert [key[1] for key in stated["order"]] == ["2024-01-02T10:00:00", "2024-01-01T10:00:00"]
    assert stated["order"][0][0] == stated["order"][1][0]  # both have "kafka" in the title: one class
    # the same cached answer to a visitor: without the statement, and the body the same
    plain = _get(app, url, {})
    assert SORT_KEYS_HEADER not in plain.headers and plain.content == answer.content
    # an envelope never carries it in its body
    enveloped = _get(app, url + "&_envelope=1", asking)
    assert "X-Strangler-Sort-Keys" not in enveloped.json()["headers"] and SORT_KEYS_HEADER in enveloped.headers
