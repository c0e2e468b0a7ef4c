"""Changes made through WordPress's REST API arrive as exact Debezium events."""

from __future__ import annotations

import calendar
import itertools
import re
from typing import Any

import httpx
import pytest

from cdc.events import ChangeEvent, Tombstone
from tests.cdc.harness import Connector, Record, query, read_topic

pytestmark = pytest.mark.stack
GTID = re.compile(r"^\d+-\d+-\d+$")


def _for_key(records: list[Record], key: dict[str, Any]) -> list[Record]:
    return [r for r in records if r.key == key]


def _ops(records: list[Record]) -> list[str | None]:
    return [r.op if isinstance(r, ChangeEvent) else None for r in records]


def _check_lifecycle(records: list[Record], connector: Connector, table: str) -> list[ChangeEvent]:
    """c, then only u, then d and its tombstone; every source block filled in; commit order."""
    ops = _ops(records)
    assert ops[0] == "c" and ops[-2:] == ["d", None] and set(ops[1:-2]) <= {"u"}, ops
    events = [r for r in records if isinstance(r, ChangeEvent)]
    assert isinstance(records[-1], Tombstone) and records[-1].key == records[0].key
    seqs = []
    for event in events:
        source = event.source
        assert (source["connector"], source["name"], source["db"], source["table"]) == (
            "mariadb",
            connector.prefix,
            "wordpress",
            table,
        )
        assert source["snapshot"] == "false" and GTID.match(source["gtid"])
        assert isinstance(source["pos"], int) and source["file"] and isinstance(source["row"], int)
        assert event.transaction is not None and event.transaction["id"] == source["gtid"]
        seqs.append(int(source["gtid"].rsplit("-", 1)[1]))
    assert seqs == sorted(seqs)
    for previous, event in itertools.pairwise(events):
        assert event.before == previous.after  # full before images, no change lost in between
    assert events[-1].after is None and events[0].before is None
    return events


def _epoch_ms(value: Any) -> int:
    return calendar.timegm(value.timetuple()) * 1000


def test_posts_users_comments_terms_options_through_wordpress(components: dict[str, Any], new_connector: Any) -> None:
    connector: Connector = new_connector().start()
    connector.wait_streaming()
    wp = components["wordpress"]
    api = f"{wp['url']}/wp-json/wp/v2"
    with httpx.Client(auth=(wp["admin_user"], wp["app_password"]), timeout=30) as client:
        post = client.post(f"{api}/posts", json={"title": "CDC one", "content": "Body é", "status": "publish"})
        post.raise_for_status()
        post_id = post.json()["id"]
        client.post(f"{api}/posts/{post_id}", json={"title": "CDC two"}).raise_for_status()
        dates = query(components, "SELECT post_date, post_modified_gmt FROM wp_posts WHERE ID=%s", (post_id,))[0]
        comment_id = client.post(f"{api}/comments", json={"post": post_id, "content": "Nice"}).json()["id"]
        client.delete(f"{api}/comments/{comment_id}", params={"force": "true"}).raise_for_status()
        client.delete(f"{api}/posts/{post_id}", params={"force": "true"}).raise_for_status()
        user = client.post(
            f"{api}/users", json={"username": "cdcuser", "email": "cdc@example.test", "password": "Cdc-user-pw-1234"}
        )
        user.raise_for_status()
        user_id = user.json()["id"]
        client.delete(f"{api}/users/{user_id}", params={"force": "true", "reassign": "1"}).raise_for_status()
        term_id = client.post(f"{api}/categories", json={"name": "CDC cat"}).json()["id"]
        client.post(f"{api}/categories/{term_id}", json={"name": "CDC cat 2"}).raise_for_status()
        client.delete(f"{api}/categories/{term_id}", params={"force": "true"}).raise_for_status()
        old_tagline = client.get(f"{api}/settings").json()["description"]
        client.post(f"{api}/settings", json={"description": "CDC tagline"}).raise_for_status()
        client.post(f"{api}/settings", json={"description": old_tagline}).raise_for_status()
    connector.wait_caught_up()
    bootstrap = components["kafka"]["bootstrap"]

    posts = _check_lifecycle(
        _for_key(read_topic(bootstrap, connector.topic("wp_posts")), {"ID": post_id}), connector, "wp_posts"
    )
    created = posts[0].after
    assert created is not None and created["post_title"] == "CDC one" and created["post_content"] == "Body é"
    assert isinstance(created["post_author"], int) and isinstance(created["comment_count"], int)
    renamed = next(e for e in posts if e.after and e.after["post_title"] == "CDC two")
    assert renamed.op == "u" and renamed.before is not None and renamed.before["post_title"] == "CDC one"
    assert renamed.after is not None and renamed.after["post_date"] == _epoch_ms(dates[0])
    assert renamed.after["post_modified_gmt"] == _epoch_ms(dates[1])

    comments = _check_lifecycle(
        _for_key(read_topic(bootstrap, connector.topic("wp_comments")), {"comment_ID": comment_id}),
        connector,
        "wp_comments",
    )
    assert comments[0].after is not None and comments[0].after["comment_content"] == "Nice"
    assert comments[0].after["comment_post_ID"] == post_id

    users = _check_lifecycle(
        _for_key(read_topic(bootstrap, connector.topic("wp_users")), {"ID": user_id}), connector, "wp_users"
    )
    assert users[0].after is not None and users[0].after["user_login"] == "cdcuser"
    assert isinstance(users[0].after["user_registered"], int) and users[0].after["user_registered"] > 0

    terms = _check_lifecycle(
        _for_key(read_topic(bootstrap, connector.topic("wp_terms")), {"term_id": term_id}), connector, "wp_terms"
    )
    assert [t.after["name"] for t in terms if t.after] == ["CDC cat", "CDC cat 2"]

    options = [
        r
        for r in read_topic(bootstrap, connector.topic("wp_options"))
        if isinstance(r, ChangeEvent) and r.op == "u" and r.after and r.after["option_name"] == "blogdescription"
    ]
    assert [o.after["option_value"] for o in options if o.after] == ["CDC tagline", old_tagline]
    assert options[0].before is not None and options[0].before["option_value"] == old_tagline
