"""The content service against the real stack: parity with WordPress on the demo site and on random
content (generated request matrices), and live edits reaching the service."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from content_matrix import gather, request_matrix
from content_parity import ParityReport, compare, visitor_clients
from content_process import admin_client, content_service, hidden_ids, wait_for
from kafka import KafkaConsumer, KafkaProducer

from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def service(stack: StackHandle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with content_service(stack.components, tmp_path_factory.mktemp("content") / "content.db") as url:
        yield url


@pytest.fixture(scope="module")
def admin(stack: StackHandle) -> Iterator[httpx.Client]:
    with admin_client(stack.components) as client:
        yield client


def run_matrix(
    stack: StackHandle, service: str, admin: httpx.Client, *, seed: int, extra: int, per_param: int
) -> ParityReport:
    wordpress_url = stack.components["wordpress"]["url"]
    facts = gather(wordpress_url, hidden_ids(admin))
    matrix = request_matrix(facts, seed=seed, extra=extra, per_param=per_param, singles=8)
    # /wp/v2/users is the users service's route (its parity: tests/extracted/users/test_users_live.py)
    matrix = {name: paths for name, paths in matrix.items() if not name.startswith("users")}
    via_query = [path for paths in matrix.values() for path in paths[:2]]
    wp, sv = visitor_clients(stack.components, service)
    with wp, sv:
        report = compare(wp, sv, matrix, rest_route=via_query)
    print(f"\nparity (seed {seed}): {report.summary()}")
    for path, problem in report.failures[:20]:
        print(f"  {path}: {problem}")
    return report


def test_demo_site_parity(stack: StackHandle, service: str, admin: httpx.Client) -> None:
    report = run_matrix(stack, service, admin, seed=5, extra=30, per_param=2)
    assert report.all_equal, report.failures[:5]


WORDS = ["strangler", "fig", "Kafka", "café", "naïve", "日本語", "wordpress", "python", "event", "log", "😀", "it's"]
SNIPPETS = [
    '<p>Plain -- text with "quotes" and it\'s ... ellipsis :)</p>',
    "<!-- wp:paragraph -->\n<p>A <strong>block</strong> paragraph (c) 2024.</p>\n<!-- /wp:paragraph -->",
    "<!-- wp:heading -->\n<h2>A heading</h2>\n<!-- /wp:heading -->",
    "Line one\nline two\n\nA new paragraph with a link https://example.org/page and <em>emphasis</em>.",
    "<ul><li>one</li><li>two &amp; three</li></ul>",
    '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><p>Quoted</p></blockquote>\n<!-- /wp:quote -->',
    "Some <code>code()</code> and x*y and 5x5 and 'single' quotes.",
]


def random_post(rng: random.Random, facts: dict[str, list[int]], index: int) -> dict[str, Any]:
    title = " ".join(rng.sample(WORDS, rng.randint(1, 4))).capitalize()
    year, month, day, hour = rng.randint(2010, 2023), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23)
    post: dict[str, Any] = {
        "title": f"{title} #{index}",
        "content": "\n\n".join(rng.sample(SNIPPETS, rng.randint(1, 4))),
        "status": rng.choice(["publish"] * 5 + ["draft", "private"]),
        "date": f"{year}-{month:02d}-{day:02d}T{hour:02d}:00:00",
        "categories": rng.sample(facts["categories"], rng.randint(1, 2)),
        "tags": rng.sample(facts["tags"], rng.randint(0, 3)),
        "sticky": rng.random() < 0.15,
        "format": rng.choice(["standard"] * 4 + ["aside", "quote", "link"]),
        "author": rng.choice(facts["authors"]),
    }
    if rng.random() < 0.2:
        post["excerpt"] = "A handwritten excerpt -- with quotes 'here'."
    if rng.random() < 0.1 and not post["sticky"]:  # WordPress refuses sticky posts with a password
        post["password"] = "secret"
    return post


def test_random_content_parity(stack: StackHandle, service: str, admin: httpx.Client) -> None:
    rng = random.Random(20261127)
    ids = {
        "categories": [c["id"] for c in admin.get("/wp-json/wp/v2/categories", params={"per_page": 100}).json()],
        "tags": [t["id"] for t in admin.get("/wp-json/wp/v2/tags", params={"per_page": 100}).json()],
        "authors": [u["id"] for u in admin.get("/wp-json/wp/v2/users", params={"per_page": 100}).json()],
    }
    created: list[tuple[str, int]] = []
    try:
        for index in range(12):
            answer = admin.post("/wp-json/wp/v2/posts", json=random_post(rng, ids, index))
            assert answer.status_code == 201, answer.text
            created.append(("posts", answer.json()["id"]))
        # Distinct dates: MariaDB orders equal dates differently depending on the index it picks.
        page = {"title": "Random parent", "status": "publish", "date": "2015-03-01T10:00:00"}
        parent = admin.post("/wp-json/wp/v2/pages", json=page).json()
        created.append(("pages", parent["id"]))
        child = {"title": "Random child", "status": "publish", "parent": parent["id"], "menu_order": 3,
                 "date": "2015-03-02T10:00:00"}  # fmt: skip
        created.append(("pages", admin.post("/wp-json/wp/v2/pages", json=child).json()["id"]))
        last = created[-1][1]
        wait_for(lambda: httpx.get(f"{service}/wp-json/wp/v2/pages/{last}").status_code == 200, 10)
        report = run_matrix(stack, service, admin, seed=11, extra=16, per_param=1)
        assert report.all_equal, report.failures[:5]
    finally:
        for base, item in reversed(created):
            admin.delete(f"/wp-json/wp/v2/{base}/{item}", params={"force": "true"})


def test_live_edits_reach_the_service(stack: StackHandle, service: str, admin: httpx.Client) -> None:
    def item(post_id: int) -> httpx.Response:
        return httpx.get(f"{service}/wp-json/wp/v2/posts/{post_id}", timeout=5)

    post_id = admin.post("/wp-json/wp/v2/posts", json={"title": "Live", "status": "publish"}).json()["id"]
    tag_id = admin.post("/wp-json/wp/v2/tags", json={"name": f"live-edit-{post_id}"}).json()["id"]
    seconds: dict[str, float] = {}
    try:
        seconds["create"] = wait_for(lambda: item(post_id).status_code == 200, 10)
        admin.post(f"/wp-json/wp/v2/posts/{post_id}", json={"title": "Live -- renamed"}).raise_for_status()
        seconds["title"] = wait_for(lambda: item(post_id).json()["title"]["rendered"] == "Live &#8212; renamed", 10)
        admin.post(f"/wp-json/wp/v2/posts/{post_id}", json={"tags": [tag_id]}).raise_for_status()
        seconds["tag"] = wait_for(lambda: item(post_id).json()["tags"] == [tag_id], 10)
        admin.post(
            f"/wp-json/wp/v2/posts/{post_id}", json={"sticky": True}
        ).raise_for_status()  # the sticky_posts option
        seconds["option"] = wait_for(lambda: item(post_id).json()["sticky"] is True, 10)
        admin.post(f"/wp-json/wp/v2/posts/{post_id}", json={"status": "draft"}).raise_for_status()
        seconds["unpublish"] = wait_for(lambda: item(post_id).status_code == 401, 10)
        admin.delete(f"/wp-json/wp/v2/posts/{post_id}", params={"force": "true"}).raise_for_status()
        seconds["delete"] = wait_for(lambda: item(post_id).status_code == 404, 10)
    finally:
        admin.delete(f"/wp-json/wp/v2/posts/{post_id}", params={"force": "true"})
        admin.delete(f"/wp-json/wp/v2/tags/{tag_id}", params={"force": "true"})
    # How fast is measured by bench/content (team rule: no timed assertions in tests); shown for the record.
    print("\nlive edit propagation (s): " + ", ".join(f"{k} {v:.3f}" for k, v in seconds.items()))


def test_health_and_metrics(service: str) -> None:
    wait_for(lambda: httpx.get(f"{service}/healthz").json()["lag_events"] == 0, 30)
    health = httpx.get(f"{service}/healthz").json()
    assert health["healthy"] is True and health["caught_up"] is True and health["dead_letters"] == 0
    metrics = httpx.get(f"{service}/metrics").text
    assert "consumer_lag_ms" in metrics and "consumer_lag_events" in metrics


def test_poison_event_goes_to_the_dead_letter_topic(stack: StackHandle, tmp_path: Path) -> None:
    """On a private topic prefix, so the shared CDC topics stay clean."""
    bootstrap = stack.components["kafka"]["bootstrap"]
    prefix = f"poison{os.getpid()}"
    producer = KafkaProducer(bootstrap_servers=bootstrap)
    producer.send(f"{prefix}.wordpress.wp_posts", key=b'{"ID":1}', value=b"not json")
    producer.send(f"{prefix}.wordpress.wp_options", key=b'{"option_id":1}', value=json.dumps(HOME).encode())
    producer.flush()
    producer.close()
    with content_service(stack.components, tmp_path / "poison.db", prefix=prefix, own=True) as url:
        health = httpx.get(f"{url}/healthz").json()
        assert health["dead_letters"] == 1 and health["events_applied"] == 1
    consumer = KafkaConsumer(
        f"{prefix}.dead-letter.content-test-{os.getpid()}-{url.rsplit(':', 1)[1]}",
        bootstrap_servers=bootstrap, auto_offset_reset="earliest", consumer_timeout_ms=10000,
    )  # fmt: skip
    letters = list(consumer)
    consumer.close()
    assert [letter.value for letter in letters] == [b"not json"]
    headers = dict(letters[0].headers)
    assert b"EventDecodeError" in headers["error"] and json.loads(headers["origin"])["offset"] == 0


HOME = {
    "before": None,
    "after": {"option_id": 1, "option_name": "home", "option_value": "http://poison.test", "autoload": "yes"},
    "source": {"table": "wp_options", "ts_ms": 1},
    "op": "c",
    "ts_ms": 1,
    "transaction": None,
}
