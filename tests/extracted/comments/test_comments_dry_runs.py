"""Dry-run decisions paired with WordPress's own, when its comment arrives through CDC."""

from __future__ import annotations

from pathlib import Path

from extracted.comments.dry_runs import MATCH_WINDOW_MS, counts, record_dry_run
from extracted.comments.projection import project
from extracted.runtime.announcing import now_ms
from tests.extracted.comments.test_comments_announcer import Site
from tests.extracted.comments.test_comments_projection import comment_row, event


def values_of(row: dict[str, object]) -> dict[str, object]:
    (change,) = project(event("wp_comments", "c", row))
    return {**change.values, **change.key}  # type: ignore[union-attr]


def test_wordpress_s_row_settles_each_dry_run(tmp_path: Path) -> None:
    site = Site(tmp_path)
    with site.engine.begin() as connection:
        now = now_ms()  # the batch pairs by the real clock
        record_dry_run(connection, values_of(comment_row(0, comment_content="Same")), now)  # approved
        record_dry_run(connection, values_of(comment_row(0, comment_content="Spam?", comment_approved="0")), now)
        record_dry_run(connection, values_of(comment_row(0, comment_content="Refused by WordPress")), 1)
    # WordPress stored the first as approved and the second as spam
    site.batch(
        ("c", comment_row(31, comment_content="Same")),
        ("c", comment_row(32, comment_content="Spam?", comment_approved="spam")),
    )
    with site.engine.connect() as connection:
        found = counts(connection, now + MATCH_WINDOW_MS // 2)
    assert found | {"disagreements": None} == {"total": 3, "agreed": 1, "disagreed": 1, "unmatched": 1, "waiting": 0,
                                               "disagreements": None}  # fmt: skip
    assert found["disagreements"] == [{"comment": 32, "service": "hold", "wordpress": "spam"}]
